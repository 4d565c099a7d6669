"""One items page of a collection: its rows, whether pages lie before and after it, and
numberMatched when it is cheap to know. Decision: docs/decisions/0085-ogc-pages-from-the-matches.md.

A bbox page ordered by id (`... WHERE location && box ORDER BY id LIMIT 101`) leaves PostgreSQL
a guess: walk the primary key and test every tree's site until 101 fall inside the box, or read
the box's few thousand sites through the spatial index and sort them. With the values written
into the SQL it walks the key for boxes of a few hundred to a few thousand trees, testing some
100,000 sites (0.3 s at a million trees) for a page the spatial index gives in a few ms.

So the data decides, not the planner's guess. With a bbox, a page first counts the geometries in
the box (a tree's sites alone, from the spatial index) up to `cap`. Under it, the page reads the
keys of its selection with no order (the spatial index then drives), at most `cap` of them, cuts
the page from them in Python and reads its rows by key; their number is numberMatched (on a first
page): one scan for both. Over it the selection is dense: walking the key in order finds the page
within `limit × total / cap` rows, and numberMatched is left out (Part 1 makes it optional)
rather than counting a whole district.

A dense box walked in key order is slow when the box's features come late in that order (trees
loaded district by district: a district's first tree may have the 800,000th id). A collection
with an index that gives its keys inside a box in key order (`KeysInOrder`: the trees' map
points, decision 0096) is read from that index instead, from the cursor on, and each batch of
keys is checked against the whole selection (its other filters, the exact box).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections, transaction
from django.db.models import QuerySet

from .params import Page

# numberMatched is exact up to this many features (more when a page is large, see `cap`);
# beyond it the count would cost more than the page and is left out.
COUNT_LIMIT = 10_000
# Never read more keys than this for one page.
MAX_KEYS = 100_000
# A dense box read from an ordered index gives up for the walk after this many keys failed the
# selection's other filters (a filter the index does not hold, such as a date, and a rare one).
MAX_INDEX_KEYS = 200_000
# The largest batch of keys read from the index at once (batches grow fourfold from the page's
# size), so that the check of a batch against the selection stays one modest statement.
MAX_INDEX_BATCH = 10_000

# (start, descending, count) → the next `count` keys inside the box after `start` (before it,
# when descending; from the first when start is None), in key order.
KeysInOrder = Callable[[int | None, bool, int], list[int]]


@dataclass(frozen=True)
class Window:
    rows: list
    more_before: bool
    more_after: bool
    matched: int | None  # None: not counted (a page reached through a link, or a dense one)


def cap(page: Page) -> int:
    """How many keys a page reads before it calls its selection dense. Reading n keys costs
    about n joined rows; walking a dense selection costs (offset + limit) × total / n rows. At a
    million trees the two meet near 10,000 for a page of 100; for 1,000 features of a box of
    23,000 trees the walk took 0.1–0.3 s, reading the box's keys 0.5–1 s (PostgreSQL hashes the
    whole trees table for them), so large pages raise the cap only ten times their size."""
    return min(MAX_KEYS, max(COUNT_LIMIT, 10 * (page.offset + page.limit)))


def read_page(
    qs: QuerySet,
    key: str,
    page: Page,
    cursor,
    *,
    int_key: bool,
    in_boxes: QuerySet | None,
    in_order: KeysInOrder | None = None,
) -> Window:
    """The page of `qs` (ordered by `key`) that `page` asks for; `cursor` is its after/before
    key already parsed, or None; `in_boxes` the geometries inside the bbox, if one was given.
    Text keys (the small collections) are sorted by the database, whose collation the cursor's
    comparison follows; integer keys are sorted here.

    Planned for data in memory, without parallel workers. These statements read a few thousand
    rows, and starting workers for them doubled their time while requests ran side by side
    (keys of a 2,000-tree box: p50 26 ms serial, 52 ms with workers, on a busy 2-core machine).
    With the default random_page_cost (4, for spinning disks), PostgreSQL reads the keys of a
    box of 6,500 trees by hashing the whole trees table (0.42 s) rather than looking each site's
    tree up in the index (0.08 s at 1.1)."""
    with transaction.atomic(using=qs.db):
        with connections[qs.db].cursor() as sql:
            sql.execute(
                "SELECT set_config('max_parallel_workers_per_gather', '0', true), "
                "set_config('random_page_cost', '1.1', true)"
            )
        return _read(qs, key, page, cursor, int_key=int_key, in_boxes=in_boxes, in_order=in_order)


def _read(
    qs: QuerySet, key: str, page: Page, cursor, *, int_key: bool, in_boxes, in_order
) -> Window:
    window = qs
    if page.after is not None:
        window = window.filter(**{f"{key}__gt": cursor})
    elif page.before is not None:
        window = window.filter(**{f"{key}__lt": cursor})
    most = cap(page)
    # A dense box (a district) is seen from its geometries alone, before any row is joined.
    if in_boxes is not None and in_boxes.order_by().values("pk")[: most + 1].count() > most:
        if in_order is not None:
            keys = _keys_in_order(window, key, page, cursor, in_order)
            if keys is not None:
                return _cut(qs, key, page, keys, counted=False)
        return _walk(window, key, page)
    keys = list(
        window.order_by(*([] if int_key else [key])).values_list(key, flat=True)[: most + 1]
    )
    if len(keys) > most:
        return _walk(window, key, page)
    if int_key:
        keys.sort()
    return _cut(qs, key, page, keys, counted=True)


def _cut(qs: QuerySet, key: str, page: Page, keys: list, *, counted: bool) -> Window:
    """The page from `keys`, sorted: every key of the selection on the page's side of its
    cursor (`counted`: their number is numberMatched), or at least one more than the page needs.
    """
    if page.before is not None:
        chosen = keys[-page.limit :]
        more_before, more_after = len(keys) > page.limit, bool(chosen)
    else:
        chosen = keys[page.offset : page.offset + page.limit]
        more_after = len(keys) > page.offset + page.limit
        more_before = bool(chosen) and (page.after is not None or page.offset > 0)
    rows = list(qs.filter(**{f"{key}__in": chosen}).order_by(key)) if chosen else []
    first_page = page.after is None and page.before is None
    return Window(rows, more_before, more_after, len(keys) if counted and first_page else None)


def _keys_in_order(
    window: QuerySet, key: str, page: Page, cursor, in_order: KeysInOrder
) -> list | None:
    """The first keys of a dense box's selection from the cursor on, enough for the page and
    one more, sorted; None when too many of the index's keys fail the selection's filters."""
    descending = page.before is not None
    wanted = (0 if descending else page.offset) + page.limit + 1
    passed: list = []
    # A few more than wanted: a key of the index's box may lie just outside the exact box.
    start, batch, read = cursor, min(wanted + wanted // 16 + 1, MAX_INDEX_BATCH), 0
    while len(passed) < wanted:
        keys = in_order(start, descending, batch)
        if keys:
            kept = set(window.filter(**{f"{key}__in": keys}).values_list(key, flat=True))
            passed += [k for k in keys if k in kept]
        read += len(keys)
        if len(keys) < batch:
            break
        if read >= MAX_INDEX_KEYS:
            return None
        start, batch = keys[-1], min(4 * batch, MAX_INDEX_BATCH)
    passed = passed[:wanted]
    return passed[::-1] if descending else passed


def _walk(window: QuerySet, key: str, page: Page) -> Window:
    """A dense selection: the key's order, where the page's rows come early."""
    if page.before is not None:
        rows = list(window.order_by(f"-{key}")[: page.limit + 1])
        more_before = len(rows) > page.limit
        rows = rows[: page.limit][::-1]
        return Window(rows, more_before, bool(rows), None)
    rows = list(window.order_by(key)[page.offset : page.offset + page.limit + 1])
    more_after = len(rows) > page.limit
    rows = rows[: page.limit]
    more_before = bool(rows) and (page.after is not None or page.offset > 0)
    return Window(rows, more_before, more_after, None)
