"""Admin: adding a market, its stalls, people and delivery fees is configuration, not code."""

from django import forms
from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin
from django.core.exceptions import ValidationError
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from .models import (
    Courier,
    Market,
    MarketStaff,
    Order,
    OrderEvent,
    OrderLine,
    Product,
    ProductPrice,
    SelectionCandidate,
    SelectionCriterion,
    SelectionScore,
    Stall,
    StallMember,
)
from .pickup import SlotError, canonical_slots
from .quantities import QuantityError, SaleRule, delivery_fee
from .selectors import fee_bands


class MarketForm(forms.ModelForm):
    open_weekdays = forms.TypedMultipleChoiceField(
        label=_("Opening days (pickup)"),
        choices=sorted(WEEKDAYS.items()),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one day.")},
    )

    class Meta:
        model = Market
        # Photos are uploaded on the market's administration page, where they are checked and
        # their metadata (GPS) removed.
        fields = [
            "municipality", "name", "slug", "address", "location", "opening_hours",
            "description", "delivery_fee_bands", "pickup_slots", "open_weekdays",
            "pickup_days_ahead", "pickup_slot_capacity", "active",
        ]  # fmt: skip

    def clean_delivery_fee_bands(self):
        bands = self.cleaned_data["delivery_fee_bands"] or []
        try:
            if bands:
                delivery_fee(0, fee_bands(Market(delivery_fee_bands=bands)))
        except (QuantityError, KeyError, TypeError, ArithmeticError):
            raise ValidationError(
                _(
                    'Write the bands as [{"max_km": "2", "fee": "25"}, ...], with increasing '
                    "distances and non-negative fees."
                )
            ) from None
        return bands

    def clean_pickup_slots(self):
        slots = self.cleaned_data["pickup_slots"] or []
        if not isinstance(slots, list) or not all(isinstance(s, str) for s in slots):
            raise ValidationError(_('Write the slots as ["09:00-11:00", "11:00-13:00"].'))
        try:
            return canonical_slots(slots)
        except SlotError as exc:
            if exc.code == "duplicate_slot":
                raise ValidationError(
                    _("The slot %(slot)s appears twice.") % {"slot": exc.params["slot"]}
                ) from None
            raise ValidationError(
                _(
                    "«%(slot)s» is not a slot: write start and end as HH:MM-HH:MM, the start "
                    'before the end, e.g. ["09:00-11:00", "11:00-13:00"].'
                )
                % {"slot": exc.params["slot"]}
            ) from None


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        # The photo is uploaded from the stall dashboard (checked, metadata removed).
        fields = [
            "stall", "name", "category", "unit", "step", "max_per_line", "stock", "active",
        ]  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("unit") and data.get("step") and data.get("max_per_line"):
            try:
                SaleRule(data["unit"], data["step"], data["max_per_line"])
            except QuantityError as exc:
                raise ValidationError(exc.message) from None
        return data


class MarketStaffInline(admin.TabularInline):
    model = MarketStaff
    extra = 1
    autocomplete_fields = ["user"]


class StallInline(admin.TabularInline):
    model = Stall
    extra = 1
    fields = ["name", "number", "giro", "phone", "active"]
    show_change_link = True


@admin.register(Market)
class MarketAdmin(GISModelAdmin):
    list_display = ["name", "municipality", "active"]
    list_filter = ["municipality", "active"]
    search_fields = ["name", "address"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MarketStaffInline, StallInline]
    form = MarketForm
    readonly_fields = ["photo"]


class StallMemberInline(admin.TabularInline):
    model = StallMember
    extra = 1
    autocomplete_fields = ["user"]


class ProductInline(admin.TabularInline):
    model = Product
    extra = 1
    fields = ["name", "category", "unit", "step", "max_per_line", "stock", "active"]
    show_change_link = True


@admin.register(Stall)
class StallAdmin(admin.ModelAdmin):
    list_display = ["name", "number", "giro", "market", "active"]
    list_filter = ["market__municipality", "market", "active"]
    search_fields = ["name", "giro"]
    inlines = [StallMemberInline, ProductInline]


class PriceInline(admin.TabularInline):
    model = ProductPrice
    extra = 1
    fields = ["price", "valid_from", "set_by"]
    readonly_fields = ["set_by"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "stall", "unit", "step", "stock", "active"]
    list_filter = ["stall__market", "category", "unit", "active"]
    search_fields = ["name", "stall__name"]
    inlines = [PriceInline]
    form = ProductForm
    readonly_fields = ["photo"]


class LineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    readonly_fields = ["product", "product_name", "unit", "quantity", "unit_price", "line_total"]
    exclude = ["part"]


class EventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    readonly_fields = ["status", "note", "actor", "at"]


@admin.register(Order)
class OrderAdmin(GISModelAdmin):
    """Orders change only through the service layer; the admin reads them."""

    list_display = [
        "number", "market", "status", "method", "pickup_date", "pickup_slot", "total",
        "created_at",
    ]  # fmt: skip
    list_filter = ["market", "status", "method", "pickup_date"]
    search_fields = ["contact_name", "contact_phone", "public_id"]
    inlines = [LineInline, EventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Courier)
class CourierAdmin(GISModelAdmin):
    list_display = ["user", "market", "kind", "status"]
    list_filter = ["market", "kind", "status"]
    autocomplete_fields = ["user"]


class ScoreInline(admin.TabularInline):
    model = SelectionScore
    extra = 0


@admin.register(SelectionCandidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "market"]
    inlines = [ScoreInline]


@admin.register(SelectionCriterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "weight", "direction", "illustrative"]
