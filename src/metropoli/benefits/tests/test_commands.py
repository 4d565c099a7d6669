"""`metropoli benefits recompute` and the batch CLI of the engine."""

import csv
import math
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from metropoli.benefits.models import TreeBenefit
from metropoli.common.testing import ITREE_DIR, ITREE_TABLES, requires_shared
from metropoli.trees.ecobenefits import FACTORS

VECTORS = ITREE_DIR / "vectors.csv"


@pytest.mark.django_db
def test_recompute_command(itree, plant, zapopan):
    plant("JAMI", "30")
    plant("JAMI", "30", municipality=zapopan)
    out = StringIO()
    call_command("benefits", "recompute", "--municipality", zapopan.inegi_code, stdout=out)
    assert "1 trees in 1 batches, 1 computed" in out.getvalue()
    # Only Zapopan's tree is computed; Guadalajara's keeps its empty (pending) row.
    assert TreeBenefit.objects.exclude(status="").count() == 1
    with pytest.raises(CommandError, match="Unknown municipality 99999"):
        call_command("benefits", "recompute", "--municipality", "99999")


class Terminal(StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.django_db
def test_recompute_counts_the_trees_on_a_terminal_only(itree, plant):
    for _ in range(3):
        plant("JAMI", "30")
    quiet, screen = StringIO(), Terminal()
    call_command("benefits", "recompute", "--batch-size", "2", stdout=StringIO(), stderr=quiet)
    call_command("benefits", "recompute", "--batch-size", "2", stdout=StringIO(), stderr=screen)
    assert quiet.getvalue() == ""
    assert screen.getvalue().rstrip("\n").rsplit("\r", 1)[-1].startswith("Recomputing: 3 trees")


@pytest.mark.django_db
def test_recompute_command_without_data(no_itree):
    with pytest.raises(CommandError, match="METROPOLI_ITREE_DIR"):
        call_command("benefits", "recompute")


@requires_shared(ITREE_TABLES, VECTORS, variable="METROPOLI_ITREE_DIR")
def test_batch_cli_reproduces_the_reference_vectors(tmp_path):
    with VECTORS.open(newline="", encoding="utf-8-sig") as handle:
        reference = list(csv.DictReader(handle))
    source = tmp_path / "in.csv"
    with source.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["case", "region", "otm_code", "dbh_cm"])
        for i, row in enumerate(reference):
            writer.writerow([i, row["region"], row["otm_code"], row["dbh_cm"]])
    target = tmp_path / "out.csv"
    call_command(
        "trees",
        "ecobenefits",
        "--tables",
        str(ITREE_TABLES),
        "--input",
        str(source),
        "--output",
        str(target),
        stdout=StringIO(),
    )
    with target.open(newline="") as handle:
        produced = list(csv.DictReader(handle))
    assert len(produced) == len(reference)
    for ref, out in zip(reference, produced, strict=True):
        assert out["status"] == ref["status"]
        if ref["status"] != "ok" or ref["beyond_last_break"] == "yes":
            continue  # clamped cases: see the engine tests and 0011-itree-clamping.md
        for factor in FACTORS:
            expected, got = float(ref[factor]), float(out[factor])
            assert math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-12), (ref, factor)


@requires_shared(ITREE_TABLES, variable="METROPOLI_ITREE_DIR")
def test_batch_cli_bad_row_names_it_and_writes_nothing(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("region,otm_code,dbh_cm\nInlEmpCLM,JAMI,20\nInlEmpCLM,JAMI,-4\n")
    target = tmp_path / "out.csv"
    with pytest.raises(CommandError, match=r"row 2 \(line 3\), column 'dbh_cm'"):
        call_command(
            "trees",
            "ecobenefits",
            "--tables",
            str(ITREE_TABLES),
            "--input",
            str(source),
            "--output",
            str(target),
        )
    assert not target.exists()
    assert list(tmp_path.iterdir()) == [source]
