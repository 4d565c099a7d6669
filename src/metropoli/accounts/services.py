"""Writes about people: sign-up and activation, profile changes, account deletion."""

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_tasks import task

from metropoli.common.outbox import queue_email
from metropoli.territory.models import Role
from metropoli.territory.services import assign_role, keep_a_platform_administrator

from .models import User


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    """Tokens of activation links: not valid as password-reset tokens (another salt), and spent
    once the account is active (the state is part of the hash)."""

    key_salt = "metropoli.accounts.activation"

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


activation_tokens = ActivationTokenGenerator()


@transaction.atomic
def sign_up(*, form) -> User | None:
    """Create an account waiting for activation from a valid SignUpForm and e-mail its link.

    When the address already has an account nothing is created: the owner is told by e-mail
    that someone tried to sign up with it (an account still waiting for activation gets its
    link again). The caller answers the same either way, so the form does not reveal who has
    an account. Returns the new account, or None.
    """
    email = form.cleaned_data["email"]
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        make_password(form.cleaned_data["password1"])  # the same work as for a new account
        return _signed_up_again(existing)
    user = form.save(commit=False)
    user.is_active = False
    user.activation_pending = True
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # The same address signed up a moment ago, in a request that committed after the look-up
        # above: the same answer as for any existing account.
        return _signed_up_again(User.objects.get(email__iexact=email))
    if user.home_municipality_id:
        assign_role(user=user, role=Role.CITIZEN, municipality=user.home_municipality)
    transaction.on_commit(lambda: send_signup_email.enqueue(user.pk, "activation"))
    return user


def _signed_up_again(existing: User) -> None:
    waiting = existing.activation_pending and not existing.is_active
    kind = "activation" if waiting else "attempt"
    transaction.on_commit(lambda: send_signup_email.enqueue(existing.pk, kind))


def _link(name: str, **kwargs) -> str:
    return settings.METROPOLI_SITE_URL.rstrip("/") + reverse(name, kwargs=kwargs)


def activation_link(user: User) -> str:
    return _link(
        "accounts:activate",
        uidb64=urlsafe_base64_encode(force_bytes(user.pk)),
        token=activation_tokens.make_token(user),
    )


@task()
def send_signup_email(user_id: int, kind: str) -> None:
    """The activation link, or the warning to an existing account's owner, in their language."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return
    site = settings.METROPOLI["PLATFORM_NAME"]
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        greeting = _("Hello %(name)s,") % {"name": user.display_name}
        if kind == "activation":
            subject = _("Activate your account on %(site)s") % {"site": site}
            body = [
                greeting,
                _(
                    "Someone (hopefully you) created an account on %(site)s with this e-mail "
                    "address. Open this link to activate it:"
                )
                % {"site": site},
                activation_link(user),
                _("If it was not you, ignore this message: the account stays inactive."),
            ]
        else:
            subject = _("Someone tried to sign up on %(site)s with your address") % {"site": site}
            body = [
                greeting,
                _(
                    "Someone tried to create an account on %(site)s with this e-mail address, "
                    "which already has one. If it was you, log in here:"
                )
                % {"site": site},
                _link("accounts:login"),
                _("If you forgot your password, choose a new one here:"),
                _link("accounts:password_reset"),
                _("If it was not you, ignore this message: nothing changed in your account."),
            ]
        queue_email(to=user.email, subject=subject, body="\n\n".join(body) + "\n")


@transaction.atomic
def activate(*, user: User) -> User:
    user.is_active = True
    user.activation_pending = False
    user.save(update_fields=["is_active", "activation_pending"])
    return user


@transaction.atomic
def update_profile(*, user: User, form) -> User:
    user = form.save()
    if user.home_municipality_id:
        assign_role(user=user, role=Role.CITIZEN, municipality=user.home_municipality)
    return user


@transaction.atomic
def delete_account(*, user: User) -> None:
    """Remove the person, address and all (nothing is left to reopen). Modules keep what people
    contributed, without the author. The last platform administrator is refused (409): the
    platform is never left without one (decision 0117)."""
    keep_a_platform_administrator(leaving=user)
    user.delete()
