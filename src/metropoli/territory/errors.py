"""Territory's refusals: a stable code, its kind (the HTTP status at the edge) and an English
message (translated in locale/es_MX). Decision 0054."""

from metropoli.common.errors import ErrorCode, Kind
from metropoli.common.i18n import gettext_noop


class TerritoryErrorCode(ErrorCode):
    """Refusals of granting roles (permission refusals stay Django's PermissionDenied)."""

    UNKNOWN_ROLE = "unknown_role", Kind.INVALID, gettext_noop("Unknown role “%(role)s”.")
    MUNICIPALITY_REQUIRED = (
        "municipality_required",
        Kind.INVALID,
        gettext_noop("This role is held in a municipality; choose one."),
    )
