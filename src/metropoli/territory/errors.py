"""Territory's refusals: a stable code, its kind (the HTTP status at the edge) and an English
message (translated in locale/es_MX). Decision 0054."""

from metropoli.common.errors import ErrorCode, Kind
from metropoli.common.i18n import gettext_noop


class TerritoryErrorCode(ErrorCode):
    """Refusals of granting roles (permission refusals stay Django's PermissionDenied), of
    municipalities written on their pages, and of boundary files uploaded there."""

    UNKNOWN_ROLE = "unknown_role", Kind.INVALID, gettext_noop("Unknown role “%(role)s”.")
    MUNICIPALITY_REQUIRED = (
        "municipality_required",
        Kind.INVALID,
        gettext_noop("This role is held in a municipality; choose one."),
    )
    # --- platform administrators (decision 0117) ---
    LAST_PLATFORM_ADMIN = (
        "last_platform_administrator",
        Kind.CONFLICT,
        gettext_noop(
            "The platform cannot be left without an administrator: first make another person "
            "a platform administrator."
        ),
    )
    NOT_YOURSELF = (
        "platform_administrator_removes_self",
        Kind.CONFLICT,
        gettext_noop(
            "You cannot take away your own platform administrator role: another platform "
            "administrator does it."
        ),
    )

    # --- municipalities (territory/municipalities.py, decision 0112) ---
    NOT_ALLOWED = (
        "municipalities_not_allowed",
        Kind.FORBIDDEN,
        gettext_noop("Only platform administrators set up the municipalities."),
    )
    INVALID_CODE = (
        "invalid_municipality_code",
        Kind.INVALID,
        gettext_noop(
            "The code must be five letters or digits, like INEGI's 14039 (two for the state, "
            "three for the municipality)."
        ),
    )
    CODE_TAKEN = (
        "municipality_code_taken",
        Kind.CONFLICT,
        gettext_noop("The code %(code)s already belongs to %(existing)s."),
    )
    CODE_IS_STABLE = (
        "municipality_code_is_stable",
        Kind.CONFLICT,
        gettext_noop(
            "The code of %(name)s cannot change: the platform already holds its %(what)s, and "
            "histories, exports and published data name it by its code."
        ),
    )
    NAME_REQUIRED = (
        "municipality_name_required",
        Kind.INVALID,
        gettext_noop("Write the name of the municipality."),
    )
    TOO_LONG = (
        "municipality_value_too_long",
        Kind.INVALID,
        gettext_noop("At most %(max)d characters."),
    )
    INVALID_SLUG = (
        "invalid_municipality_slug",
        Kind.INVALID,
        gettext_noop(
            "The short name holds only lowercase letters without accents, digits and hyphens "
            "(at most %(max)d); write one, or leave it empty to make it from the name."
        ),
    )
    SLUG_TAKEN = (
        "municipality_slug_taken",
        Kind.CONFLICT,
        gettext_noop("The short name “%(slug)s” is already used by %(existing)s; write another."),
    )
    SEAT_NOT_ON_EARTH = (
        "seat_not_on_earth",
        Kind.INVALID,
        gettext_noop(
            "The seat's coordinates are not on Earth: the longitude goes from -180 to 180 and "
            "the latitude from -90 to 90."
        ),
    )
    SEAT_FAR_FROM_BOUNDARY = (
        "seat_far_from_boundary",
        Kind.INVALID,
        gettext_noop(
            "The seat lies far from the official boundary of %(name)s: check the longitude and "
            "the latitude (are they swapped?)."
        ),
    )

    # --- boundary files uploaded on the municipalities page (territory/boundary_files.py) ---
    FILE_TOO_LARGE = (
        "boundary_file_too_large",
        Kind.TOO_LARGE,
        gettext_noop(
            "The file is too large (%(size)s MB); this page accepts up to %(limit)s MB. Larger "
            "files are imported on the server with the command "
            "«metropoli territory import-boundaries»."
        ),
    )
    FILE_KIND = (
        "boundary_file_kind",
        Kind.UNSUPPORTED,
        gettext_noop(
            "Send a GeoJSON file (.geojson or .json) or a shapefile zipped with its .shp, .shx, "
            ".dbf and .prj files (.zip)."
        ),
    )
    NOT_GEOJSON = (
        "boundary_file_not_geojson",
        Kind.INVALID,
        gettext_noop("The file is not GeoJSON: it must hold a FeatureCollection."),
    )
    ZIP_UNREADABLE = (
        "boundary_zip_unreadable",
        Kind.INVALID,
        gettext_noop("The .zip file cannot be opened: it is damaged or is not a .zip file."),
    )
    ZIP_TOO_MANY_FILES = (
        "boundary_zip_too_many_files",
        Kind.INVALID,
        gettext_noop(
            "The .zip file holds %(count)d files; this page accepts up to %(limit)d. Zip only "
            "the files of the municipal layer."
        ),
    )
    ZIP_UNSAFE_NAME = (
        "boundary_zip_unsafe_name",
        Kind.INVALID,
        gettext_noop(
            "The .zip file holds “%(name)s”, a name that leads out of its folder; the file was "
            "refused."
        ),
    )
    ZIP_TOO_LARGE_UNPACKED = (
        "boundary_zip_too_large_unpacked",
        Kind.TOO_LARGE,
        gettext_noop(
            "Unpacked, the shapefile takes more than %(limit)s MB. Larger files are imported on "
            "the server with the command «metropoli territory import-boundaries»."
        ),
    )
    ZIP_NO_SHAPEFILE = (
        "boundary_zip_no_shapefile",
        Kind.INVALID,
        gettext_noop("The .zip file holds no shapefile (a .shp file)."),
    )
    ZIP_SEVERAL_SHAPEFILES = (
        "boundary_zip_several_shapefiles",
        Kind.INVALID,
        gettext_noop(
            "The .zip file holds %(count)d shapefiles (%(names)s); zip only the municipal layer."
        ),
    )
    ZIP_MISSING_PARTS = (
        "boundary_zip_missing_parts",
        Kind.INVALID,
        gettext_noop(
            "The shapefile “%(name)s” comes without its %(parts)s file; zip its .shp, .shx, "
            ".dbf and .prj files together."
        ),
    )
    NOT_A_SHAPEFILE = (
        "boundary_zip_not_a_shapefile",
        Kind.INVALID,
        gettext_noop("“%(name)s” is not a shapefile."),
    )
