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

    # Writing lessons and quizzes (decision 0108).
    CONTENT_PERMISSION_DENIED = (
        "content_permission_denied",
        Kind.FORBIDDEN,
        gettext_noop("Only municipal staff and platform administrators write lessons and quizzes."),
    )
    INVALID_LESSON = (
        "invalid_lesson",
        Kind.INVALID,
        gettext_noop("A lesson needs a title and a body."),
    )
    IMAGE_ALT_REQUIRED = (
        "image_alt_required",
        Kind.INVALID,
        gettext_noop("Describe the image in a few words for people who cannot see it."),
    )
    INVALID_QUESTION = (
        "invalid_question",
        Kind.INVALID,
        gettext_noop("Write the question."),
    )
    CHOICE_COUNT = (
        "choice_count",
        Kind.INVALID,
        gettext_noop("A question needs between %(min)s and %(max)s answers; it has %(count)s."),
    )
    ONE_RIGHT_ANSWER = (
        "one_right_answer",
        Kind.INVALID,
        gettext_noop("Mark exactly one answer as the right one."),
    )
    PASS_MARK_RANGE = (
        "pass_mark_range",
        Kind.INVALID,
        gettext_noop(
            "The share of right answers to pass must be between %(low)s %% and %(high)s %%."
        ),
    )
    CONTENT_IN_USE = (
        "content_in_use",
        Kind.CONFLICT,
        gettext_noop(
            "People have already read this lesson or taken its quiz, so it cannot be deleted: "
            "unpublish it instead."
        ),
    )
    EXAM_HIDDEN = (
        "exam_hidden",
        Kind.CONFLICT,
        gettext_noop(
            "The certification exam must stay where citizens can take it: its lesson must be "
            "published."
        ),
    )
    QUESTION_GONE = (
        "question_gone",
        Kind.NOT_FOUND,
        gettext_noop("This question is no longer in the quiz."),
    )
