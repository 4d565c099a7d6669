"""The cooperation registry's refusals: a stable code, its kind (the HTTP status at the edge)
and an English message (translated in locale/es_MX). Services raise
``DomainError(CooperationErrorCode.X, on_field=...)``; several problems at once travel as the
error's ``details`` (field, problem). Decision 0054."""

from metropoli.common.errors import ErrorCode, Kind
from metropoli.common.i18n import gettext_noop


class CooperationErrorCode(ErrorCode):
    """Refusals of projects, their parts and the pipeline (the code clients see)."""

    INVALID_FIELDS = "invalid_input", Kind.INVALID, gettext_noop("The request has invalid data.")
    ORGANISATION_NAME_REQUIRED = (
        "organisation_name_required",
        Kind.INVALID,
        gettext_noop("The organisation needs a name."),
    )
    UNKNOWN_STAGE = "unknown_stage", Kind.INVALID, gettext_noop("Unknown stage “%(value)s”.")
    CLOSED_WITHOUT_END = (
        "closed_without_end",
        Kind.CONFLICT,
        gettext_noop("A closed project needs its actual end date."),
    )
    UNKNOWN_ROLE = "unknown_role", Kind.INVALID, gettext_noop("Unknown role “%(value)s”.")
    DEPENDENCY_CYCLE = (
        "dependency_cycle",
        Kind.CONFLICT,
        gettext_noop("These dependencies would make a milestone wait for itself."),
    )
    INVALID_URL = "invalid_url", Kind.INVALID, gettext_noop("Give a full web address (https://…).")
    TITLE_REQUIRED = "title_required", Kind.INVALID, gettext_noop("The title cannot be empty.")
    DEADLINE_REQUIRED = "deadline_required", Kind.INVALID, gettext_noop("Give the deadline.")
    IMPORT_REFUSED = (
        "import_refused",
        Kind.INVALID,
        gettext_noop("Nothing was imported: correct the rows below and try again."),
    )
    INVALID_MONTH = (
        "invalid_month",
        Kind.INVALID,
        gettext_noop("Choose a month like 2026-03, between %(earliest)s and %(latest)s."),
    )
