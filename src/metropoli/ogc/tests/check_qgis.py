"""QGIS (Debian's python3-qgis, headless) reads the trees of /ogc/ — `make test-qgis`.

Not in `make test`: python3-qgis brings 167 Debian packages and 922 MB, which took 3½ minutes
to install here, for this one test. `make test-qgis` installs it when it is missing and runs
this file (its name keeps it out of the default collection).

QGIS runs in its own process (/usr/bin/python3, the Python python3-qgis is built for) against
pytest-django's live_server, which serves the test database over real HTTP.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import GDL_BOX, GDL_POINTS

pytestmark = pytest.mark.django_db(transaction=True)

CLIENT = Path(__file__).with_name("qgis_client.py")
SHOTS = os.environ.get("METROPOLI_DOC_SCREENSHOTS")


def test_qgis_loads_the_trees_layer_and_counts_its_features(live_server, trees, tmp_path):
    out = tmp_path / "qgis.json"
    command = ["/usr/bin/python3", str(CLIENT), f"{live_server.url}/ogc", GDL_BOX, str(out)]
    if SHOTS:
        command.append(SHOTS)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(tmp_path)}
    env.pop("PYTHONPATH", None)  # QGIS's own Python, not the venv's packages
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    sys.stderr.write(done.stderr[-4000:])
    assert done.returncode == 0, done.stderr[-4000:]
    found = json.loads(out.read_text())
    assert found["valid"] and found["crs"] == "EPSG:4326"
    assert {"species", "municipality", "dbh_cm", "recorded_at"} <= set(found["fields"])
    assert found["feature_count"] == len(trees)  # numberMatched
    assert found["all_ids"] == sorted(t.pk for t in trees)
    in_box = sorted(t.pk for t in trees if (t.site.location.x, t.site.location.y) in GDL_POINTS)
    assert found["ids_in_box"] == in_box
