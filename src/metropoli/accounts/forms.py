from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UserCreationForm
from django.template import loader
from django.utils.translation import gettext_lazy as _

from metropoli.common.outbox import queue_email
from metropoli.common.ratelimit import Attempts, client_key, enforce
from metropoli.territory.selectors import active_municipalities

from .models import User


class SignUpForm(UserCreationForm):
    privacy = forms.BooleanField(
        label=_("I have read the privacy notice and agree to the use of my data it describes."),
        required=True,
    )

    class Meta:
        model = User
        fields = (
            "email",
            "display_name",
            "home_municipality",
            "preferred_language",
            "email_notifications",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_municipality"].queryset = active_municipalities()
        self.fields["email"].widget.attrs.update(autocomplete="email")
        self.fields["display_name"].widget.attrs.update(autocomplete="nickname")

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def validate_unique(self):
        # An address that already has an account is not an error shown here: the form answers
        # as for a new one and the service writes to the owner (no account enumeration).
        pass


class LimitedLoginMixin:
    """Wrong passwords are limited per account and per address (site and admin log-in share the
    counts); past a limit the form raises RateLimited, answered with 429 and a message."""

    def clean(self):
        email = (self.cleaned_data.get("username") or "").strip().lower()
        if not email or not self.cleaned_data.get("password"):
            return super().clean()  # nothing is checked, nothing is counted
        attempts = Attempts(
            self.request,
            "login",
            target=email,
            per_target=settings.LOGIN_FAILURES_PER_ACCOUNT,
            per_address=settings.LOGIN_FAILURES_PER_ADDRESS,
            window=15 * 60,
        )
        cleaned = super().clean()  # raises ValidationError on a wrong password
        attempts.right()
        return cleaned


class LoginForm(LimitedLoginMixin, AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class AdminLoginForm(LimitedLoginMixin, AdminAuthenticationForm):
    pass


class DeleteAccountForm(forms.Form):
    """Deleting an account asks for its password again, so that a phone left unlocked or a
    session someone else holds cannot erase a person. Wrong passwords count with log-in's (the
    same limits per account and per address): this form is no way around them."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self):
        password = self.cleaned_data["password"]
        user = self.request.user
        attempts = Attempts(
            self.request,
            "login",
            target=user.email.strip().lower(),
            per_target=settings.LOGIN_FAILURES_PER_ACCOUNT,
            per_address=settings.LOGIN_FAILURES_PER_ADDRESS,
            window=15 * 60,
        )
        if not user.check_password(password):
            raise forms.ValidationError(_("That is not your password."), code="wrong_password")
        attempts.right()
        return password


class LimitedPasswordResetForm(PasswordResetForm):
    """Requests are limited per address and per e-mail address asked for, whether or not it has
    an account, so that neither the answer nor the limit tells which addresses do."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        window = 3600
        enforce(
            "password-reset-address",
            client_key(self.request),
            limit=settings.PASSWORD_RESETS_PER_ADDRESS,
            window=window,
        )
        enforce(
            "password-reset-email", email, limit=settings.PASSWORD_RESETS_PER_EMAIL, window=window
        )
        return email

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email,
        html_email_template_name=None,
    ):  # fmt: skip
        """Into the outbox (decision 0111), not straight to the SMTP server: Django's own form
        logs a refused send and drops the message, so a reset asked for while the server is
        down never arrived."""
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        queue_email(to=to_email, subject=subject, body=body)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("display_name", "home_municipality", "preferred_language", "email_notifications")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_municipality"].queryset = active_municipalities()


class ExistingAccountForm(forms.Form):
    """Names a person by the e-mail address of their active account (to give them a role, or a
    place in an office); `person` is that account once the form is valid."""

    email = forms.EmailField(
        label=_("E-mail address of the person"),
        help_text=_("The person must have an account already (they sign up first)."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        person = User.objects.filter(email__iexact=email, is_active=True).first()
        if person is None:
            raise forms.ValidationError(
                _("Nobody has an active account with that address: ask the person to sign up.")
            )
        self.person = person
        return email
