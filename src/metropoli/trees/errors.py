"""The trees' refusals: a stable code, its kind (the HTTP status at the edge) and an English
message (translated in locale/es_MX). Services raise ``DomainError(TreeErrorCode.X)``;
decision 0054."""

from metropoli.common.errors import ErrorCode, Kind
from metropoli.common.i18n import gettext_noop


class TreeErrorCode(ErrorCode):
    """Refusals of tree records, their values and places (the value is the code clients see)."""

    INVALID_NUMBER = "invalid_number", Kind.INVALID, gettext_noop("%(field)s must be a number.")
    INVALID_DBH = (
        "invalid_dbh",
        Kind.INVALID,
        gettext_noop(
            "The trunk diameter must be more than 0 and at most 1,000 cm; it was %(value)s."
        ),
    )
    INVALID_CHOICE = (
        "invalid_choice",
        Kind.INVALID,
        gettext_noop("“%(value)s” is not a valid value for %(field)s."),
    )
    UNKNOWN_SPECIES = (
        "unknown_species",
        Kind.INVALID,
        gettext_noop("There is no species with the code “%(code)s” in the catalogue."),
    )
    INVALID_LOCATION = (
        "invalid_location",
        Kind.INVALID,
        gettext_noop("The coordinates are not on Earth."),
    )
    OUTSIDE_AREA = (
        "outside_area",
        Kind.INVALID,
        gettext_noop(
            "The location (%(lat).5f, %(lon).5f) is outside the municipalities of the "
            "platform. Check the GPS position or move the pin."
        ),
    )
    TREE_DELETED = (
        "tree_deleted",
        Kind.GONE,
        gettext_noop("The tree recorded with this key has been deleted."),
    )
    PHOTO_DELETED = (
        "photo_deleted",
        Kind.GONE,
        gettext_noop("The photo sent with this key has been removed."),
    )
    UNKNOWN_TREE = "unknown_tree", Kind.NOT_FOUND, gettext_noop("There is no tree number %(id)s.")
    PERMISSION_DENIED = (
        "permission_denied",
        Kind.FORBIDDEN,
        gettext_noop("You cannot move a tree to %(municipality)s: you have no role there."),
    )
    INVALID_FIELD = (
        "invalid_field",
        Kind.INVALID,
        gettext_noop("These fields cannot be changed: %(fields)s."),
    )
    INVALID_HEIGHT = (
        "invalid_height",
        Kind.INVALID,
        gettext_noop("%(field)s must be more than 0 and at most %(max)s m."),
    )
    INVALID_CROWN_WIDTH = (
        "invalid_crown_width",
        Kind.INVALID,
        gettext_noop("%(field)s must be more than 0 and at most %(max)s m."),
    )


class SpeciesErrorCode(ErrorCode):
    """Refusals of the species catalogue's writes (trees/services.py, decision 0107)."""

    NOT_ALLOWED = (
        "species_not_allowed",
        Kind.FORBIDDEN,
        gettext_noop(
            "Only the municipalities' staff and arborists can change the species catalogue."
        ),
    )
    NAME_REQUIRED = (
        "species_name_required",
        Kind.INVALID,
        gettext_noop("Write the scientific name of the species."),
    )
    DUPLICATE_NAME = (
        "species_duplicate_name",
        Kind.CONFLICT,
        gettext_noop(
            "The catalogue already has this scientific name: %(existing)s (code %(code)s). "
            "Correct that species instead of adding it again."
        ),
    )
    CODE_TAKEN = (
        "species_code_taken",
        Kind.CONFLICT,
        gettext_noop("The code %(code)s is already used by %(existing)s. Choose another one."),
    )
    INVALID_CODE = (
        "species_invalid_code",
        Kind.INVALID,
        gettext_noop(
            "A code has 1 to %(max)s letters (A–Z), digits or hyphens, and starts with a letter "
            "or a digit; “%(code)s” does not."
        ),
    )
    NO_CODE = (
        "species_no_code",
        Kind.INVALID,
        gettext_noop(
            "A code cannot be made from this scientific name: write one (letters, digits "
            "and hyphens)."
        ),
    )
    CODE_IS_STABLE = (
        "species_code_is_stable",
        Kind.INVALID,
        gettext_noop(
            "The code of a species cannot change: trees, imports and the API refer to it."
        ),
    )
    UNKNOWN_ITREE_CODE = (
        "species_unknown_itree_code",
        Kind.INVALID,
        gettext_noop(
            "“%(code)s” is not a species code of the i-Tree tables this platform computes "
            "eco-benefits with. Leave it empty if you do not know it."
        ),
    )
    ITREE_TABLES_MISSING = (
        "species_itree_tables_missing",
        Kind.INVALID,
        gettext_noop(
            "The i-Tree tables are not installed on this server, so an i-Tree code cannot be "
            "checked: leave it empty, or ask an administrator to install the tables."
        ),
    )
    TOO_LONG = (
        "species_too_long",
        Kind.INVALID,
        gettext_noop("%(field)s can have at most %(max)s characters."),
    )
