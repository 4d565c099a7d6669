"""Demo consultation: shade and trees along the Mi Macro Periférico corridor (illustrative).

The corridor is a 400 m buffer around an approximate alignment of the Anillo Periférico traced
by hand from a handful of points; it is NOT the official route. The sample contributions are
invented and marked as demo data. Loading twice changes nothing.
"""

from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.contrib.gis.geos import LineString
from django.db import transaction
from django.utils import timezone

from metropoli.accounts.demo import DEMO_PEOPLE
from metropoli.accounts.models import User
from metropoli.territory.models import Role

from . import services
from .models import Contribution, FeedbackStatus, Proceeding, ProceedingTemplate

SLUG = "sombra-periferico"
# Approximate alignment, north-east → west → south (lon, lat). Illustrative only.
ALIGNMENT = [
    (-103.3060, 20.7380),
    (-103.3350, 20.7420),
    (-103.3700, 20.7400),
    (-103.4000, 20.7320),
    (-103.4280, 20.7120),
    (-103.4420, 20.6900),
    (-103.4400, 20.6600),
    (-103.4300, 20.6300),
    (-103.4000, 20.6100),
    (-103.3600, 20.6000),
    (-103.3300, 20.6050),
]
BUFFER_M = 400

TEMPLATE = {
    "name": "Consulta en corredor (4 fases)",
    "description": "Información, aportaciones en el mapa, evaluación y resultados.",
    "phases": [
        {"kind": "information", "days": 14},
        {"kind": "contributions", "days": 30, "allows_anonymous": True},
        {"kind": "evaluation", "days": 21, "allows_anonymous": True},
        {"kind": "results", "days": 60},
    ],
    "categories": [
        {
            "name": "Falta sombra",
            "icon": "shade",
            "colour": "#2e7d32",
            "description": "Tramos donde el sol pega sin protección.",
        },
        {
            "name": "Árbol a plantar",
            "icon": "tree",
            "colour": "#558b2f",
            "description": "Lugares con espacio para un árbol nuevo.",
        },
        {
            "name": "Parada sin protección",
            "icon": "bus",
            "colour": "#1565c0",
            "description": "Estaciones o paradas sin techo ni árboles.",
        },
        {
            "name": "Cruce peligroso",
            "icon": "warning",
            "colour": "#c62828",
            "description": "Cruces difíciles para llegar a la estación.",
        },
        {
            "name": "Agua y descanso",
            "icon": "water",
            "colour": "#00838f",
            "description": "Bebederos, bancas y lugares para descansar.",
        },
    ],
}

# (alignment index, offset lon, offset lat, category, type, text, kind)
SAMPLES = [
    (
        0,
        0.0010,
        -0.0005,
        "Falta sombra",
        "problem",
        (
            "En la estación de Barranca de Huentitán no hay "
            "ni un árbol; a mediodía la espera es insoportable."
        ),
        "point",
    ),
    (
        1,
        0.0000,
        -0.0008,
        "Parada sin protección",
        "problem",
        (
            "La parada junto al cruce con Calzada Independencia no tiene "
            "techo y el sol pega de frente por la tarde."
        ),
        "point",
    ),
    (
        1,
        0.0040,
        -0.0010,
        "Árbol a plantar",
        "proposal",
        "El camellón es ancho aquí; caben fresnos o jacarandas en toda la cuadra.",
        "line",
    ),
    (
        2,
        0.0000,
        0.0010,
        "Cruce peligroso",
        "problem",
        "Para cruzar a la estación hay que correr entre los carros; falta un semáforo peatonal.",
        "point",
    ),
    (
        2,
        -0.0030,
        0.0005,
        "Falta sombra",
        "problem",
        (
            "La banqueta hacia la estación está completamente "
            "expuesta al sol, sin árboles en 300 metros."
        ),
        "line",
    ),
    (
        3,
        0.0005,
        0.0005,
        "Agua y descanso",
        "proposal",
        "Un bebedero en la estación ayudaría mucho en temporada de calor.",
        "point",
    ),
    (
        3,
        -0.0010,
        -0.0010,
        "Árbol a plantar",
        "proposal",
        (
            "Hay un terreno baldío municipal que podría ser "
            "un pequeño bosque urbano con sombra para la parada."
        ),
        "area",
    ),
    (
        4,
        0.0008,
        0.0000,
        "Parada sin protección",
        "question",
        "¿Se van a poner techos verdes o pérgolas en las estaciones del tramo Zapopan?",
        "point",
    ),
    (
        5,
        -0.0010,
        0.0010,
        "Falta sombra",
        "problem",
        "Los árboles que había se secaron después de la obra y nadie los repuso.",
        "point",
    ),
    (
        5,
        0.0010,
        -0.0020,
        "Cruce peligroso",
        "problem",
        "Los puentes peatonales están lejos; la gente cruza por abajo sin sombra ni protección.",
        "line",
    ),
    (
        6,
        0.0000,
        0.0000,
        "Árbol a plantar",
        "proposal",
        (
            "Proponemos una fila de árboles nativos (primaveras, "
            "rosa morada) a lo largo de la ciclovía."
        ),
        "line",
    ),
    (
        6,
        0.0012,
        0.0008,
        "Agua y descanso",
        "praise",
        "Las bancas nuevas en esta estación están muy bien, solo falta sombra sobre ellas.",
        "point",
    ),
    (
        7,
        -0.0005,
        0.0006,
        "Falta sombra",
        "problem",
        (
            "La caminata desde la colonia hasta la estación es "
            "larga y no hay ningún árbol en el trayecto."
        ),
        "point",
    ),
    (
        7,
        0.0015,
        -0.0005,
        "Parada sin protección",
        "problem",
        "Las personas mayores esperan de pie al sol; se necesitan techos y asientos.",
        "point",
    ),
    (
        8,
        0.0000,
        0.0008,
        "Árbol a plantar",
        "proposal",
        "La glorieta tiene mucho espacio con pasto seco: mejor árboles que den sombra.",
        "area",
    ),
    (
        8,
        -0.0020,
        -0.0004,
        "Cruce peligroso",
        "problem",
        (
            "Los autos dan vuelta sin fijarse en quienes van "
            "a la estación; faltan rampas y sombra en la esquina."
        ),
        "point",
    ),
    (
        9,
        0.0005,
        0.0005,
        "Agua y descanso",
        "proposal",
        (
            "Un módulo con bebedero y sombra cerca "
            "de la escuela beneficiaría a cientos de estudiantes."
        ),
        "point",
    ),
    (
        9,
        -0.0015,
        0.0009,
        "Falta sombra",
        "problem",
        "Frente al mercado hay mucho paso de gente y no hay sombra ni árboles.",
        "point",
    ),
    (
        10,
        0.0000,
        0.0007,
        "Parada sin protección",
        "problem",
        "La estación final se inunda y no tiene techo suficiente para la lluvia ni para el sol.",
        "point",
    ),
    (
        10,
        -0.0030,
        0.0002,
        "Árbol a plantar",
        "praise",
        (
            "Los árboles que plantaron los vecinos en esta "
            "cuadra crecen bien; hay que cuidarlos y extenderlos."
        ),
        "line",
    ),
]


def corridor():
    line = LineString(ALIGNMENT, srid=4326)
    metric = line.transform(32613, clone=True)  # UTM 13N: metres for the buffer
    area = metric.buffer(BUFFER_M, quadsegs=4)
    area.srid = 32613
    return area.transform(4326, clone=True)


def _geometry(index, dx, dy, kind):
    lon, lat = ALIGNMENT[index]
    lon, lat = lon + dx, lat + dy
    if kind == "point":
        return {"type": "Point", "coordinates": [lon, lat]}
    if kind == "line":
        return {
            "type": "LineString",
            "coordinates": [[lon - 0.0012, lat], [lon + 0.0012, lat + 0.0004]],
        }
    d = 0.0006
    return {
        "type": "Polygon",
        "coordinates": [
            [
                [lon - d, lat - d],
                [lon + d, lat - d],
                [lon + d, lat + d],
                [lon - d, lat + d],
                [lon - d, lat - d],
            ]
        ],
    }


def _name_demo_moderators(proceeding: Proceeding) -> None:
    """The demo's municipal staff moderate the metropolitan demo consultation (decision 0076)."""
    staff = [email for email, _name, role, _code in DEMO_PEOPLE if role == Role.MUNICIPAL_STAFF]
    proceeding.moderators.add(*User.objects.filter(email__in=staff))


@transaction.atomic
def load(stdout=None) -> None:
    existing = Proceeding.objects.filter(slug=SLUG).first()
    if existing is not None:
        _name_demo_moderators(existing)
        return
    template, _ = ProceedingTemplate.objects.get_or_create(name=TEMPLATE["name"], defaults=TEMPLATE)
    now = timezone.now()
    proceeding = services.create_proceeding(
        title="Sombra y árboles en el corredor Mi Macro Periférico",
        slug=SLUG,
        description=(
            "¿Dónde hace falta sombra para llegar a las estaciones de Mi Macro Periférico? "
            "Marque en el mapa los tramos sin árboles, las paradas sin protección, los cruces "
            "peligrosos y los lugares donde se podría plantar. Las aportaciones alimentan el "
            "programa metropolitano de arbolado del corredor."
        ),
        area=corridor(),
        municipality=None,
        template=template,
        start=now - timedelta(days=14),
        area_note=(
            "Área ilustrativa: franja de 400 m alrededor de un trazo aproximado del Anillo "
            "Periférico, no el trazo oficial."
        ),
        is_demo=True,
    )
    categories = {c.name: c for c in proceeding.categories.all()}
    anonymous = AnonymousUser()
    for number, (index, dx, dy, category, kind_of, text, shape) in enumerate(SAMPLES):
        contribution, _created = services.submit_contribution(
            proceeding=proceeding,
            actor=anonymous,
            category_id=categories[category].pk,
            type=kind_of,
            text=text,
            geometry=_geometry(index, dx, dy, shape),
            is_demo=True,
        )
        # Spread over the days the contributions phase has been open, for the statistics.
        Contribution.objects.filter(pk=contribution.pk).update(
            created_at=now - timedelta(days=(number * 7) % 13, hours=number)
        )
    answered = Contribution.objects.filter(proceeding=proceeding).order_by("pk").first()
    answered.feedback_status = FeedbackStatus.UNDER_REVIEW
    answered.save(update_fields=["feedback_status"])
    _name_demo_moderators(proceeding)
    if stdout:
        stdout.write(
            f"Participa: demo consultation “{proceeding.title}” with {len(SAMPLES)} contributions."
        )
