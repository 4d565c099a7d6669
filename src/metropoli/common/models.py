"""The one table of the shared edge: requests already carried out, by idempotency key."""

from django.db import models


class IdempotencyRecord(models.Model):
    """A keyed write already carried out: its caller's retry gets the same result.

    `action` names the endpoint ("markets.order"), `scope` the caller ("user:12",
    "token:<sha-256>", "session:<sha-256>"), `request_hash` the body it was made with, and
    `result_id` the primary key of what it created (docs/decisions/0046-idempotency-keys.md).
    """

    action = models.CharField(max_length=40)
    scope = models.CharField(max_length=80)
    key = models.CharField(max_length=80)
    request_hash = models.CharField(max_length=64)
    # Filled in the same transaction, right after the write created its result.
    result_id = models.BigIntegerField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["action", "scope", "key"], name="unique_idempotency_record"
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.scope} {self.key}"
