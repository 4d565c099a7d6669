"""Transactions that PostgreSQL may abort to break a deadlock or a serialization conflict.

`retrying_atomic` runs a write in its own transaction and, when PostgreSQL chose it as the
victim, runs it once more from the start; if that fails too, the caller gets a 503 with
Retry-After instead of a 500 (docs/decisions/0045-lock-order-and-retry.md).
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import DEFAULT_DB_ALIAS, OperationalError, transaction
from psycopg import errors as pg_errors

from .errors import CommonErrorCode, DomainError

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

# What PostgreSQL aborts a transaction with when running it again may well succeed.
RETRYABLE = (pg_errors.DeadlockDetected, pg_errors.SerializationFailure)
RETRY_AFTER_SECONDS = 2


class TransactionConflict(DomainError):
    """The write collided with others twice in a row: 503 at the edge, try again in a moment."""

    def __init__(self):
        super().__init__(CommonErrorCode.BUSY, retry_after=RETRY_AFTER_SECONDS)


def is_retryable(error: BaseException) -> bool:
    """A deadlock or serialization failure, as Django wraps it (OperationalError whose cause
    is psycopg's own error)."""
    return isinstance(error, OperationalError) and isinstance(error.__cause__, RETRYABLE)


def run_atomic(function: Callable[[], T], *, attempts: int = 2, using: str = DEFAULT_DB_ALIAS) -> T:
    """Run `function` in a transaction; retry it (`attempts` runs in all) when PostgreSQL
    aborts it to break a deadlock or a serialization conflict.

    Inside an outer transaction nothing can be retried (the outer one is aborted too): the
    conflict is raised at once as TransactionConflict.
    """
    outermost = not transaction.get_connection(using).in_atomic_block
    for attempt in range(1, attempts + 1):
        try:
            with transaction.atomic(using=using):
                return function()
        except OperationalError as error:
            if not is_retryable(error):
                raise
            log.warning(
                "transaction conflict (attempt %s of %s): %s", attempt, attempts, error.__cause__
            )
            if not outermost or attempt == attempts:
                raise TransactionConflict() from error
            # A moment's pause, different for each victim, so that the transaction it lost to
            # can finish before this one takes its first lock again.
            time.sleep(random.uniform(0.02, 0.1))  # noqa: S311 - jitter, not a secret
    raise ValueError("attempts must be at least 1")


def retrying_atomic(function: Callable[P, T]) -> Callable[P, T]:
    """Decorator: like @transaction.atomic, with run_atomic's one retry and 503."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        return run_atomic(lambda: function(*args, **kwargs))

    return wrapper
