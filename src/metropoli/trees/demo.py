"""Demo data of the tree module: the species catalogue and a few dozen Guadalajara trees.

The local AMG species always load (they are ours, in data/amg_species.csv). OpenTreeMap's
species list is read from ../shared/itree/otm_species.csv when that folder is present
(settings.TREES_SHARED_DIR); it is third-party data and stays outside the repository.
Demo trees are synthetic ([gen]): plausible species, sizes and places, not a real survey.
A dozen of them are captures by the demo citizen, each with a drawn photo, waiting for the
experts of Guadalajara and Zapopan in Treender.
"""

import io
import random

from django.conf import settings
from PIL import Image, ImageDraw

from metropoli.accounts.models import User
from metropoli.common.idempotency import Idempotency

from . import inventory, services, synthetic
from .models import Condition, Source, Tree

DEMO_TREES = 60
CITIZEN = "ciudadana@demo.metropoli.mx"
# (municipal seat to start from, species, DBH cm, condition): Guadalajara's go to its arborist,
# Zapopan's to its certified expert.
CAPTURES = [
    ("14039", "JAMI", "31", Condition.GOOD),
    ("14039", "FRUH", "24", Condition.FAIR),
    ("14039", "TADO2", "42", Condition.GOOD),
    ("14039", "FIBE", "55", Condition.POOR),
    ("14039", "DERE", "18", Condition.GOOD),
    ("14039", "SCMO", "37", Condition.FAIR),
    ("14120", "JAMI", "28", Condition.GOOD),
    ("14120", "AMG-TARO", "22", Condition.GOOD),
    ("14120", "FIMI2", "61", Condition.FAIR),
    ("14120", "PIDU", "35", Condition.GOOD),
    ("14120", "EUCA1", "48", Condition.POOR),
    ("14120", "WARO", "30", Condition.GOOD),
]


def load(stdout=None) -> None:
    otm_csv = settings.TREES_SHARED_DIR / "itree" / "otm_species.csv"
    created, _updated = inventory.load_species(otm_csv=otm_csv if otm_csv.is_file() else None)
    added = 0
    if not Tree.objects.filter(source=Source.SYNTHETIC).exists():
        added = synthetic.synthesize(count=DEMO_TREES, seed=2018)
    captured = _citizen_captures()
    if stdout is not None:
        stdout.write(
            f"trees: {created} species, {added} synthetic demo trees and {captured} citizen "
            "captures added"
        )


def _photo(rng: random.Random) -> bytes:
    """A drawn street tree (sky, trunk, crown): a stand-in for a phone photo."""
    image = Image.new("RGB", (640, 480), (186, 218, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 380, 640, 480), fill=(150, 150, 140))  # sidewalk
    x = rng.randint(260, 380)
    draw.rectangle((x - 14, 220, x + 14, 400), fill=(110, 78, 48))
    green = (rng.randint(40, 90), rng.randint(110, 160), rng.randint(40, 80))
    r = rng.randint(110, 150)
    draw.ellipse((x - r, 230 - r, x + r, 230 + r // 2), fill=green)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def _citizen_captures() -> int:
    """The demo citizen's captures, through the same service as the capture app (map points,
    eco-benefits, history); once."""
    citizen = User.objects.filter(email=CITIZEN).first()
    if citizen is None or Tree.objects.filter(recorded_by=citizen).exists():
        return 0
    from metropoli.territory.models import Municipality

    seats = {m.inegi_code: m.seat for m in Municipality.objects.filter(seat__isnull=False)}
    rng = random.Random(2024)
    added = 0
    for n, (code, species, dbh, condition) in enumerate(CAPTURES):
        seat = seats.get(code)
        if seat is None:
            continue
        registered = services.register_tree(
            lon=seat.x + rng.uniform(-0.012, 0.012),
            lat=seat.y + rng.uniform(-0.012, 0.012),
            recorded_by=citizen,
            species_code=species,
            dbh_cm=dbh,
            condition=condition,
            location_accuracy_m=rng.choice([4.0, 6.0, 9.0]),
            idempotency=Idempotency.for_user(citizen, f"demo-capture-{n}"),
        )
        services.add_photo(tree=registered.tree, data=_photo(rng), uploaded_by=citizen)
        added += 1
    return added
