import uuid
from collections.abc import Callable

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UserCreationForm
from django.template import loader
from django.utils.translation import gettext_lazy as _

from metropoli.common.domain_errors import add_to_form
from metropoli.common.errors import CommonErrorCode, DomainError
from metropoli.common.idempotency import Idempotency, caller_scope
from metropoli.common.outbox import queue_email
from metropoli.common.ratelimit import Attempts, client_key, enforce
from metropoli.territory.selectors import active_municipalities

from .invitations import PersonAdded
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


class OnceForm(forms.Form):
    """A form carried out once however often it is sent (a double tap, a retry): its hidden
    idempotency key goes to the service's `run_once`."""

    # The page sends it; a request without one gets a new one, so it is carried out each time
    # it is sent.
    idempotency_key = forms.CharField(
        widget=forms.HiddenInput,
        required=False,
        max_length=80,
        error_messages={"max_length": _("The form is damaged: reload the page and try again.")},
    )

    # What the form says when sent again with other values (the back button).
    sent_already = _("This form was sent already. Fill it in again to add someone.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
        elif not self.data.get(self.add_prefix("idempotency_key")):
            self._new_key()  # shown again after an error, the form has one for the next time

    def _new_key(self) -> None:
        self.data = self.data.copy()
        self.data[self.add_prefix("idempotency_key")] = uuid.uuid4().hex

    def idempotency(self, request) -> Idempotency | None:
        key = self.cleaned_data.get("idempotency_key")
        return Idempotency(caller_scope(request), key) if key else None

    def show_reused_key(self, error: DomainError) -> bool:
        """The form sent again with other values (the back button): said above the fields, with
        a new key. False for any other refusal."""
        if error.code != CommonErrorCode.IDEMPOTENCY_KEY_REUSED:
            return False
        self.add_error(None, self.sent_already)
        self._new_key()
        return True


class PersonForm(OnceForm):
    """Names a person by e-mail address, to give them a place (a role, the cooperation office,
    a stall, a market's staff): their active account, or, when the address has none, a new
    account they open from an invitation e-mailed to it (INVITE) or from a one-time link shown
    once to whoever sends the form (LINK). accounts.invitations does it (decision 0113)."""

    INVITE = "invite"
    LINK = "link"

    email = forms.EmailField(
        label=_("E-mail address of the person"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    display_name = forms.CharField(
        label=_("Name"),
        max_length=80,
        required=False,
        help_text=_(
            "The public name the platform shows (it need not be the real one). Needed only when "
            "the address has no account yet."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    how = forms.ChoiceField(
        label=_("If the person has no account yet"),
        choices=[
            (INVITE, _("Send an invitation by e-mail")),
            (LINK, _("Show me a one-time activation link to hand over")),
        ],
        initial=INVITE,
        required=False,  # by e-mail when not said (it does not matter for an active account)
        widget=forms.RadioSelect,
    )
    field_order = ["email", "display_name", "how", "idempotency_key"]

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_display_name(self):
        return self.cleaned_data["display_name"].strip()

    @property
    def invites(self) -> bool:
        return self.cleaned_data.get("how") != self.LINK

    def added(
        self, request, add: Callable[..., PersonAdded], *, said: Callable[[PersonAdded], str]
    ) -> PersonAdded | None:
        """Carry the valid form out with `add`, a service called with the e-mail address, name,
        way of inviting and idempotency key: None after a refusal shown on the form; else the
        person added, with `said(added)` and what became of the invitation as messages."""
        data = self.cleaned_data
        try:
            added = add(
                email=data["email"],
                display_name=data["display_name"],
                invite=self.invites,
                idempotency=self.idempotency(request),
            )
        except DomainError as error:
            self.show(error)
            return None
        messages.success(request, said(added))
        if added.link:
            messages.info(
                request,
                _("The account of %(email)s waits for the person: hand over the link below.")
                % {"email": added.person.email},
            )
        elif added.invited:
            messages.info(
                request,
                _("Invitation sent to %(email)s: the person opens the account with its link.")
                % {"email": added.person.email},
            )
        return added

    def show(self, error: DomainError) -> None:
        """A refusal of the service on the form: a problem of the address or the name on its
        field; the form sent again with other values (the back button) above the fields, with a
        new key. Anything else (permission, limit) is raised again, for the edge to answer."""
        if self.show_reused_key(error):
            return
        if error.on_field in self.fields:
            add_to_form(self, error)
        else:
            raise error


class ReopenForm(OnceForm):
    """The address of a closed account, written whole (no search: decision 0117)."""

    email = forms.EmailField(
        label=_("E-mail address of the closed account"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    field_order = ["email", "idempotency_key"]
    sent_already = _("This form was sent already. Fill it in again to reopen another account.")

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()
