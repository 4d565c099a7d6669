"""Forms of the market set-up pages (market staff and municipal staff, on a phone)."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dates import WEEKDAYS
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from metropoli.territory.models import Role
from metropoli.territory.selectors import municipalities_where

from .models import Category, Market, Product, SaleUnit
from .pickup import MAX_DAYS_AHEAD, SlotError, canonical_slots
from .quantities import QuantityError, SaleRule, delivery_fee

# First path segments of Mi Mercado's own pages: a market may not take them as its short name.
RESERVED_SLUGS = {
    "nuevo", "gestion", "buscar", "puesto", "repartidor", "avisos", "pedido", "seleccion",
}  # fmt: skip


def _decimal(label, *, places=3, minimum="0", **kwargs):
    return forms.DecimalField(
        label=label,
        min_value=Decimal(minimum),
        max_digits=10,
        decimal_places=places,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        **kwargs,
    )


class MarketCreateForm(forms.Form):
    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=None)
    name = forms.CharField(label=_("Name of the market"), max_length=120)
    slug = forms.SlugField(
        label=_("Short name for the web address"),
        max_length=80,
        required=False,
        help_text=_("Letters, numbers and hyphens; empty: made from the name."),
    )
    address = forms.CharField(label=_("Address"), max_length=255)
    lon = forms.FloatField(
        label=_("Longitude of the market"),
        min_value=-180,
        max_value=180,
        help_text=_("Tap the map to fill it in, or type it."),
    )
    lat = forms.FloatField(label=_("Latitude of the market"), min_value=-90, max_value=90)
    opening_hours = forms.CharField(label=_("Opening hours"), max_length=255, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities_where(user, Role.MUNICIPAL_STAFF)

    def clean(self):
        data = super().clean()
        slug = data.get("slug") or slugify(data.get("name", ""))[:80]
        if data.get("name") and not slug:
            self.add_error("slug", _("Write a short name with letters or numbers."))
        elif slug in RESERVED_SLUGS:
            self.add_error("slug", _("«%(slug)s» is reserved; choose another.") % {"slug": slug})
        elif slug and Market.objects.filter(slug=slug).exists():
            self.add_error(
                "slug",
                _("Another market already uses «%(slug)s»; choose another.") % {"slug": slug},
            )
        data["slug"] = slug
        return data


_BAND = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(?:km)?\s*[:=]\s*\$?\s*(\d+(?:[.,]\d+)?)\s*$", re.I)


def parse_fee_bands(text: str) -> list[dict[str, str]]:
    """«2 km: $25, 5 km: $45» -> [{"max_km": "2", "fee": "25"}, ...], checked like a checkout."""
    bands = []
    for chunk in (text or "").replace(";", ",").split(","):
        if not chunk.strip():
            continue
        match = _BAND.match(chunk)
        if match is None:
            raise ValidationError(
                _("«%(band)s» is not a fee: write it as «2 km: $25».") % {"band": chunk.strip()}
            )
        max_km, fee = (value.replace(",", ".") for value in match.groups())
        bands.append({"max_km": max_km, "fee": fee})
    if bands:
        try:
            delivery_fee(0, [(Decimal(b["max_km"]), Decimal(b["fee"])) for b in bands])
        except QuantityError:
            raise ValidationError(
                _("Write the distances from the nearest to the farthest, each one larger.")
            ) from None
    return bands


def fee_bands_text(bands) -> str:
    return ", ".join(f"{band['max_km']} km: ${band['fee']}" for band in bands or [])


class MarketSettingsForm(forms.ModelForm):
    """Opening days, pickup slots and capacity, delivery fees, the answer deadline; open online
    or not."""

    open_weekdays = forms.TypedMultipleChoiceField(
        label=_("Opening days (pickup)"),
        choices=sorted(WEEKDAYS.items()),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one day.")},
    )
    pickup_slots = forms.CharField(
        label=_("Pickup slots"),
        required=False,
        max_length=500,
        help_text=_("Start and end as HH:MM-HH:MM, separated by commas: 09:00-11:00, 11:00-13:00."),
    )

    delivery_fee_bands = forms.CharField(
        label=_("Home delivery fees"),
        required=False,
        max_length=500,
        help_text=_(
            "Up to which distance each fee applies, separated by commas: 2 km: $25, 5 km: $45. "
            "Empty: no home delivery, pickup only."
        ),
    )

    class Meta:
        model = Market
        fields = [
            "address", "opening_hours", "description", "open_weekdays", "pickup_slots",
            "pickup_slot_capacity", "pickup_days_ahead", "delivery_fee_bands", "answer_minutes",
            "active",
        ]  # fmt: skip
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pickup_days_ahead"].max_value = MAX_DAYS_AHEAD
        if not self.is_bound:
            self.initial["pickup_slots"] = ", ".join(self.instance.pickup_slots or [])
            self.initial["delivery_fee_bands"] = fee_bands_text(self.instance.delivery_fee_bands)

    def clean_delivery_fee_bands(self):
        return parse_fee_bands(self.cleaned_data["delivery_fee_bands"])

    def clean_pickup_slots(self):
        texts = [t.strip() for t in self.cleaned_data["pickup_slots"].split(",") if t.strip()]
        try:
            return canonical_slots(texts)
        except SlotError as exc:
            if exc.code == "duplicate_slot":
                raise ValidationError(
                    _("The slot %(slot)s appears twice.") % {"slot": exc.params["slot"]}
                ) from None
            raise ValidationError(
                _("«%(slot)s» is not a slot: write it as HH:MM-HH:MM, the start before the end.")
                % {"slot": exc.params["slot"]}
            ) from None


class StallForm(forms.Form):
    name = forms.CharField(label=_("Name of the stall (locatario)"), max_length=120)
    number = forms.CharField(label=_("Stall number"), max_length=20, required=False)
    giro = forms.CharField(label=_("Line of business (giro)"), max_length=120)
    phone = forms.CharField(
        label=_("Contact phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    email = forms.EmailField(label=_("Contact e-mail"), required=False)
    active = forms.BooleanField(label=_("Selling online"), required=False, initial=True)


class ProductForm(forms.Form):
    name = forms.CharField(label=_("Product"), max_length=120)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    unit = forms.ChoiceField(label=_("Sold by"), choices=SaleUnit.choices)
    step = _decimal(
        _("Step (smallest amount and increment)"),
        minimum="0.001",
        help_text=_("e.g. 0.25 for a quarter kilo, 1 for whole pieces or bunches."),
    )
    max_per_line = _decimal(_("Most per order"), minimum="0.001", initial=Decimal(50))
    stock = _decimal(_("Stock today"), initial=Decimal(0))
    price = _decimal(_("Price today (MXN per unit)"), places=2)
    photo = forms.FileField(
        label=_("Photo (JPEG, PNG or HEIC, optional)"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/heic,image/heif"}
        ),
    )

    def clean(self):
        data = super().clean()
        unit, step, most = data.get("unit"), data.get("step"), data.get("max_per_line")
        if unit and step is not None and most is not None:
            try:
                SaleRule(unit, step, most)
            except QuantityError as exc:
                field = "max_per_line" if exc.code == "invalid_max_per_line" else "step"
                self.add_error(field, _sale_rule_message(exc.code))
        stock = data.get("stock")
        if unit in ("piece", "bunch") and stock is not None and stock % 1:
            self.add_error("stock", _("Pieces and bunches are counted in whole units."))
        return data


def _sale_rule_message(code: str) -> str:
    if code == "invalid_max_per_line":
        return str(_("The most per order must be at least the step."))
    return str(_("Pieces and bunches are sold in whole units: the step must be a whole number."))


class ProductEditForm(forms.ModelForm):
    """A product's name, category, unit, step and limit, and whether it is on sale (prices,
    stock and photos change on the stall's daily screen)."""

    class Meta:
        model = Product
        fields = ["name", "category", "unit", "step", "max_per_line", "active"]
        widgets = {
            "step": forms.TextInput(attrs={"inputmode": "decimal"}),
            "max_per_line": forms.TextInput(attrs={"inputmode": "decimal"}),
        }

    def clean(self):
        data = super().clean()
        unit, step, most = data.get("unit"), data.get("step"), data.get("max_per_line")
        if step is not None and step <= 0:
            self.add_error("step", _("The step must be more than zero."))
        elif unit and step is not None and most is not None:
            try:
                SaleRule(unit, step, most)
            except QuantityError as exc:
                field = "max_per_line" if exc.code == "invalid_max_per_line" else "step"
                self.add_error(field, _sale_rule_message(exc.code))
        return data
