"""Mi Mercado: markets, stalls, products with daily prices and decimal stock, orders, couriers.

Quantities and money are Decimal columns; the rules for steps, line totals and delivery bands
live in the pure ``quantities`` module and are applied by ``services``. One module per concept;
Django finds the app's models here, and migrations name `metropoli.markets.models.<function>`
(decision 0056), so every model and those functions are imported below.
"""

from .catalogue import Category, Product, ProductPrice, SaleUnit
from .couriers import Courier, CourierKind, CourierStatus
from .market import (
    MONEY,
    QUANTITY,
    Market,
    MarketStaff,
    Stall,
    StallMember,
    all_weekdays,
    pickup_day_label,
)
from .orders import (
    FINAL_STATUSES,
    Method,
    Order,
    OrderEvent,
    OrderLine,
    OrderPart,
    PartStatus,
    Payment,
    Status,
    new_handover_code,
)
from .selection_matrix import Direction, SelectionCandidate, SelectionCriterion, SelectionScore

__all__ = [
    "FINAL_STATUSES",
    "MONEY",
    "QUANTITY",
    "Category",
    "Courier",
    "CourierKind",
    "CourierStatus",
    "Direction",
    "Market",
    "MarketStaff",
    "Method",
    "Order",
    "OrderEvent",
    "OrderLine",
    "OrderPart",
    "PartStatus",
    "Payment",
    "Product",
    "ProductPrice",
    "SaleUnit",
    "SelectionCandidate",
    "SelectionCriterion",
    "SelectionScore",
    "Stall",
    "StallMember",
    "Status",
    "all_weekdays",
    "new_handover_code",
    "pickup_day_label",
]
