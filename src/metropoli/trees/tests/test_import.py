import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metropoli.common.history import ChangeRecord
from metropoli.trees import inventory
from metropoli.trees.models import PlantingSite, Species, Tree, TreeCell

from .factories import GDL, fresno, jacaranda

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(municipalities):
    jacaranda()
    fresno()


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(*args, terminal=False):
    out, err = io.StringIO(), Terminal() if terminal else io.StringIO()
    call_command("trees", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def last_line(err: str) -> str:
    """What a terminal shows once the bar has been redrawn in place."""
    return err.rstrip("\n").rsplit("\r", 1)[-1]


def nothing_written():
    assert Tree.objects.count() == PlantingSite.objects.count() == 0
    assert ChangeRecord.objects.count() == TreeCell.objects.count() == 0


OUR_CSV = (
    "lon,lat,species,dbh_cm,height_m,condition,site_type,address,colonia,external_id\n"
    f"{GDL[0]},{GDL[1]},JAMI,30.5,9,bueno,banqueta,Av. Juárez 10,Centro,GDL-1\n"
    f"{GDL[0] + 0.001},{GDL[1]},FRUH,45,,fair,park,,Centro,GDL-2\n"
    f"{GDL[0] + 0.002},{GDL[1]},,12,,,,,,GDL-3\n"
)


def test_import_our_csv(catalogue, tmp_path, guadalajara):
    out, err = run("import", write(tmp_path, "gdl.csv", OUR_CSV), "--municipality", "14039")
    assert "Imported 3 of 3 rows" in out or "Se importaron 3 de 3" in out
    assert err == ""  # no progress bar off a terminal
    trees = Tree.objects.order_by("external_id")
    assert [(t.species_id and t.species.code, str(t.dbh_cm), t.condition) for t in trees] == [
        ("JAMI", "30.5", "good"),
        ("FRUH", "45.0", "fair"),
        (None, "12.0", "unknown"),
    ]
    assert trees[0].site.address == "Av. Juárez 10"
    assert {t.site.municipality for t in trees} == {guadalajara}
    assert {t.source for t in trees} == {"import"}
    assert (
        ChangeRecord.objects.filter(
            changes__contains=[{"field": "import", "new": "gdl.csv:2"}]
        ).count()
        == 1
    )
    assert sum(TreeCell.objects.filter(level=3).values_list("count", flat=True)) == 3


def test_import_opentreemap_export_in_inches_and_feet(catalogue, tmp_path):
    text = (
        "planting site id,point x,point y,street address,city,genus,species,cultivar,"
        "common name,diameter,tree height\n"
        f"77,{GDL[0]},{GDL[1]},Calle 1,Guadalajara,Fraxinus,uhdei,,Tropical ash,10,30\n"
    )
    run("import", write(tmp_path, "otm.csv", text), "--municipality", "14039")
    tree = Tree.objects.get()
    assert tree.species.code == "FRUH"
    assert str(tree.dbh_cm) == "25.4"
    assert str(tree.height_m) == "9.1"
    assert tree.external_id == "77"


def test_import_geojson(catalogue, tmp_path):
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": list(GDL)},
                "properties": {"species": "JAMI", "dbh_cm": 20},
            }
        ],
    }
    run("import", write(tmp_path, "a.geojson", json.dumps(data)), "--municipality", "14039")
    assert Tree.objects.get().species.code == "JAMI"


def test_malformed_rows_are_reported_and_nothing_is_written(catalogue, tmp_path):
    text = (
        "lon,lat,species,dbh_cm,condition\n"
        f"{GDL[0]},{GDL[1]},JAMI,30,good\n"
        f"{GDL[0]},{GDL[1]},QQQQ,30,good\n"
        f"{GDL[0]},{GDL[1]},JAMI,0,good\n"
        f"x,{GDL[1]},JAMI,10,good\n"
        "-99.13,19.43,JAMI,10,good\n"
        f"{GDL[0]},{GDL[1]},JAMI,10,splendid\n"
    )
    path = write(tmp_path, "bad.csv", text)
    with pytest.raises(CommandError) as error:
        call_command(
            "trees",
            "import",
            str(path),
            "--municipality",
            "14039",
            stdout=(out := io.StringIO()),
            stderr=io.StringIO(),
        )
    assert "5" in str(error.value)
    report = out.getvalue()
    for expected in (
        "line 3, column “species”",
        "line 4, column “dbh_cm”",
        "line 5, column “lon/lat”",
        "line 6, column “lon/lat”",
        "line 7, column “condition”",
    ):
        assert expected.replace("line", "") in report.replace("línea", "").replace(
            "columna", "column"
        ), report
    nothing_written()


def test_partial_import_writes_the_valid_rows(catalogue, tmp_path):
    text = f"lon,lat,species,dbh_cm\n{GDL[0]},{GDL[1]},JAMI,30\n{GDL[0]},{GDL[1]},QQQQ,30\n"
    run("import", write(tmp_path, "p.csv", text), "--municipality", "14039", "--partial")
    assert Tree.objects.count() == 1


def test_unreadable_files_and_unknown_municipality(catalogue, tmp_path):
    with pytest.raises(CommandError):
        run("import", write(tmp_path, "a.geojson", "{not json"), "--municipality", "14039")
    with pytest.raises(CommandError):
        run("import", write(tmp_path, "a.csv", OUR_CSV), "--municipality", "99999")
    nothing_written()


def test_export_command_round_trips_through_import(catalogue, tmp_path):
    run("import", write(tmp_path, "gdl.csv", OUR_CSV), "--municipality", "14039")
    target = tmp_path / "out.csv"
    run("export", target, "--species", "JAMI")
    exported = target.read_text(encoding="utf-8")
    assert exported.count("\n") == 2
    Tree.objects.all().delete()
    run("import", target, "--municipality", "14039")
    assert Tree.objects.get().species.code == "JAMI"


def test_export_defuses_formulas_and_an_import_restores_the_text(catalogue, tmp_path):
    from .factories import make_tree

    make_tree(None, notes='=HYPERLINK("http://x")\x0b', address="-Av. Juárez 1")
    target = tmp_path / "out.csv"
    run("export", target)
    [row] = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert (row["notes"], row["address"]) == ('\'=HYPERLINK("http://x")', "'-Av. Juárez 1")
    assert float(row["lon"]) < 0 and row["lon"].startswith("-")  # a number, not text
    Tree.objects.all().delete()
    run("import", target, "--municipality", "14039")
    tree = Tree.objects.select_related("site").get()
    assert (tree.notes, tree.site.address) == ('=HYPERLINK("http://x")', "-Av. Juárez 1")


def test_load_species_from_otm_list_and_local_names(municipalities, tmp_path):
    otm = write(
        tmp_path,
        "otm_species.csv",
        "otm_code,genus,species,cultivar,other,common_name\n"
        "JAMI,Jacaranda,mimosifolia,,,Jacaranda\nABAL,Abies,alba,,,Silver fir\n",
    )
    out, _err = run("load-species", "--otm-csv", otm)
    assert Species.objects.get(code="ABAL").scientific_name == "Abies alba"
    jacaranda_ = Species.objects.get(code="JAMI")
    assert (jacaranda_.common_name_es, jacaranda_.is_local, jacaranda_.otm_code) == (
        "Jacaranda",
        True,
        "JAMI",
    )
    assert Species.objects.get(code="AMG-TARO").common_name_es == "Rosa morada"
    run("load-species", "--otm-csv", otm)  # again: nothing doubles
    assert Species.objects.filter(code="JAMI").count() == 1


def test_import_shows_its_progress_on_a_terminal(catalogue, tmp_path, guadalajara):
    _out, err = run(
        "import", write(tmp_path, "gdl.csv", OUR_CSV), "--municipality", "14039", terminal=True
    )
    # The bar counts the bytes of the file (a streamed CSV's rows are not counted first).
    size = len(OUR_CSV.encode())
    assert "100%" in last_line(err) and f"{size}/{size}" in last_line(err)
    assert Tree.objects.count() == 3


def test_synth_fills_the_urban_area_and_counts_cells(municipalities):
    out, err = run("synth", "--count", 120, "--seed", 7, terminal=True)
    assert "100%" in last_line(err) and "120/120" in last_line(err)
    assert Tree.objects.filter(source="synthetic").count() == 120
    assert sum(TreeCell.objects.filter(level=3).values_list("count", flat=True)) == 120
    assert Tree.objects.filter(species__isnull=True).exists()
    assert all(2 <= t.dbh_cm <= 250 for t in Tree.objects.all())
    run("synth", "--count", 10, "--clear")
    assert Tree.objects.count() == 10
    run("rebuild-cells")
    assert sum(TreeCell.objects.filter(level=3).values_list("count", flat=True)) == 10


CELL = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.tuples(CELL, CELL, CELL, CELL), min_size=1, max_size=5))
def test_any_csv_gives_rows_or_row_errors_never_a_crash(catalogue, guadalajara, tmp_path, rows):
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["lon", "lat", "species", "dbh_cm"])
    writer.writerows(rows)
    path = write(tmp_path, "fuzz.csv", buffer.getvalue())
    before = Tree.objects.count()
    report = inventory.import_trees(path=path, municipality=guadalajara)
    if report.errors:
        assert Tree.objects.count() == before
        assert all(e.line >= 2 for e in report.errors)
    else:
        assert Tree.objects.count() == before + report.rows


HEADER = "lon,lat,species,dbh_cm\n"
PLACE = f"{GDL[0]},{GDL[1]}"


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.csv", b"", "empty.csv: The file is empty."),
        ("blank.csv", b"  \n\n", "blank.csv: The file is empty."),
        (
            "garbage.csv",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xd8",
            "garbage.csv: Line 1, column 1: the byte 0x89 is not UTF-8 text.",
        ),
        (
            "latin1.csv",
            (HEADER + f"{PLACE},JAMI,30\n{PLACE},Árbol,30\n").encode("latin-1"),
            "latin1.csv: Line 3, column 19: the byte 0xC1 is not UTF-8 text.",
        ),
        (
            "no-header.csv",
            f"{PLACE},JAMI,30\n".encode(),
            "no-header.csv: Line 1 must be a header that names the columns lon and lat",
        ),
        (
            "bad-number.csv",
            (HEADER + f"{PLACE},JAMI,30\n{PLACE},JAMI,1e999999\n").encode(),
            "line 3, column “dbh_cm”: The trunk diameter must be a number.",
        ),
        (
            "bad-coordinates.csv",
            (HEADER + "1000,1000,JAMI,30\n").encode(),
            "line 2, column “lon/lat”: the location is outside the municipalities",
        ),
        (
            "ragged.csv",
            (HEADER + f"{PLACE},JAMI,30,sobra\n").encode(),
            "line 2, column “-”: 5 values, but the header names 4 columns",
        ),
        (
            "huge-field.csv",
            (HEADER + f'{PLACE},JAMI,"{"9" * 200_000}"\n').encode(),
            "line 2, column “dbh_cm”: longer than 2000 characters",
        ),
        (
            "nul.csv",
            (HEADER + f"{PLACE},JA\x00MI,30\n").encode(),
            "line 2, column “species”: holds an invisible control character (such as NUL)",
        ),
        (
            "features.geojson",
            b'{"type": "FeatureCollection", "features": 5}',
            "features.geojson: The “features” of the FeatureCollection must be a list.",
        ),
        (
            "not-features.geojson",
            b'{"type": "FeatureCollection", "features": [5, {"geometry": 7, "properties": []}]}',
            "line 1, column “geometry”: a Point geometry is required",
        ),
        ("nested.geojson", b"[" * 100_000, "nested.geojson: The GeoJSON file is nested too"),
        (
            "broken.geojson",
            b'{"type": "FeatureCollection",\n "features": [}',
            "broken.geojson: Line 2, column 15: the file is not valid GeoJSON",
        ),
    ],
)
def test_a_malformed_file_is_a_command_error_naming_where(
    catalogue, tmp_path, name, content, expected
):
    path = tmp_path / name
    path.write_bytes(content)
    with translation.override("en"), pytest.raises(CommandError) as refused:
        run("import", path, "--municipality", "14039")
    assert expected in str(refused.value)
    nothing_written()


def test_a_latin1_file_imports_when_its_encoding_is_given(catalogue, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        ("lon,lat,species,dbh_cm,notes\n" + f"{PLACE},JAMI,30,Raíz expuesta\n").encode("latin-1")
    )
    run("import", path, "--municipality", "14039", "--encoding", "latin-1")
    assert Tree.objects.get().notes == "Raíz expuesta"
    with translation.override("en"), pytest.raises(CommandError) as refused:
        run("import", path, "--municipality", "14039", "--encoding", "klingon")
    assert "Unknown encoding “klingon”." in str(refused.value)


def test_a_csv_is_streamed_row_by_row_not_read_whole(tmp_path):
    from metropoli.trees.inventory_files import records

    path = tmp_path / "big.csv"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("lon,lat,species,dbh_cm\n")
        for number in range(60_000):
            handle.write(f"{GDL[0]},{GDL[1]},JAMI,{number % 90 + 1}\n")
    size = path.stat().st_size
    rows = records(path)
    line, row, read = next(rows)
    assert (line, row["dbh_cm"]) == (2, "1")
    assert read < size / 4  # only the first blocks have been read
    *_, (last_line, _row, read) = rows
    assert last_line == 60_001 and read == size


def test_imported_trees_are_drawn_on_the_map(catalogue, tmp_path, guadalajara):
    from metropoli.trees.models import TreeMapPoint

    inventory.import_trees(path=write(tmp_path, "gdl.csv", OUR_CSV), municipality=guadalajara)
    assert TreeMapPoint.objects.count() == Tree.objects.count() == 3


def test_a_dry_run_counts_every_error_and_keeps_the_first(catalogue, tmp_path, guadalajara):
    text = "lon,lat,dbh_cm\n" + "".join(f"{GDL[0]},{GDL[1]},-{n}\n" for n in range(1, 6))
    report = inventory.import_trees(
        path=write(tmp_path, "bad.csv", text),
        municipality=guadalajara,
        dry_run=True,
        max_errors=2,
    )
    assert (report.rows, report.error_count, len(report.errors)) == (5, 5, 2)
    assert [e.line for e in report.errors] == [2, 3]
    nothing_written()


def feature_collection(count: int, *, type_last: bool = False) -> str:
    features = ",\n".join(
        json.dumps(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [GDL[0], GDL[1]]},
                "properties": {"species": "JAMI", "dbh_cm": n % 90 + 1},
            }
        )
        for n in range(count)
    )
    if type_last:  # members in another order, as some tools write them
        head = '{"name": "árboles", "crs": {"type": "name"}, "features": ['
        return head + features + '],\n "type": "FeatureCollection"}'
    return f'{{"type": "FeatureCollection", "features": [\n{features}\n]}}'


def test_a_geojson_file_is_streamed_feature_by_feature(tmp_path):
    from metropoli.trees.inventory_files import records

    path = write(tmp_path, "big.geojson", feature_collection(30_000))
    size = path.stat().st_size
    rows = records(path)
    number, row, read = next(rows)
    assert (number, row["dbh_cm"], row["lon"]) == (1, "1", str(GDL[0]))
    assert read < size / 2  # the first blocks only
    *_, (last, _row, read) = rows
    assert last == 30_000 and read == size


def test_geojson_members_in_any_order_and_a_broken_end(catalogue, tmp_path, guadalajara):
    path = write(tmp_path, "qgis.geojson", feature_collection(3, type_last=True))
    report = inventory.import_trees(path=path, municipality=guadalajara)
    assert (report.rows, report.imported) == (3, 3)
    broken = write(tmp_path, "cut.geojson", feature_collection(3)[:-40])
    with pytest.raises(inventory.ImportFileError, match="Línea 4, columna"):
        inventory.import_trees(path=broken, municipality=guadalajara)
    assert Tree.objects.count() == 3  # nothing of the cut file was kept


def test_the_command_checks_without_writing_on_dry_run(catalogue, tmp_path, guadalajara):
    out, _err = run(
        "import", write(tmp_path, "gdl.csv", OUR_CSV), "--municipality", "14039", "--dry-run"
    )
    assert "Se revisaron 3 filas: 0 errores; no se guardó nada." in out
    nothing_written()
