"""What stalls sell: products with a sale unit, step and stock, and their daily prices."""

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..quantities import Unit
from .market import MONEY, QUANTITY, Stall


class Category(models.TextChoices):
    PRODUCE = "produce", _("Fruit and vegetables")
    MEAT = "meat", _("Meat")
    POULTRY = "poultry", _("Chicken")
    SEAFOOD = "seafood", _("Fish and seafood")
    DAIRY = "dairy", _("Cheese and dairy")
    BAKERY = "bakery", _("Tortillas and bread")
    FLOWERS = "flowers", _("Flowers")
    GROCERY = "grocery", _("Groceries")
    PREPARED = "prepared", _("Prepared food")


class SaleUnit(models.TextChoices):
    KILOGRAM = Unit.KILOGRAM.value, _("kg")
    PIECE = Unit.PIECE.value, _("piece")
    BUNCH = Unit.BUNCH.value, _("bunch")
    LITRE = Unit.LITRE.value, _("litre")


class Product(models.Model):
    stall = models.ForeignKey(
        Stall, verbose_name=_("stall"), on_delete=models.CASCADE, related_name="products"
    )
    name = models.CharField(_("name"), max_length=120)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    unit = models.CharField(_("sale unit"), max_length=10, choices=SaleUnit.choices)
    step = models.DecimalField(
        _("step"),
        **QUANTITY,
        help_text=_("Smallest amount sold and increment, e.g. 0.25 kg or 1 piece."),
    )
    max_per_line = models.DecimalField(_("most per order"), **QUANTITY, default=50)
    stock = models.DecimalField(_("stock"), **QUANTITY, default=0)
    photo = models.ImageField(_("photo"), upload_to="markets/products/", blank=True)
    photo_thumbnail = models.ImageField(
        _("photo thumbnail"), upload_to="markets/products/", blank=True
    )
    active = models.BooleanField(_("on sale"), default=True)

    class Meta:
        ordering = ["stall", "name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            # The last line of defence against overselling: the database refuses it.
            models.CheckConstraint(condition=Q(stock__gte=0), name="product_stock_not_negative"),
            models.CheckConstraint(condition=Q(step__gt=0), name="product_step_positive"),
            models.CheckConstraint(
                condition=Q(max_per_line__gte=models.F("step")),
                name="product_max_per_line_at_least_step",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def market_id(self) -> int:
        return self.stall.market_id


class ProductPrice(models.Model):
    """Prices change daily; the price in force is the latest one already valid."""

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="prices"
    )
    price = models.DecimalField(_("price per unit (MXN)"), **MONEY)
    valid_from = models.DateTimeField(_("valid from"), db_index=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["product", "-valid_from", "-pk"]
        get_latest_by = "valid_from"
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="product_price_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.product}: {self.price}"
