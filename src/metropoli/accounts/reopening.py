"""Reopening a closed account (/cuentas/reabrir, decision 0117).

An account is closed when it is neither active nor waiting for activation (someone made it
inactive). A deleted account is not closed: `services.delete_account` removes the person, address
and all, so nothing is left to find or reopen. A platform administrator names the closed account
by its whole address (no search, no list of people); reopening drops its password, puts it back
to waiting for activation and e-mails its owner, through the outbox, the activation link of
sign-up and invitations, where the owner chooses a new password. Nobody but the address's owner
gets in, and a password someone else may know stops working. Reopenings count with the
invitations of whoever reopens. Accounts keep no change history: who reopened which account, and
when, goes to the log.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from metropoli.common.api import require
from metropoli.common.errors import DomainError
from metropoli.common.i18n import gettext_noop
from metropoli.common.idempotency import Idempotency, run_once
from metropoli.common.outbox import queue_email

from .errors import AccountErrorCode
from .invitations import checked_email, count_invitation
from .models import User
from .services import activation_link

log = logging.getLogger(__name__)


def reopen_account(
    *, reopened_by: User, email: str, idempotency: Idempotency | None = None
) -> User:
    """Reopen the closed account of `email` and e-mail its owner a link to choose a password:
    one transaction, carried out once per form (its idempotency key). Refused (nothing written)
    for an address without an account, an active account, or one already waiting."""

    def reopen() -> User:
        require(
            reopened_by,
            "accounts.reopen_account",
            message=gettext_noop("Only platform administrators reopen closed accounts."),
        )
        address = checked_email(email)
        person = User.objects.select_for_update().filter(email__iexact=address).first()
        if person is None:
            raise DomainError(AccountErrorCode.NO_ACCOUNT, on_field="email")
        if person.is_active:
            raise DomainError(AccountErrorCode.ACCOUNT_ACTIVE, on_field="email")
        if person.activation_pending:
            raise DomainError(AccountErrorCode.ACCOUNT_WAITING, on_field="email")
        count_invitation(reopened_by)
        person.activation_pending = True
        person.set_unusable_password()  # a new random mark: earlier links no longer match
        person.save(update_fields=["activation_pending", "password"])
        _email_link(person, reopened_by)
        at = timezone.now().isoformat(timespec="seconds")
        transaction.on_commit(
            lambda: log.warning("account %s reopened by %s at %s", person.pk, reopened_by.pk, at)
        )
        return person

    person, _first = run_once(
        action="accounts.reopen_account",
        idempotency=idempotency,
        request={"email": email},
        create=reopen,
        result_id=lambda person: person.pk,
        replay=_replayed,
    )
    return person


def _replayed(person_id: int) -> User:
    person = User.objects.filter(pk=person_id).first()
    if person is None:
        raise DomainError(AccountErrorCode.GONE_MEANWHILE)
    return person


def _email_link(person: User, reopened_by: User) -> None:
    """The activation link, in the owner's language, into the outbox (in this transaction)."""
    site = settings.METROPOLI["PLATFORM_NAME"]
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 3600))
    signup = settings.METROPOLI_SITE_URL.rstrip("/") + reverse("accounts:signup")
    with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
        words = {"site": site, "admin": reopened_by.display_name, "days": days, "signup": signup}
        body = [
            _("Hello %(name)s,") % {"name": person.display_name},
            _(
                "%(admin)s, who administers %(site)s, reopened your account with this e-mail "
                "address. Open this link, choose a new password and you are in:"
            )
            % words,
            activation_link(person),
            ngettext(
                "The link works for %(days)s day; after that, sign up again with this address "
                "(%(signup)s) and a new link comes to it.",
                "The link works for %(days)s days; after that, sign up again with this address "
                "(%(signup)s) and a new link comes to it.",
                days,
            )
            % words,
            _("If you do not expect this, ignore this message: the account stays inactive."),
        ]
        subject = _("Your account on %(site)s was reopened") % words
        queue_email(to=person.email, subject=subject, body="\n\n".join(body) + "\n")
