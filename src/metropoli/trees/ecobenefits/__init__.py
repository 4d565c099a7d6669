"""i-Tree Streets eco-benefit engine (pure Python + numpy; no Django imports here).

Typical use::

    from metropoli.trees.ecobenefits import load_tables, compute

    tables = load_tables("/srv/data/itree/tables")
    result = compute(tables, regions, species_codes, dbh_cm)
    electricity_kwh = result.factor("electricity")
"""

from .batch import BatchInputError, BatchSummary, run_batch
from .engine import (
    STATUS_INVALID_REGION,
    STATUS_LABELS,
    STATUS_NO_ITREE_CODE,
    STATUS_OK,
    EcoResult,
    InvalidDbhError,
    TreeResult,
    compute,
    compute_curves,
    compute_ids,
    compute_loop,
    compute_tree,
    index_of,
    interpolate,
)
from .money import (
    KG_TO_LB,
    M3_TO_US_GALLONS,
    Rates,
    RegionRates,
    load_region_currency,
    to_money,
)
from .tables import (
    FACTOR_UNITS,
    FACTORS,
    STANDARD_BREAKPOINTS_CM,
    TableFormatError,
    TableSet,
    load_tables,
)

__all__ = [
    "FACTORS",
    "FACTOR_UNITS",
    "KG_TO_LB",
    "M3_TO_US_GALLONS",
    "STANDARD_BREAKPOINTS_CM",
    "STATUS_INVALID_REGION",
    "STATUS_LABELS",
    "STATUS_NO_ITREE_CODE",
    "STATUS_OK",
    "BatchInputError",
    "BatchSummary",
    "EcoResult",
    "InvalidDbhError",
    "Rates",
    "RegionRates",
    "TableFormatError",
    "TableSet",
    "TreeResult",
    "compute",
    "compute_curves",
    "compute_ids",
    "compute_loop",
    "compute_tree",
    "index_of",
    "interpolate",
    "load_region_currency",
    "load_tables",
    "run_batch",
    "to_money",
]
