"""QGIS as a client of /ogc/: run by Debian's /usr/bin/python3 (python3-qgis), not by the venv.

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 qgis_client.py URL BOX OUT.json [SHOTS_DIR]

Loads the `trees` layer through QGIS's own OGC API – Features provider (the one behind
"Layer ▸ Add Layer ▸ Add WFS / OGC API – Features Layer"), counts its features — all of them,
and those in BOX (west,south,east,north), which QGIS asks the server for with bbox — and writes
what it found as JSON. With SHOTS_DIR, also saves the pictures of the GIS guide: the connection
dialog filled in, and the trees and municipalities drawn by QGIS.
"""

import json
import os
import sys
from pathlib import Path

from qgis.core import (
    QgsApplication,
    QgsFeatureRequest,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsMarkerSymbol,
    QgsPalLayerSettings,
    QgsRectangle,
    QgsTextFormat,
    QgsVectorLayer,
    QgsVectorLayerSimpleLabeling,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

# The address the guide shows (the test server's port means nothing to a reader).
GUIDE_URL = "https://metropoli.example.org/ogc"


def layer(url: str, name: str) -> QgsVectorLayer:
    found = QgsVectorLayer(f"url='{url}' typename='{name}'", name, "OAPIF")
    if not found.isValid():
        raise SystemExit(f"QGIS could not open the {name} layer of {url}")
    return found


def connection_dialog(url: str, path: Path) -> None:
    from qgis.gui import QgsNewHttpConnection
    from qgis.PyQt.QtWidgets import QLineEdit

    dialog = QgsNewHttpConnection(
        None, QgsNewHttpConnection.ConnectionWfs, "qgis/connections-wfs/", ""
    )
    dialog.findChild(QLineEdit, "txtName").setText("Metrópoli")
    dialog.findChild(QLineEdit, "txtUrl").setText(GUIDE_URL)
    dialog.resize(640, 560)
    dialog.show()
    QgsApplication.processEvents()
    dialog.grab().save(str(path))
    dialog.close()


def style(trees: QgsVectorLayer, municipalities: QgsVectorLayer) -> None:
    trees.renderer().setSymbol(
        QgsMarkerSymbol.createSimple({"name": "circle", "color": "#2e7d32", "size": "2.6"})
    )
    municipalities.renderer().setSymbol(
        QgsMarkerSymbol.createSimple({"name": "square", "color": "#1565c0", "size": "2.2"})
    )
    labels = QgsPalLayerSettings()
    labels.fieldName = "name"
    labels.placement = QgsPalLayerSettings.OverPoint
    labels.yOffset = -3
    text = QgsTextFormat()
    text.setSize(9)
    labels.setFormat(text)
    municipalities.setLabeling(QgsVectorLayerSimpleLabeling(labels))
    municipalities.setLabelsEnabled(True)


def draw(layers: list[QgsVectorLayer], extent: QgsRectangle, path: Path) -> None:
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(layers[0].crs())
    settings.setBackgroundColor(QColor("white"))
    settings.setOutputSize(QSize(900, 600))
    settings.setExtent(extent)
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    job.renderedImage().save(str(path))


def main() -> None:
    url, box, out = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    shots = Path(sys.argv[4]) if len(sys.argv) > 4 else None
    app = QgsApplication([], shots is not None)
    app.initQgis()
    trees = layer(url, "trees")
    west, south, east, north = (float(v) for v in box.split(","))
    request = QgsFeatureRequest().setFilterRect(QgsRectangle(west, south, east, north))
    found = {
        "valid": trees.isValid(),
        "crs": trees.crs().authid(),
        "fields": [field.name() for field in trees.fields()],
        "feature_count": trees.featureCount(),
        "all_ids": sorted(f["id"] for f in trees.getFeatures()),
        "ids_in_box": sorted(f["id"] for f in trees.getFeatures(request)),
    }
    if shots is not None:
        shots.mkdir(parents=True, exist_ok=True)
        connection_dialog(url, shots / "qgis-connection.png")
        municipalities = layer(url, "municipalities")
        style(trees, municipalities)
        extent = QgsRectangle(trees.extent())
        extent.combineExtentWith(municipalities.extent())
        extent.grow(0.03)
        draw([trees, municipalities], extent, shots / "qgis-trees.png")  # first on top
    out.write_text(json.dumps(found))
    # QGIS 3.22 may crash while tearing down its GUI classes (exitQgis): everything is written,
    # so leave without the teardown.
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
