"""People who use the platform. Personal data is kept to what the services need."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

LANGUAGE_CHOICES = [("es-mx", _("Spanish (Mexico)")), ("en", _("English"))]


class PersonManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.setdefault("display_name", email.split("@")[0])
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Logs in with the e-mail address; shows a public name next to contributions."""

    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(
        _("public name"),
        max_length=80,
        help_text=_("Shown next to what you contribute. It does not have to be your real name."),
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=LANGUAGE_CHOICES, default="es-mx"
    )
    email_notifications = models.BooleanField(
        _("send me notifications by e-mail"),
        default=False,
        help_text=_("For example when an expert validates a tree you recorded."),
    )
    home_municipality = models.ForeignKey(
        "territory.Municipality",
        verbose_name=_("municipality where you live"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_staff = models.BooleanField(
        _("can use the admin site"),
        default=False,
        help_text=_("Platform operators only; municipal roles are granted per municipality."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Signed up and not yet activated through the link e-mailed to the address.
    activation_pending = models.BooleanField(_("waiting for activation"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    objects = PersonManager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.display_name or self.email
