"""The refusals of Mi Mercado: a stable code each, its kind and its English message.

Services raise `DomainError(MarketErrorCode.X, **params)` (or a more precise message for the
same code); the edge gives the HTTP status of the kind and the message in the request's
language (decision 0054; the Spanish is in markets' `locale/es_MX`). Codes of the pure modules:
`quantities.QuantityErrorCode`, `pickup.SlotErrorCode`.
"""

from metropoli.common.errors import ErrorCode, Kind
from metropoli.common.i18n import gettext_noop


class MarketErrorCode(ErrorCode):
    # --- checkout ---
    MARKET_CLOSED = "market_closed", Kind.INVALID, gettext_noop("%(market)s is not selling online.")
    NAME_REQUIRED = (
        "name_required",
        Kind.INVALID,
        gettext_noop("Write the name to give the order to."),
    )
    INVALID_PHONE = (
        "invalid_phone",
        Kind.INVALID,
        gettext_noop("Write a phone number with at least 10 digits."),
    )
    INVALID_EMAIL = "invalid_email", Kind.INVALID, gettext_noop("The e-mail address is not valid.")
    INVALID_METHOD = (
        "invalid_method",
        Kind.INVALID,
        gettext_noop("Choose home delivery or pickup at the market."),
    )
    NO_DELIVERY = (
        "no_delivery",
        Kind.INVALID,
        gettext_noop("%(market)s does not deliver; choose pickup."),
    )
    ADDRESS_REQUIRED = "address_required", Kind.INVALID, gettext_noop("Write the delivery address.")
    POINT_REQUIRED = (
        "point_required",
        Kind.INVALID,
        gettext_noop("Mark the delivery point on the map."),
    )
    EMPTY_CART = "empty_cart", Kind.INVALID, gettext_noop("The cart is empty.")
    DUPLICATE_PRODUCT = (
        "duplicate_product",
        Kind.INVALID,
        gettext_noop("Each product may appear only once in an order."),
    )
    UNKNOWN_PRODUCT = (
        "unknown_product",
        Kind.INVALID,
        gettext_noop("Product %(id)s is not on sale."),
    )
    OTHER_MARKET = (
        "other_market",
        Kind.INVALID,
        gettext_noop(
            "%(product)s is sold at %(other)s, not at %(market)s; a cart holds the products of "
            "one market."
        ),
    )
    NO_PRICE = "no_price", Kind.INVALID, gettext_noop("%(product)s has no price today.")
    PRICE_CHANGED = (
        "price_changed",
        Kind.CONFLICT,
        gettext_noop(
            "Prices changed since you added them to the cart (%(detail)s). Review and confirm."
        ),
    )
    OUT_OF_STOCK = (
        "out_of_stock",
        Kind.CONFLICT,
        gettext_noop(
            "Only %(left)s of %(product)s are left; you asked for %(wanted)s. Lower the quantity "
            "and try again."
        ),
    )
    UNKNOWN_ORDER = "unknown_order", Kind.NOT_FOUND, gettext_noop("There is no such order.")
    # --- quantities, as a checkout shows them (with the product's name) ---
    INVALID_NUMBER = (
        "invalid_number",
        Kind.INVALID,
        gettext_noop("%(product)s: «%(value)s» is not a quantity; write a number like 0.5."),
    )
    NOT_POSITIVE = (
        "not_positive",
        Kind.INVALID,
        gettext_noop("%(product)s: the quantity must be greater than zero."),
    )
    NOT_MULTIPLE_OF_STEP = (
        "not_multiple_of_step",
        Kind.INVALID,
        gettext_noop(
            "%(product)s: %(value)s is not a multiple of %(step)s; this product is sold in steps "
            "of %(step)s."
        ),
    )
    ABOVE_MAX_PER_LINE = (
        "above_max_per_line",
        Kind.INVALID,
        gettext_noop("%(product)s: %(amount)s is more than one order allows."),
    )
    OUTSIDE_DELIVERY_AREA = (
        "outside_delivery_area",
        Kind.INVALID,
        gettext_noop(
            "The address is %(distance)s km from the market; this market delivers up to "
            "%(limit)s km. Choose pickup or another address."
        ),
    )
    # --- pickup ---
    INVALID_PICKUP_SLOT = (
        "invalid_pickup_slot",
        Kind.INVALID,
        gettext_noop("Choose one of the pickup slots of %(market)s: %(slots)s."),
    )
    PICKUP_SLOT_PAST = (
        "pickup_slot_past",
        Kind.INVALID,
        gettext_noop("The %(slot)s slot of %(day)s has already started; choose a later one."),
    )
    PICKUP_DATE_TOO_FAR = (
        "pickup_date_too_far",
        Kind.INVALID,
        gettext_noop(
            "%(market)s takes pickup orders up to %(days)s days ahead; choose an earlier day."
        ),
    )
    MARKET_CLOSED_THAT_DAY = (
        "market_closed_that_day",
        Kind.INVALID,
        gettext_noop("%(market)s does not open on %(day)s; choose another day."),
    )
    PICKUP_SLOT_FULL = (
        "pickup_slot_full",
        Kind.CONFLICT,
        gettext_noop(
            "The %(slot)s slot of %(day)s is full at %(market)s; choose another slot or day."
        ),
    )
    PICKUP_SLOT_UNAVAILABLE = (
        "pickup_slot_unavailable",
        Kind.CONFLICT,
        gettext_noop(
            "The %(slot)s slot is full or closed on every day %(market)s takes pickup orders "
            "for; choose another slot."
        ),
    )
    # --- the order after the checkout ---
    CANNOT_CANCEL = (
        "cannot_cancel",
        Kind.CONFLICT,
        gettext_noop("The order can no longer be cancelled: a stall already accepted it."),
    )
    NOT_PENDING = (
        "not_pending",
        Kind.CONFLICT,
        gettext_noop("This order is not waiting for your answer."),
    )
    NOT_ACCEPTED = (
        "not_accepted",
        Kind.CONFLICT,
        gettext_noop("Accept the order before marking it ready."),
    )
    NOT_READY = "not_ready", Kind.CONFLICT, gettext_noop("The order is not ready for pickup.")
    WRONG_CODE = (
        "wrong_code",
        Kind.INVALID,
        gettext_noop("The hand-over code is not right; ask the shopper again."),
    )
    # --- couriers ---
    INVALID_KIND = (
        "invalid_kind",
        Kind.INVALID,
        gettext_noop("Choose independent, cooperative or public transport."),
    )
    ORGANISATION_REQUIRED = (
        "organisation_required",
        Kind.INVALID,
        gettext_noop("Write the name of the cooperative."),
    )
    ROUTE_REQUIRED = (
        "route_required",
        Kind.INVALID,
        gettext_noop("Draw the route with at least two points."),
    )
    INVALID_BUFFER = (
        "invalid_buffer",
        Kind.INVALID,
        gettext_noop("The distance from the route must be 50 to 3000 m."),
    )
    INVALID_ROUTE = (
        "invalid_route",
        Kind.INVALID,
        gettext_noop("Point %(number)s of the route is not a longitude and latitude on Earth."),
    )
    ROUTE_TOO_FAR = (
        "route_too_far",
        Kind.INVALID,
        gettext_noop(
            "Point %(number)s of the route is %(distance)s km from %(market)s; the route must "
            "stay within %(limit)s km of the market."
        ),
    )
    ALREADY_REGISTERED = (
        "already_registered",
        Kind.CONFLICT,
        gettext_noop("You are already registered with this market."),
    )
    COURIER_NOT_APPROVED = (
        "courier_not_approved",
        Kind.FORBIDDEN,
        gettext_noop("Your registration is not approved yet."),
    )
    ALREADY_TAKEN = (
        "already_taken",
        Kind.CONFLICT,
        gettext_noop("Another courier already took this delivery."),
    )
    NOT_OFFERED = "not_offered", Kind.CONFLICT, gettext_noop("This delivery is not offered to you.")
    NOT_ON_THE_WAY = (
        "not_on_the_way",
        Kind.CONFLICT,
        gettext_noop("Start the delivery before handing it over."),
    )
    # --- a stall's catalogue ---
    INVALID_PRICE = (
        "invalid_price",
        Kind.INVALID,
        gettext_noop("%(product)s: the price must be a non-negative amount in pesos and centavos."),
    )
    INVALID_STOCK = (
        "invalid_stock",
        Kind.INVALID,
        gettext_noop("%(product)s: the stock cannot be negative."),
    )
    PHOTO_REQUIRED = "photo_required", Kind.INVALID, gettext_noop("Choose a photo to upload.")
    # --- the pilot-market selection matrix ---
    WEIGHT_NOT_POSITIVE = (
        "weight_not_positive",
        Kind.INVALID,
        gettext_noop("Every weight must be positive."),
    )
