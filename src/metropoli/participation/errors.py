"""Participa's refusals: a stable code, its kind (the HTTP status at the edge) and an English
message (translated in locale/es_MX). Services raise ``DomainError(ParticipationErrorCode.X)``;
decision 0054."""

from metropoli.common.errors import ErrorCode, Kind
from metropoli.common.i18n import gettext_noop


class ParticipationErrorCode(ErrorCode):
    """Refusals of Participa's services (the value is the code clients see)."""

    INVALID_AREA = (
        "invalid_area",
        Kind.INVALID,
        gettext_noop("The area of interest must be a valid polygon."),
    )
    INVALID_SLUG = (
        "invalid_slug",
        Kind.INVALID,
        gettext_noop("Choose another short name for the proceeding."),
    )
    SLUG_TAKEN = (
        "slug_taken",
        Kind.CONFLICT,
        gettext_noop("Another proceeding already uses this short name."),
    )
    INVALID_COLOUR = "invalid_colour", Kind.INVALID, gettext_noop("A colour is written as #RRGGBB.")
    INVALID_PIN = (
        "invalid_pin",
        Kind.INVALID,
        gettext_noop("The facilitator PIN has 4 to 8 digits."),
    )
    INVALID_GEOMETRY = (
        "invalid_geometry",
        Kind.INVALID,
        gettext_noop("Give the location as longitude and latitude only, without a height."),
    )
    OUTSIDE_AREA = (
        "outside_area",
        Kind.INVALID,
        gettext_noop(
            "The location is outside the area of this consultation. Place it inside the "
            "outlined area."
        ),
    )
    LOGIN_REQUIRED = (
        "login_required",
        Kind.UNAUTHENTICATED,
        gettext_noop("Log in to take part in this phase."),
    )
    SPAM_DETECTED = (
        "spam_detected",
        Kind.INVALID,
        gettext_noop("The contribution looks like spam and was not saved."),
    )
    TOO_MANY_LINKS = (
        "too_many_links",
        Kind.INVALID,
        gettext_noop("Please include at most %(n)s links."),
    )
    CONTRIBUTION_DELETED = (
        "contribution_deleted",
        Kind.GONE,
        gettext_noop("The contribution sent with this key has been deleted."),
    )
    TEXT_REQUIRED = "text_required", Kind.INVALID, gettext_noop("Write what you want to say.")
    TEXT_TOO_LONG = "text_too_long", Kind.INVALID, gettext_noop("Write at most %(n)s characters.")
    INVALID_CATEGORY = (
        "invalid_category",
        Kind.INVALID,
        gettext_noop("Choose one of the categories of this consultation."),
    )
    INVALID_TYPE = "invalid_type", Kind.INVALID, gettext_noop("Unknown type of contribution.")
    INVALID_SOURCE = "invalid_source", Kind.INVALID, gettext_noop("Unknown source.")
    DUPLICATE = (
        "duplicate",
        Kind.CONFLICT,
        gettext_noop("The same text was already sent to this consultation today."),
    )
    PERMISSION_DENIED = (
        "permission_denied",
        Kind.FORBIDDEN,
        gettext_noop("You can only delete your own contributions."),
    )
    NOT_FOUND = "not_found", Kind.NOT_FOUND, gettext_noop("Not found.")
    INVALID_RATING = "invalid_rating", Kind.INVALID, gettext_noop("A rating is +1 or -1.")
    REASON_REQUIRED = "reason_required", Kind.INVALID, gettext_noop("Say briefly what is wrong.")
    INVALID_STATUS = "invalid_status", Kind.INVALID, gettext_noop("Unknown feedback status.")
    ANSWER_REQUIRED = (
        "answer_required",
        Kind.INVALID,
        gettext_noop("Write the public answer that explains the decision."),
    )
    INVALID_TEMPLATE = (
        "invalid_template",
        Kind.INVALID,
        gettext_noop("The template has an invalid phase."),
    )
    INVALID_PARENT = (
        "invalid_parent",
        Kind.INVALID,
        gettext_noop("The comment you reply to does not exist."),
    )
    DEVICE_TOKEN_REQUIRED = (
        "device_token_required",
        Kind.INVALID,
        gettext_noop("Your browser must send its device token to rate."),
    )
    INVALID_COMMENT = (
        "invalid_comment",
        Kind.INVALID,
        gettext_noop("The comment you report does not exist."),
    )
    INVALID_BBOX = (
        "invalid_bbox",
        Kind.INVALID,
        gettext_noop("bbox is west,south,east,north in degrees."),
    )
    PHASE_CLOSED = (
        "phase_closed",
        Kind.CONFLICT,
        gettext_noop("This consultation does not accept contributions in its current phase."),
    )
    PHOTO_TOO_LARGE = (
        "photo_too_large",
        Kind.INVALID,
        gettext_noop("The photo is too large (at most 4 MB)."),
    )
    PHOTO_TOO_MANY_PIXELS = (
        "photo_too_many_pixels",
        Kind.INVALID,
        gettext_noop("The photo has too many pixels."),
    )
    PHOTO_UNSUPPORTED = (
        "photo_unsupported",
        Kind.INVALID,
        gettext_noop("Send the photo as JPEG, PNG or WebP."),
    )
    PHOTO_NOT_AN_IMAGE = (
        "photo_not_an_image",
        Kind.INVALID,
        gettext_noop("The file is not a photo."),
    )
    INVALID_ACTION = "invalid_action", Kind.INVALID, gettext_noop("Unknown action.")
    TITLE_REQUIRED = (
        "title_required",
        Kind.INVALID,
        gettext_noop("Give the consultation a title and a description."),
    )
    INVALID_PHASE_KIND = "invalid_phase_kind", Kind.INVALID, gettext_noop("Unknown kind of phase.")
    INVALID_PHASE_DATES = (
        "invalid_phase_dates",
        Kind.INVALID,
        gettext_noop("A phase needs a start and an end date, and it must end after it starts."),
    )
    PHASE_OVERLAP = (
        "phase_overlap",
        Kind.CONFLICT,
        gettext_noop("This phase overlaps the phase %(other)s. Phases follow one another."),
    )
    PHASE_ORDER = (
        "phase_order",
        Kind.CONFLICT,
        gettext_noop(
            "Phases go in this order: information, contributions, evaluation, results. "
            "This phase would come before the phase %(other)s."
        ),
    )
    IN_USE = (
        "in_use",
        Kind.CONFLICT,
        gettext_noop("Contributions already use it, so it cannot be removed."),
    )
    INVALID_ICON = (
        "invalid_icon",
        Kind.INVALID,
        gettext_noop(
            "The icon must be an SVG or PNG file of at most %(kb)s KB, at most %(px)s pixels "
            "wide and high, and an SVG may not contain scripts or links to other files."
        ),
    )
    INVALID_LAYER_URL = (
        "invalid_layer_url",
        Kind.INVALID,
        gettext_noop(
            "Give the layer's full https:// address, without a user name or password: "
            "the map is public, and browsers do not load http:// layers on an https:// page."
        ),
    )
    LAYER_NAME_REQUIRED = (
        "layer_name_required",
        Kind.INVALID,
        gettext_noop(
            "A WMS or WFS layer needs its layer (or feature type) name, e.g. ns:parques; "
            "letters, digits and _ - . : , only."
        ),
    )
    TOO_MANY_LAYERS = (
        "too_many_layers",
        Kind.CONFLICT,
        gettext_noop("A consultation shows at most %(n)s map layers of other servers."),
    )
    TEMPLATE_NAME_TAKEN = (
        "template_name_taken",
        Kind.CONFLICT,
        gettext_noop("There is already a template called “%(name)s”: choose another name."),
    )
    TEMPLATE_EMPTY = (
        "template_empty",
        Kind.INVALID,
        gettext_noop(
            "Add phases or categories first: a template keeps them for new consultations."
        ),
    )
    TEMPLATE_NAME_REQUIRED = (
        "template_name_required",
        Kind.INVALID,
        gettext_noop("Give the template a name."),
    )
    TEMPLATE_KEEPS_ONE = (
        "template_keeps_one",
        Kind.CONFLICT,
        gettext_noop(
            "A template keeps at least one phase or category. To remove the last one, delete "
            "the template."
        ),
    )
    UNKNOWN_TEMPLATE_ITEM = (
        "unknown_template_item",
        Kind.INVALID,
        gettext_noop("The template has no such phase or category. Reload the page."),
    )
    UNKNOWN_PERSON = (
        "unknown_person",
        Kind.INVALID,
        gettext_noop("Nobody with this e-mail address has an account on the platform."),
    )
    CATEGORY_NAME_TAKEN = (
        "category_name_taken",
        Kind.CONFLICT,
        gettext_noop("This consultation already has a category with this name."),
    )
