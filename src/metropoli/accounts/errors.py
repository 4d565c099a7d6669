"""Refusals of the accounts app: a stable code, its kind (the HTTP status at the edge) and an
English message (translated in locale/es_MX). Decision 0054."""

from metropoli.common.errors import ErrorCode, Kind
from metropoli.common.i18n import gettext_noop


class AccountErrorCode(ErrorCode):
    """Refusals of invitations and of reopening accounts (the code clients see)."""

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
    # Reopening a closed account (accounts/reopening.py, decision 0117): said to platform
    # administrators only, who may know which addresses have an account.
    NO_ACCOUNT = (
        "no_account",
        Kind.NOT_FOUND,
        gettext_noop(
            "No account has that address. A deleted account is gone with its address and cannot "
            "be reopened: the person signs up again."
        ),
    )
    ACCOUNT_ACTIVE = (
        "account_active",
        Kind.CONFLICT,
        gettext_noop("The account of that address is active: there is nothing to reopen."),
    )
    ACCOUNT_WAITING = (
        "account_waiting",
        Kind.CONFLICT,
        gettext_noop(
            "The account of that address is not closed: it waits for activation. Its owner opens "
            "it with the link e-mailed to the address; signing up again with the address sends "
            "a new one."
        ),
    )
    GONE_MEANWHILE = (
        "person_gone_meanwhile",
        Kind.GONE,
        gettext_noop("That person's account was deleted meanwhile. Reload the page."),
    )
