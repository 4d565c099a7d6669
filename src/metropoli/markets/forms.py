"""Forms of the Mi Mercado pages (the API validates with its own schemas)."""

import json
from decimal import Decimal

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from metropoli.territory.selectors import active_municipalities

from . import selectors
from .models import (
    CourierKind,
    Direction,
    Market,
    Method,
    SelectionCandidate,
    SelectionCriterion,
    SelectionScore,
    pickup_day_label,
)
from .pickup import Offer, SlotError, parse_choice
from .quantities import format_decimal, unit_name
from .services.catalogue import PriceStock
from .services.selection_matrix import MatrixChanges


class CheckoutForm(forms.Form):
    method = forms.ChoiceField(label=_("How do you want it?"), widget=forms.RadioSelect)
    # Day and slot in one choice («2025-06-10 09:00-11:00»), grouped by day. Not a ChoiceField:
    # a slot that filled up since the page was shown gets the service's clear message.
    pickup_slot = forms.CharField(
        label=_("Pickup day and time"), required=False, max_length=60, widget=forms.Select
    )
    address = forms.CharField(label=_("Delivery address"), required=False, max_length=255)
    lon = forms.FloatField(
        label=_("Longitude of the delivery point"),
        required=False,
        min_value=-180,
        max_value=180,
        help_text=_("Filled in when you tap the map; you may also type it."),
    )
    lat = forms.FloatField(
        label=_("Latitude of the delivery point"), required=False, min_value=-90, max_value=90
    )
    name = forms.CharField(label=_("Name"), max_length=120)
    phone = forms.CharField(
        label=_("Phone"), max_length=30, widget=forms.TextInput(attrs={"type": "tel"})
    )
    email = forms.EmailField(
        label=_("E-mail (optional, for status messages)"), required=False, max_length=254
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, market: Market, *args, offers: list[Offer] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        methods = [(Method.PICKUP.value, Method.PICKUP.label)]
        if market.delivery_fee_bands:
            methods.insert(0, (Method.DELIVERY.value, Method.DELIVERY.label))
        self.fields["method"].choices = methods
        self.fields["method"].initial = methods[0][0]
        if offers is None:
            offers = selectors.pickup_offers(market)
        self.pickup_offers = offers
        self.fields["pickup_slot"].widget.choices = pickup_choices(offers)
        if offers:
            self.fields["pickup_slot"].initial = offers[0].value

    def clean_pickup_slot(self):
        try:
            day, slot = parse_choice(self.cleaned_data.get("pickup_slot", ""))
        except SlotError:
            raise forms.ValidationError(_("Choose a pickup day and time from the list.")) from None
        self.cleaned_data["pickup_date"] = day
        return slot


def pickup_choices(offers: list[Offer]) -> list:
    """Select options grouped by day: «Hoy, martes 10 de junio» → «09:00-11:00 (3 places)»."""
    days: dict = {}
    for offer in offers:
        label = offer.label
        if offer.places_left is not None:
            label = ngettext(
                "%(slot)s (%(count)s place left)",
                "%(slot)s (%(count)s places left)",
                offer.places_left,
            ) % {"slot": offer.label, "count": offer.places_left}
        days.setdefault(offer.day, []).append((offer.value, label))
    return [(pickup_day_label(day, relative=True), options) for day, options in days.items()]


class InventoryForm(forms.Form):
    """Today's price and stock of every product of a stall, in one screen."""

    def __init__(self, products, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.products = products
        for product in products:
            self.fields[f"price_{product.pk}"] = forms.DecimalField(
                label=_("Price of %(product)s (MXN per %(unit)s)")
                % {"product": product.name, "unit": unit_name(product.unit, 1)},
                min_value=0,
                max_digits=10,
                decimal_places=2,
                initial=product.current_price,
                widget=forms.NumberInput(attrs={"step": "0.50", "inputmode": "decimal"}),
            )
            self.fields[f"stock_{product.pk}"] = forms.DecimalField(
                label=_("Stock of %(product)s (%(unit)s)")
                % {"product": product.name, "unit": unit_name(product.unit, 2)},
                min_value=0,
                max_digits=10,
                decimal_places=3,
                initial=format_decimal(product.stock),
                widget=forms.NumberInput(attrs={"step": str(product.step), "inputmode": "decimal"}),
            )
            # What the vendor saw: orders placed meanwhile lower the stock, and an untouched
            # field must not put those kilos back.
            self.fields[f"seen_stock_{product.pk}"] = forms.DecimalField(
                widget=forms.HiddenInput, initial=product.stock, required=False
            )

    def pairs(self):
        for product in self.products:
            yield (
                product,
                self[f"price_{product.pk}"],
                self[f"stock_{product.pk}"],
                self[f"seen_stock_{product.pk}"],
            )

    def rows(self) -> list[PriceStock]:
        rows = []
        for product in self.products:
            stock = self.cleaned_data[f"stock_{product.pk}"]
            seen = self.cleaned_data.get(f"seen_stock_{product.pk}")
            unchanged = seen is not None and stock == seen
            rows.append(
                PriceStock(
                    product.pk,
                    self.cleaned_data[f"price_{product.pk}"],
                    None if unchanged else stock,
                )
            )
        return rows


def parse_route(text: str) -> list[tuple[float, float]]:
    """The route drawn on the map: a GeoJSON LineString (what the page's map writes), or the
    older «lon,lat; lon,lat; ...» text."""
    text = (text or "").strip()
    if text.startswith("{"):
        return _geojson_route(text)
    points = []
    for chunk in text.replace("\n", ";").split(";"):
        if not chunk.strip():
            continue
        try:
            lon, lat = (float(value) for value in chunk.split(","))
        except ValueError:
            raise forms.ValidationError(_("Tap the stops of your route on the map.")) from None
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise forms.ValidationError(_("%(point)s is not a valid point.") % {"point": chunk})
        points.append((lon, lat))
    return points


def _geojson_route(text: str) -> list[tuple[float, float]]:
    try:
        geometry = json.loads(text)
        if geometry.get("type") != "LineString":
            raise ValueError
        points = [(float(lon), float(lat)) for lon, lat in geometry["coordinates"]]
    except (ValueError, TypeError, KeyError, AttributeError):
        raise forms.ValidationError(_("Tap the stops of your route on the map.")) from None
    for number, (lon, lat) in enumerate(points, start=1):
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise forms.ValidationError(
                _("Stop %(number)s is not a valid point.") % {"number": number}
            )
    return points


class CourierForm(forms.Form):
    market = forms.ModelChoiceField(label=_("Market"), queryset=Market.objects.filter(active=True))
    kind = forms.ChoiceField(label=_("I deliver as"), choices=CourierKind.choices)
    phone = forms.CharField(
        label=_("Phone"), max_length=30, widget=forms.TextInput(attrs={"type": "tel"})
    )
    organisation = forms.CharField(
        label=_("Cooperative or transport line"), required=False, max_length=120
    )
    # Written by the route map (courier-route.js) as a GeoJSON LineString.
    route = forms.CharField(required=False, max_length=20000, widget=forms.HiddenInput)
    route_buffer_m = forms.IntegerField(
        label=_("Deliver to addresses within (metres) of the route"),
        required=False,
        min_value=50,
        max_value=3000,
    )

    def clean_route(self):
        return parse_route(self.cleaned_data["route"]) or None


class SelectionForm(forms.Form):
    """Weights, directions and values of the matrix, plus one new criterion or candidate."""

    new_criterion = forms.CharField(label=_("New criterion"), required=False, max_length=120)
    new_criterion_weight = forms.DecimalField(
        label=_("Its weight"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=6,
        decimal_places=2,
    )
    new_criterion_direction = forms.ChoiceField(
        label=_("Its direction"), choices=Direction.choices, required=False
    )
    new_candidate = forms.CharField(label=_("New candidate market"), required=False, max_length=120)
    new_candidate_municipality = forms.ModelChoiceField(
        label=_("Its municipality"), queryset=active_municipalities(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(SelectionCriterion.objects.all())
        self.candidates = list(SelectionCandidate.objects.all())
        values = {(s.candidate_id, s.criterion_id): s.value for s in SelectionScore.objects.all()}
        for criterion in self.criteria:
            self.fields[f"weight_{criterion.pk}"] = forms.DecimalField(
                label=_("Weight of %(name)s") % {"name": criterion.name},
                min_value=Decimal("0.01"),
                max_digits=6,
                decimal_places=2,
                initial=format_decimal(criterion.weight),
            )
            self.fields[f"direction_{criterion.pk}"] = forms.ChoiceField(
                label=_("Direction of %(name)s") % {"name": criterion.name},
                choices=Direction.choices,
                initial=criterion.direction,
            )
            for candidate in self.candidates:
                self.fields[f"value_{candidate.pk}_{criterion.pk}"] = forms.DecimalField(
                    label=_("%(candidate)s: %(criterion)s")
                    % {"candidate": candidate.name, "criterion": criterion.name},
                    max_digits=12,
                    decimal_places=3,
                    initial=format_decimal(values.get((candidate.pk, criterion.pk), Decimal(0))),
                )

    def clean(self):
        data = super().clean()
        name = data.get("new_criterion", "").strip()
        if name:
            if not data.get("new_criterion_weight"):
                self.add_error("new_criterion_weight", _("Give the new criterion a weight."))
            key = slugify(name)[:40]
            if not key or SelectionCriterion.objects.filter(key=key).exists():
                self.add_error("new_criterion", _("There is already a criterion with this name."))
            data["new_criterion_key"] = key
        candidate = data.get("new_candidate", "").strip()
        if candidate:
            if data.get("new_candidate_municipality") is None:
                self.add_error("new_candidate_municipality", _("Choose the municipality."))
            if SelectionCandidate.objects.filter(name=candidate).exists():
                self.add_error("new_candidate", _("This candidate is already in the matrix."))
        return data

    def matrix_rows(self):
        for candidate in self.candidates:
            yield (
                candidate,
                [self[f"value_{candidate.pk}_{criterion.pk}"] for criterion in self.criteria],
            )

    def criterion_rows(self):
        for criterion in self.criteria:
            yield criterion, self[f"weight_{criterion.pk}"], self[f"direction_{criterion.pk}"]

    def changes(self):
        data = self.cleaned_data
        name = data.get("new_criterion", "").strip()
        candidate = data.get("new_candidate", "").strip()
        return MatrixChanges(
            criteria={
                c.pk: (data[f"weight_{c.pk}"], data[f"direction_{c.pk}"]) for c in self.criteria
            },
            values={
                (a.pk, c.pk): data[f"value_{a.pk}_{c.pk}"]
                for a in self.candidates
                for c in self.criteria
            },
            new_criterion=(
                data["new_criterion_key"],
                name,
                data["new_criterion_weight"],
                data.get("new_criterion_direction") or Direction.BENEFIT,
            )
            if name
            else None,
            new_candidate=(candidate, data["new_candidate_municipality"]) if candidate else None,
        )
