"""Learning's refusals: a stable code, its kind (the HTTP status at the edge) and an English
message (translated in locale/es_MX). Services raise ``DomainError(LearningErrorCode.X)``;
decision 0054."""

from metropoli.common.errors import ErrorCode, Kind
from metropoli.common.i18n import gettext_noop


class LearningErrorCode(ErrorCode):
    """Refusals of quizzes and certifications (the value is the code clients see)."""

    NOT_AUTHENTICATED = (
        "not_authenticated",
        Kind.UNAUTHENTICATED,
        gettext_noop("Log in to do this."),
    )
    INVALID_CHOICE = (
        "invalid_choice",
        Kind.INVALID,
        gettext_noop("That answer does not belong to this question."),
    )
    EMPTY_QUIZ = "empty_quiz", Kind.INVALID, gettext_noop("This quiz has no questions yet.")
    TOO_MANY_ATTEMPTS = (
        "too_many_attempts",
        Kind.RATE_LIMITED,
        gettext_noop(
            "You have used your %(limit)s attempts at the certification exam for today. "
            "Read the lessons again and come back tomorrow."
        ),
    )
    PERMISSION_DENIED = (
        "permission_denied",
        Kind.FORBIDDEN,
        gettext_noop("Only the staff of %(municipality)s can grant or revoke its certifications."),
    )
    NOT_CERTIFIED = (
        "not_certified",
        Kind.NOT_FOUND,
        gettext_noop("This person is not a certified expert here."),
    )
    UNKNOWN_PERSON = (
        "unknown_person",
        Kind.NOT_FOUND,
        gettext_noop("Nobody has that e-mail address."),
    )
    NOT_ELIGIBLE = "not_eligible", Kind.CONFLICT, gettext_noop("Pass the certification quiz first.")
