"""Idempotency keys: a retry of the same request by the same caller gets the first answer.

A key belongs to its caller (docs/decisions/0046-idempotency-keys.md): a signed-in person
(`user:<id>`), else a secret token the client holds (a device or touch-table token,
`token:<sha-256>`), else the browser session (`session:<sha-256>`, made on the first keyed write
if there is none). Another caller's key is just a new key in one's own scope: nothing of theirs
is ever returned. The record also keeps a hash of the request; the same key with a different
request is refused with 422 `idempotency_key_reused`, which says nothing about the first one.

Every endpoint that takes an `Idempotency-Key` goes through `run_once`, with one table
(`IdempotencyRecord`) for all of them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model
from django.http import HttpRequest

from .errors import CommonErrorCode, DomainError
from .models import IdempotencyRecord
from .sessions import reserve_key
from .transactions import run_atomic

T = TypeVar("T")

KEY_MIN, KEY_MAX = 8, 80


@dataclass(frozen=True)
class Idempotency:
    """An idempotency key in its caller's scope."""

    scope: str
    key: str

    @classmethod
    def for_user(cls, user, key: str) -> Idempotency:
        """A signed-in person's key (also what demo loaders and tests use)."""
        return cls(f"user:{user.pk}", key)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def clean_key(value: str | None) -> str | None:
    """The key sent in an `Idempotency-Key` header, or None without one; 400 if malformed."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if not (KEY_MIN <= len(value) <= KEY_MAX) or not value.isprintable():
        raise DomainError(CommonErrorCode.INVALID_IDEMPOTENCY_KEY)
    return value


def caller_scope(request: HttpRequest, *, token: str = "") -> str:
    """Whose key it is: the signed-in person, else the secret `token` the client sent (at least
    16 characters), else the browser session (started here if the guest has none yet)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    token = (token or "").strip()
    if 16 <= len(token) <= 512:
        return f"token:{_digest(token)}"
    # A guest without a session gets its key now; the row is written once, with the cookie,
    # as the response goes out (common/sessions.py).
    return f"session:{_digest(reserve_key(request.session))}"


def from_request(
    request: HttpRequest, header: str | None, *, token: str = ""
) -> Idempotency | None:
    """The caller's key from the `Idempotency-Key` header value, or None when there is none."""
    key = clean_key(header)
    if key is None:
        return None
    return Idempotency(caller_scope(request, token=token), key)


def request_hash(values: Mapping[str, Any]) -> str:
    """SHA-256 of the request's canonical JSON (keys sorted; other values as text)."""
    return _digest(json.dumps(dict(values), sort_keys=True, default=str))


def reused() -> DomainError:
    return DomainError(CommonErrorCode.IDEMPOTENCY_KEY_REUSED)


def _stored(action: str, idempotency: Idempotency, digest: str) -> IdempotencyRecord | None:
    record = IdempotencyRecord.objects.filter(
        action=action, scope=idempotency.scope, key=idempotency.key
    ).first()
    if record is not None and record.request_hash != digest:
        raise reused()
    return record


def _result_of(record: IdempotencyRecord) -> int:
    # Claimed and given its result in one transaction: no other request sees it without one.
    if record.result_id is None:
        raise RuntimeError(f"idempotency record {record.pk} has no result")
    return record.result_id


class _AlreadyClaimed(Exception):
    """The key was claimed before (or meanwhile, by the same caller): roll back and replay."""


# IdempotencyRecord's table and its unique (action, scope, key).
CLAIM_SQL = """
    INSERT INTO common_idempotencyrecord
        (action, scope, key, request_hash, result_id, created_at)
    VALUES (%s, %s, %s, %s, NULL, now())
    ON CONFLICT (action, scope, key) DO NOTHING
    RETURNING id
"""

# The same, also drawing the result's id from the result table's own sequence, so that the
# key's row carries its result from the start (no UPDATE later, decision 0094).
CLAIM_RESERVING_SQL = """
    INSERT INTO common_idempotencyrecord
        (action, scope, key, request_hash, result_id, created_at)
    VALUES (%s, %s, %s, %s, nextval(pg_get_serial_sequence(%s, %s)), now())
    ON CONFLICT (action, scope, key) DO NOTHING
    RETURNING id, result_id
"""


@dataclass
class _Claim:
    record_id: int
    recorded: bool = False
    reserved: int | None = None


_claim: ContextVar[_Claim | None] = ContextVar("metropoli_idempotency_claim", default=None)


def reserved_result_id() -> int | None:
    """Inside `run_once(..., result_model=M)`'s `create`: the id the new `M` row must take
    (already the key's result), else None (no key: the database draws it as usual)."""
    claim = _claim.get()
    return claim.reserved if claim is not None else None


def record_result(result_pk: int) -> None:
    """Inside `run_once`'s `create`: the result's id is known (its row is written), store it now.

    A write that takes contended row locks last (a checkout takes the stock right before the
    commit) calls this before taking them, so the key's row is not updated while they are held.
    Outside a keyed `run_once` it does nothing; `run_once` stores the id itself otherwise.
    """
    claim = _claim.get()
    if claim is None or claim.recorded:
        return
    IdempotencyRecord.objects.filter(pk=claim.record_id).update(result_id=result_pk)
    claim.recorded = True


def run_once(
    *,
    action: str,
    idempotency: Idempotency | None,
    request: Mapping[str, Any],
    create: Callable[[], T],
    result_id: Callable[[T], int],
    replay: Callable[[int], T],
    result_model: type[Model] | None = None,
) -> tuple[T, bool]:
    """Carry out `create` once per key: (result, created).

    Without a key, `create` runs (in a transaction, retried once on deadlock). With one, the
    key is claimed first, in the same transaction as `create` (one `INSERT … ON CONFLICT DO
    NOTHING`): the same key sent twice at once waits for the first request's transaction. A key
    claimed before is not carried out again: its stored result is `replay`ed, or, for a
    different request, refused (422).

    With `result_model`, the claim also draws the id of the row `create` writes (from that
    table's sequence) and stores it as the key's result at once; `create` gives it to the row
    (`reserved_result_id()`), and a result with another id is a bug (RuntimeError, rolled back).
    """
    if idempotency is None:
        return run_atomic(create), True
    digest = request_hash(request)
    scope, key = idempotency.scope, idempotency.key

    def claim_and_create() -> T:
        with connection.cursor() as cursor:
            if result_model is None:
                cursor.execute(CLAIM_SQL, [action, scope, key, digest])
            else:
                meta = result_model._meta
                cursor.execute(
                    CLAIM_RESERVING_SQL,
                    [action, scope, key, digest, meta.db_table, meta.pk.column],
                )
            claimed = cursor.fetchone()
        if claimed is None:
            raise _AlreadyClaimed
        claim = _Claim(claimed[0])
        if result_model is not None:
            claim.reserved, claim.recorded = claimed[1], True
        token = _claim.set(claim)
        try:
            result = create()
            if claim.reserved is not None and result_id(result) != claim.reserved:
                raise RuntimeError(f"{action} did not give its result the reserved id")
            if not claim.recorded:
                record_result(result_id(result))
        finally:
            _claim.reset(token)
        return result

    try:
        return run_atomic(claim_and_create), True
    except _AlreadyClaimed:
        record = _stored(action, idempotency, digest)
        if record is None:  # the row was pruned in between: nothing to replay
            raise RuntimeError(f"idempotency key {action} {scope} vanished") from None
        return replay(_result_of(record)), False
