"""Validation's refusals: a stable code, its kind (the HTTP status at the edge) and an English
message (translated in locale/es_MX). Services raise ``DomainError(ValidationErrorCode.X)``;
decision 0054."""

from metropoli.common.errors import ErrorCode, Kind
from metropoli.common.i18n import gettext_noop


class ValidationErrorCode(ErrorCode):
    """Refusals of votes, decisions and the work queue (the value is the code clients see)."""

    INVALID_VOTE = "invalid_vote", Kind.INVALID, gettext_noop("“%(kind)s” is not a kind of vote.")
    INVALID_FLAG = "invalid_flag", Kind.INVALID, gettext_noop("Unknown flag: %(flags)s.")
    FLAG_REQUIRED = (
        "flag_required",
        Kind.INVALID,
        gettext_noop("Say what is wrong: disease, pest, risk of falling or dead."),
    )
    REASON_REQUIRED = (
        "reason_required",
        Kind.INVALID,
        gettext_noop("Tell the person who recorded the tree why: a reason is required."),
    )
    REASON_TOO_LONG = (
        "reason_too_long",
        Kind.INVALID,
        gettext_noop("The reason can have at most 1,000 characters."),
    )
    NOT_AUTHENTICATED = (
        "not_authenticated",
        Kind.UNAUTHENTICATED,
        gettext_noop("Log in to do this."),
    )
    RATE_LIMITED = (
        "rate_limited",
        Kind.RATE_LIMITED,
        gettext_noop("Too many votes in a minute. Take a breath and try again."),
    )
    PERMISSION_DENIED = (
        "permission_denied",
        Kind.FORBIDDEN,
        gettext_noop("Only the arborists and staff of %(municipality)s manage its work queue."),
    )
    INVALID_STATUS = "invalid_status", Kind.INVALID, gettext_noop("“%(status)s” is not a status.")
    INVALID_TRANSITION = (
        "invalid_transition",
        Kind.CONFLICT,
        gettext_noop("A tree that is “%(old)s” cannot become “%(new)s”."),
    )
    CORRECTION_WITHOUT_VOTE = (
        "correction_without_vote",
        Kind.INVALID,
        gettext_noop("Corrections go with a “needs correction” vote."),
    )
    NOT_FOUND = "not_found", Kind.NOT_FOUND, gettext_noop("This tree record does not exist.")
    OWN_RECORD = (
        "own_record",
        Kind.FORBIDDEN,
        gettext_noop("You cannot validate a tree you recorded."),
    )
    ALREADY_DECIDED = (
        "already_decided",
        Kind.CONFLICT,
        gettext_noop("This record has already been decided; thank you."),
    )
    ALREADY_VOTED = (
        "already_voted",
        Kind.CONFLICT,
        gettext_noop("You have already voted on this record."),
    )
    # Work orders (decision 0071) and risk assessments (decision 0072).
    PLAN_DENIED = (
        "plan_denied",
        Kind.FORBIDDEN,
        gettext_noop("Only the staff of %(municipality)s assign its work orders."),
    )
    ASSESS_DENIED = (
        "assess_denied",
        Kind.FORBIDDEN,
        gettext_noop("Only the arborists of %(municipality)s assess the risk of its trees."),
    )
    NOT_AN_ARBORIST = (
        "not_an_arborist",
        Kind.INVALID,
        gettext_noop("%(person)s is not an arborist of %(municipality)s."),
    )
    DUE_DATE_PAST = (
        "due_date_past",
        Kind.INVALID,
        gettext_noop("The due date cannot be before today."),
    )
    INVALID_COST = (
        "invalid_cost",
        Kind.INVALID,
        gettext_noop("The cost must be zero or more pesos, with at most two decimals."),
    )
    INVALID_RISK = (
        "invalid_risk",
        Kind.INVALID,
        gettext_noop("Choose a value from the list for “%(field)s”."),
    )
    NOTE_TOO_LONG = (
        "note_too_long",
        Kind.INVALID,
        gettext_noop("The note can have at most 1,000 characters."),
    )
    WORK_CLOSED = (
        "work_closed",
        Kind.CONFLICT,
        gettext_noop("This tree was removed: its work order is closed."),
    )
