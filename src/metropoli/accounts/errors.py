"""Refusals of the accounts app: a stable code, its kind (the HTTP status at the edge) and an
English message (translated in locale/es_MX). Decision 0054."""

from metropoli.common.errors import ErrorCode, Kind
from metropoli.common.i18n import gettext_noop


class AccountErrorCode(ErrorCode):
    """Refusals of invitations (the code clients see)."""

    INVALID_EMAIL = "invalid_email", Kind.INVALID, gettext_noop("Write a valid e-mail address.")
    # The same first words as the page said before invitations (decision 0113): an address
    # without an active account is told apart from one with an account, and no more.
    NAME_REQUIRED = (
        "name_required",
        Kind.INVALID,
        gettext_noop(
            "Nobody has an active account with that address: write the person's public name "
            "to invite them."
        ),
    )
    NAME_TOO_LONG = (
        "name_too_long",
        Kind.INVALID,
        gettext_noop("Write a public name of at most %(limit)s characters."),
    )
    CLOSED_ACCOUNT = (
        "closed_account",
        Kind.CONFLICT,
        gettext_noop(
            "The account of that address was closed; it cannot be invited. A platform "
            "administrator can reopen it."
        ),
    )
    GONE_MEANWHILE = (
        "person_gone_meanwhile",
        Kind.GONE,
        gettext_noop("That person's account was deleted meanwhile. Reload the page."),
    )
