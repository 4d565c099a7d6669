"""Records of the cooperation demo besides the projects: the organisations, the networks and
awards of IMEPLAN's 2018–2021 report, the historical opportunities and three upcoming examples.
Loaded by demo.py; assumptions are named in words in each record (see demo.py)."""

from datetime import date, timedelta
from decimal import Decimal

ORGS = {
    "IMEPLAN": ("IMEPLAN", "Metropolitan Planning Institute (IMEPLAN)", "", "11", "MX"),
    "EU": ("Unión Europea – EUROCLIMA+", "European Union – EUROCLIMA+", "", "40", ""),
    "GIZ": ("GIZ", "Deutsche Gesellschaft für Internationale Zusammenarbeit", "", "10", "DE"),
    "C40CFF": ("C40 Cities Finance Facility", "", "", "21", ""),
    "C40": ("C40 Cities", "", "", "21", ""),
    "SETRAN": ("Secretaría de Transporte de Jalisco (SETRAN)", "", "", "11", "MX"),
    "UKPF": (
        "Embajada Británica – Prosperity Fund (Future Cities)",
        "British Embassy – Prosperity Fund (Future Cities)",
        "",
        "10",
        "GB",
    ),
    "IUC": (
        "UE – International Urban Cooperation (IUC)",
        "EU International Urban Cooperation",
        "",
        "40",
        "",
    ),
    "HAMBURG": (
        "Ciudad Libre y Hanseática de Hamburgo",
        "Free and Hanseatic City of Hamburg",
        "",
        "11",
        "DE",
    ),
    "GDL": ("Gobierno de Guadalajara", "City of Guadalajara", "", "11", "MX"),
    "ZAP": ("Gobierno de Zapopan", "City of Zapopan", "", "11", "MX"),
    "AMEXCID": (
        "AMEXCID",
        "Mexican Agency for International Development Cooperation",
        "",
        "10",
        "MX",
    ),
    # [gen] IATI identifiers from OECD DAC channel codes.
    "UNHCR": ("ACNUR", "UNHCR", "XM-DAC-41121", "40", ""),
    "IOM": ("OIM", "International Organization for Migration", "XM-DAC-47066", "40", ""),
    "ISCN": ("International Smart Cities Network", "", "", "21", ""),
    "BMI": (
        "Ministerio Federal del Interior, Construcción y Comunidad de Alemania",
        "German Federal Ministry of the Interior, Building and Community",
        "",
        "10",
        "DE",
    ),
    "ABURRA": (
        "Área Metropolitana del Valle de Aburrá",
        "Aburrá Valley Metropolitan Area",
        "",
        "11",
        "CO",
    ),
    "AMB": ("Área Metropolitana de Barcelona", "Barcelona Metropolitan Area", "", "11", "ES"),
    "MOVIDELNOR": ("Movidelnor (Ibarra)", "Movidelnor (Ibarra, Ecuador)", "", "11", "EC"),
}


NETWORKS = [
    ("METROPOLIS", "Guadalajara", 1987, ""),
    ("Resilient Cities Network (R-Cities)", "Guadalajara", 2016, ""),
    ("C40 Cities", "Guadalajara", 2018, "junio de 2018"),
    (
        "Pacto Global de Alcaldes por el Clima y la Energía (GCoM)",
        "IMEPLAN",
        2018,
        "facilitador nacional desde agosto de 2018",
    ),
    ("WRI Cities4Forests", "Área Metropolitana de Guadalajara", 2018, ""),
    (
        "WWF Alianza para la Acción Climática (ACA-GDL)",
        "Área Metropolitana de Guadalajara",
        2018,
        "",
    ),
    (
        "Lincoln Institute – red de altos funcionarios de planeación",
        "IMEPLAN",
        2019,
        "sede de la 3.ª reunión, 11–13 de marzo de 2020",
    ),
    ("CGLU – Comunidad de Innovación Urbana", "IMEPLAN", 2020, ""),
]

AWARDS = [
    (
        "WWF One Planet City Challenge",
        2018,
        "won",
        "Ganador nacional entre 12 ciudades",
        "",
        None,
        None,
    ),
    (
        "Guangzhou Award for Urban Innovation",
        2018,
        "won",
        "Premio en efectivo",
        "MXN",
        Decimal("361000"),
        None,
    ),
    (
        "#SolutionsForCities",
        2020,
        "won",
        "Categoría «Best Digital Solution for Vibrant Urban & Local Centres» (diciembre de 2020)",
        "",
        None,
        "MI-MERCADO",
    ),
    (
        "One Tree Planted (donación a Tonalá)",
        2020,
        "won",
        "Donación; el año es un supuesto de la demostración",
        "USD",
        Decimal("1000"),
        None,
    ),
]


def historical_opportunities():
    return [
        (
            "call",
            "C40 Cities Finance Facility",
            "C40",
            date(2018, 4, 30),
            "won",
            "PERIBUS",
            "Movilidad eléctrica. El día es un supuesto de la demostración.",
        ),
        (
            "call",
            "Prosperity Fund – Future Cities",
            "Embajada Británica",
            date(2018, 9, 1),
            "won",
            "PARABUSES",
            "Movilidad e inclusión. El día es un supuesto de la demostración.",
        ),
        (
            "call",
            "UE Local Authorities: Partnerships for Sustainable Cities 2020",
            "Unión Europea",
            date(2020, 6, 30),
            "submitted",
            "C2C-BARCELONA",
            "Con el Área Metropolitana de Barcelona. Fecha y estado: supuestos de la demostración.",
        ),
        (
            "call",
            "UE Local Authorities: Partnerships for Sustainable Cities 2021",
            "Unión Europea",
            date(2021, 6, 30),
            "submitted",
            "C2C-BARCELONA",
            "Con el Área Metropolitana de Barcelona. Fecha y estado: supuestos de la demostración.",
        ),
        (
            "award",
            "#SolutionsForCities 2020",
            "International Smart Cities Network",
            date(2020, 10, 31),
            "won",
            "MI-MERCADO",
            "Mercados digitales. La fecha límite es un supuesto de la demostración.",
        ),
        (
            "event",
            "3.ª reunión de la red de altos funcionarios de planeación (Lincoln Institute)",
            "Lincoln Institute of Land Policy",
            date(2020, 3, 11),
            "won",
            None,
            "IMEPLAN fue sede, 11–13 de marzo de 2020",
        ),
    ]


def example_opportunities(today: date):
    # [demo] upcoming examples so the calendar and the reminders have something to show.
    return [
        (
            "call",
            "Convocatoria de ejemplo: movilidad de bajas emisiones",
            "Fondo de ejemplo",
            today + timedelta(days=6),
            "preparing",
            "Movilidad y clima",
        ),
        (
            "event",
            "Foro de ejemplo sobre ciudades metropolitanas",
            "Red de ejemplo",
            today + timedelta(days=20),
            "identified",
            "Gobernanza metropolitana",
        ),
        (
            "award",
            "Premio de ejemplo a la innovación urbana",
            "Premio de ejemplo",
            today + timedelta(days=45),
            "identified",
            "Innovación y datos abiertos",
        ),
    ]
