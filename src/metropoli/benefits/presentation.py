"""Benefit figures shaped for people and the API, in the requested unit system."""

from __future__ import annotations

from django.utils.translation import gettext as _

from metropoli.trees.ecobenefits import FACTORS

from .calculation import VALUE_COLUMNS
from .models import BenefitStatus, TreeBenefit
from .selectors import Bucket
from .units import GROUPS, display

CURRENCY = "MXN"


def groups_from(values: dict, system: str) -> list[dict]:
    """values: stored column -> number (group and money columns)."""
    shown = []
    for group in GROUPS:
        amount, unit = display(group, values.get(group.column), system)
        shown.append(
            {
                "key": group.key,
                "label": str(group.label),
                "amount": amount,
                "unit": unit,
                "yearly": group.yearly,
                "money": values.get(group.money_column),
            }
        )
    return shown


def status_message(status: str) -> str:
    return {
        BenefitStatus.OK: _("Computed with the i-Tree Streets method."),
        BenefitStatus.MISSING_SPECIES: _(
            "Not computed: the species of this tree is unknown. Identify it to see its benefits."
        ),
        BenefitStatus.MISSING_DBH: _(
            "Not computed: the trunk diameter (DBH) is missing. Measure it to see its benefits."
        ),
        BenefitStatus.NO_ITREE_CODE: _(
            "Not computed: i-Tree has no data for this species in the municipality's region."
        ),
        BenefitStatus.INVALID_REGION: _(
            "Not computed: the municipality's i-Tree region is not in the installed tables."
        ),
    }.get(status, _("Not computed yet."))


def tree_payload(tree_id: int, benefit: TreeBenefit, system: str, *, stored: bool) -> dict:
    values = {c: getattr(benefit, c) for c in VALUE_COLUMNS}
    ok = benefit.status == BenefitStatus.OK
    return {
        "tree_id": tree_id,
        "status": benefit.status,
        "message": status_message(benefit.status),
        "stored": stored,
        "computed_at": benefit.computed_at if stored else None,
        "region": benefit.region or None,
        "itree_code": benefit.itree_code or None,
        "units": system,
        "currency": CURRENCY,
        "benefits": groups_from(values, system) if ok else [],
        "money_yearly": benefit.money_yearly if ok else None,
        "factors": {f: values[f] for f in FACTORS} if ok else None,
    }


def bucket_label(bucket: Bucket) -> str:
    """The bucket's name; the overall bucket ("all") is every tree the filters matched."""
    if bucket.label:
        return bucket.label
    if bucket.key == "all":
        return _("All the trees that match the filters")
    return _("Unknown species")


def bucket_payload(bucket: Bucket, system: str) -> dict:
    return {
        "key": bucket.key,
        "label": bucket_label(bucket),
        "total": bucket.total,
        "computed": bucket.computed,
        "not_computed": {
            **{s: n for s, n in bucket.statuses.items() if s != BenefitStatus.OK},
            **({"pending": bucket.pending} if bucket.pending else {}),
        },
        "benefits": groups_from(bucket.sums, system),
        "money_yearly": bucket.sums.get("money_yearly", 0.0),
    }
