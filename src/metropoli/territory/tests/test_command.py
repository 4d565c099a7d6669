import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from metropoli.common.history import history_of
from metropoli.territory.models import Municipality

pytestmark = pytest.mark.django_db


def test_import_boundaries_command(municipalities, tmp_path, capsys):
    path = tmp_path / "mun.geojson"
    ring = [
        [-103.40, 20.62],
        [-103.30, 20.62],
        [-103.30, 20.72],
        [-103.40, 20.72],
        [-103.40, 20.62],
    ]
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"CVEGEO": "14039"},
                        "geometry": {"type": "Polygon", "coordinates": [ring]},
                    }
                ],
            }
        )
    )
    with translation.override("en"):
        call_command("territory", "import-boundaries", str(path))
    out = capsys.readouterr().out
    assert "Imported 1 boundaries from layer" in out
    assert "Still without boundary: 14044" in out
    gdl = Municipality.objects.get(inegi_code="14039")
    assert gdl.boundary is not None
    # The change history keeps it, by nobody (the command).
    (record,) = history_of(Municipality, gdl.pk)
    assert record.changed_by is None and record.changes[0]["new"] == "mun.geojson:mun"


def test_import_boundaries_command_error_in_spanish(municipalities, tmp_path):
    with translation.override("es-mx"), pytest.raises(CommandError, match="no existe"):
        call_command("territory", "import-boundaries", str(tmp_path / "nada.shp"))
