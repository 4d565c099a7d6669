"""Stock: taken by a checkout in one statement, given back by a cancellation or a rejection.

Both lock product rows last and by id, as every markets write does
(docs/decisions/0034-markets-checkout-one-statement-stock.md, 0045-lock-order-and-retry.md).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.db.models import F

from metropoli.common.errors import DomainError

from ..errors import MarketErrorCode
from ..models import Product
from ..quantities import format_decimal, format_quantity_lazy


def take_stock(checked: list[tuple[Product, Decimal]]) -> None:
    """Lock, re-check and decrement the stock rows, in primary-key order (no deadlocks).

    Runs last in the checkout transaction, so the rows stay locked only until the commit. A
    line whose stock no longer covers it is refused with the quantity left; the caller's
    transaction then rolls back everything the checkout wrote.
    """
    if _decrement_stock(checked) != len(checked):
        stocks = dict(
            Product.objects.filter(pk__in=[p.pk for p, _q in checked]).values_list("pk", "stock")
        )
        for product, quantity in checked:
            if stocks.get(product.pk, Decimal(0)) < quantity:
                raise _out_of_stock(product, quantity, stocks.get(product.pk))
        raise _out_of_stock(checked[0][0], checked[0][1], stocks.get(checked[0][0].pk))


# One statement, one round trip. The CTE locks the rows in primary-key order and reads their
# latest committed stock under the lock (FOR NO KEY UPDATE: the key does not change, so the
# foreign-key checks of other orders' lines are not blocked). The UPDATE only touches rows the
# CTE has already locked, so every checkout takes its locks in ascending order (no deadlocks),
# and it writes "locked stock - quantity" only where the locked stock covers the line. The row
# count says whether every line was covered.
_TAKE_STOCK_SQL = """
WITH wanted (id, quantity) AS (VALUES {values}),
locked AS (
    SELECT id, stock FROM {table} WHERE id IN (SELECT id FROM wanted)
    ORDER BY id FOR NO KEY UPDATE
)
UPDATE {table} AS p SET stock = locked.stock - wanted.quantity
FROM locked JOIN wanted ON wanted.id = locked.id
WHERE p.id = locked.id AND locked.stock >= wanted.quantity
"""


def _decrement_stock(checked: list[tuple[Product, Decimal]]) -> int:
    sql = _TAKE_STOCK_SQL.format(
        values=", ".join(["(%s::bigint, %s::numeric)"] * len(checked)),
        table=connection.ops.quote_name(Product._meta.db_table),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [x for product, quantity in checked for x in (product.pk, quantity)])
        return cursor.rowcount


def _out_of_stock(product: Product, quantity: Decimal, left: Decimal | None) -> DomainError:
    left = left or Decimal(0)
    return DomainError(
        MarketErrorCode.OUT_OF_STOCK,
        details=[{"product_id": product.pk, "available": format_decimal(left)}],
        # Lazy: written in the language of the answer, with the unit's plural («20 manojos»).
        left=format_quantity_lazy(left, product.unit),
        product=product.name,
        wanted=format_quantity_lazy(quantity, product.unit),
    )


def restore_stock(lines) -> None:
    """Put the lines' quantities back on sale (product rows by id, after the order's rows)."""
    for line in sorted(lines, key=lambda line: line.product_id):
        Product.objects.filter(pk=line.product_id).update(stock=F("stock") + line.quantity)
