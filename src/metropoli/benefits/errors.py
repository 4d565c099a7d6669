"""The eco-benefits' refusals: a stable code, its kind (the HTTP status at the edge) and an
English message (translated in locale/es_MX). Services raise ``DomainError(BenefitsErrorCode.X)``;
decision 0054."""

from metropoli.common.errors import ErrorCode, Kind
from metropoli.common.i18n import gettext_noop


class BenefitsErrorCode(ErrorCode):
    """Refusals of a municipality's settings and species mappings."""

    ITREE_DATA_MISSING = (
        "itree_data_missing",
        Kind.UNAVAILABLE,
        gettext_noop(
            "Eco-benefits cannot be shown yet: the i-Tree Streets tables are not installed. "
            "An administrator must copy the tables folder (species.json and the output__*.csv "
            "files) to the server, set METROPOLI_ITREE_DIR to that folder and run "
            "“metropoli benefits recompute”."
        ),
    )
    UNKNOWN_REGION = (
        "unknown_region",
        Kind.INVALID,
        gettext_noop("Unknown i-Tree region: %(region)s."),
    )
    MISSING_RATE = "missing_rate", Kind.INVALID, gettext_noop("Missing money rate: %(name)s.")
    INVALID_RATE = (
        "invalid_rate",
        Kind.INVALID,
        gettext_noop("%(name)s must be a number of pesos, zero or more."),
    )
    UNKNOWN_ITREE_CODE = (
        "unknown_itree_code",
        Kind.INVALID,
        gettext_noop("The region %(region)s has no i-Tree code %(code)s."),
    )
    INVALID_SETTINGS = (
        "invalid_settings",
        Kind.INVALID,
        gettext_noop("The request has invalid data."),
    )
