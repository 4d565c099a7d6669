"""Demo data of Mi Mercado: real AMG markets, illustrative stalls, products and prices.

Market names, addresses and municipalities come from public sources (the project's shared facts
file); coordinates marked "aproximada" are general knowledge. Stalls, prices (MXN) and
selection-matrix values are illustrative and say so on screen. Idempotent: running it twice
changes nothing.
"""

from decimal import Decimal

from django.contrib.gis.geos import LineString, Point
from django.db import transaction
from django.utils import timezone

from metropoli.accounts.models import User
from metropoli.territory.models import Municipality
from metropoli.territory.services import ensure_amg_municipalities

from .models import (
    Courier,
    CourierKind,
    CourierStatus,
    Market,
    MarketStaff,
    Product,
    ProductPrice,
    SelectionCandidate,
    SelectionCriterion,
    SelectionScore,
    Stall,
    StallMember,
)

DEMO_PASSWORD = "metropoli-demo"  # noqa: S105 - demo database only
BANDS = [
    {"max_km": "2", "fee": "25.00"},
    {"max_km": "5", "fee": "45.00"},
    {"max_km": "8", "fee": "65.00"},
]
SLOTS = ["09:00-11:00", "11:00-13:00", "13:00-15:00", "15:00-17:00"]
# Pickup orders a market office can hand over per slot (illustrative).
PICKUP_CAPACITY = 12
ILLUSTRATIVE = "Puestos, precios y existencias de demostración (ilustrativos)."

# slug, name, municipality, address, (lat, lon), approximate location, hours
MARKETS = [
    ("libertad", "Mercado Libertad (San Juan de Dios)", "14039",
     "Calzada Independencia Sur y Av. Javier Mina, Centro Histórico, Guadalajara",
     (20.674, -103.339), False, "Lunes a domingo 7:00-19:00"),
    ("corona", "Mercado Corona", "14039",
     "Av. Hidalgo, Santa Mónica y Zaragoza, Centro, Guadalajara",
     (20.678, -103.346), False, "Lunes a domingo 7:00-20:00"),
    ("alcalde", "Mercado Alcalde", "14039", "Calle Pino Suárez 391, Guadalajara",
     (20.6857, -103.3463), True, "Lunes a sábado 7:00-18:00"),
    ("santa-tere", "Mercado de Santa Tere", "14039", "Calle Andrés Terán 523, Guadalajara",
     (20.6822, -103.3695), True, "Lunes a domingo 7:00-18:00"),
    ("mezquitan", "Mercado de Mezquitán", "14039", "Calle Mezquitán 901, Guadalajara",
     (20.6905, -103.3527), True, "Lunes a domingo 7:00-17:00"),
    ("del-mar", "Mercado del Mar", "14120", "Zapopan (65 locatarios de pescados y mariscos)",
     (20.7056, -103.3916), True, "Lunes a domingo 7:00-16:00"),
    ("juarez-tlaquepaque", "Mercado Juárez", "14098", "Centro, San Pedro Tlaquepaque",
     (20.6405, -103.3112), True, "Lunes a domingo 7:00-18:00"),
]  # fmt: skip

# market slug -> [(stall, number, giro, [(product, category, unit, step, price, stock)])]
STALLS = {
    "libertad": [
        ("Frutas y Verduras Doña Lupe", "214", "Frutas y verduras", [
            ("Jitomate saladet", "produce", "kg", "0.25", "28.00", "40"),
            ("Aguacate Hass", "produce", "kg", "0.25", "65.00", "25"),
            ("Cebolla blanca", "produce", "kg", "0.25", "24.00", "30"),
            ("Cilantro", "produce", "bunch", "1", "8.00", "40"),
            ("Limón con semilla", "produce", "kg", "0.5", "32.00", "35"),
            ("Mango ataulfo", "produce", "kg", "0.5", "45.00", "20"),
        ]),
        ("Carnicería El Güero", "87", "Carnes de res y cerdo", [
            ("Bistec de res", "meat", "kg", "0.25", "210.00", "15"),
            ("Carne molida de res", "meat", "kg", "0.25", "180.00", "12"),
            ("Chuleta de cerdo", "meat", "kg", "0.25", "140.00", "10"),
        ]),
        ("Cremería Los Altos", "305", "Quesos y cremas", [
            ("Queso panela", "dairy", "kg", "0.25", "150.00", "8"),
            ("Crema de rancho", "dairy", "litre", "0.5", "90.00", "10"),
            ("Queso Oaxaca", "dairy", "kg", "0.25", "170.00", "6"),
        ]),
        ("Tortillería La Tapatía", "12", "Tortillas y birote", [
            ("Tortilla de maíz", "bakery", "kg", "0.5", "24.00", "60"),
            ("Birote salado", "bakery", "piece", "1", "5.00", "120"),
        ]),
    ],
    "corona": [
        ("Pollería Corona", "33", "Pollo", [
            ("Pechuga de pollo", "poultry", "kg", "0.25", "135.00", "18"),
            ("Pierna y muslo", "poultry", "kg", "0.25", "75.00", "20"),
        ]),
        ("Flores Santa Mónica", "8", "Flores", [
            ("Ramo de rosas", "flowers", "bunch", "1", "150.00", "15"),
            ("Nube (manojo)", "flowers", "bunch", "1", "60.00", "20"),
        ]),
    ],
    "del-mar": [
        ("Pescados y Mariscos Chapala", "5", "Pescados y mariscos", [
            ("Atún fresco", "seafood", "kg", "0.25", "130.00", "12"),
            ("Camarón mediano", "seafood", "kg", "0.25", "260.00", "10"),
            ("Filete de tilapia", "seafood", "kg", "0.25", "120.00", "15"),
        ]),
    ],
    "santa-tere": [
        ("Abarrotes Santa Tere", "41", "Abarrotes", [
            ("Frijol peruano", "grocery", "kg", "0.5", "42.00", "30"),
            ("Arroz", "grocery", "kg", "0.5", "30.00", "30"),
        ]),
    ],
    "juarez-tlaquepaque": [
        ("Verdulería Tlaquepaque", "17", "Frutas y verduras", [
            ("Papa blanca", "produce", "kg", "0.5", "30.00", "30"),
            ("Chile serrano", "produce", "kg", "0.25", "40.00", "10"),
        ]),
    ],
}  # fmt: skip

PEOPLE = [
    # email, display name, kind, market slug, stall name
    ("locataria.libertad@demo.metropoli.mx", "Lupe (locataria)", "stall", "libertad",
     "Frutas y Verduras Doña Lupe"),
    ("carniceria.libertad@demo.metropoli.mx", "El Güero (locatario)", "stall", "libertad",
     "Carnicería El Güero"),
    ("administracion.libertad@demo.metropoli.mx", "Administración Libertad", "staff",
     "libertad", None),
    ("repartidor@demo.metropoli.mx", "Repartidor independiente", "courier", "libertad", None),
    ("ruta@demo.metropoli.mx", "Operador de ruta", "transit", "libertad", None),
]  # fmt: skip

# Route along Calzada Independencia (approximate), passing the Mercado Libertad.
DEMO_ROUTE = [(-103.3395, 20.6600), (-103.3392, 20.6745), (-103.3390, 20.6900)]

# key, name, weight, direction, unit
CRITERIA = [
    ("connectivity", "Conectividad (internet móvil)", "20", "benefit", "puntos 0-10"),
    ("smartphones", "Locatarios con teléfono inteligente", "20", "benefit", "%"),
    ("occupancy", "Ocupación de locales", "15", "benefit", "%"),
    ("foot_traffic", "Afluencia de compradores", "15", "benefit", "miles/semana"),
    ("coverage", "Cobertura de entrega (colonias a 5 km)", "15", "benefit", "colonias"),
    ("infrastructure", "Infraestructura (luz, agua, carga)", "10", "benefit", "puntos 0-10"),
    ("closed_stalls", "Locales cerrados", "5", "cost", "%"),
]
# candidate, market slug or None, municipality, values in CRITERIA order (illustrative except
# the Francisco Villa occupancy: 12 of 120 stalls open).
CANDIDATES = [
    ("Mercado Libertad (San Juan de Dios)", "libertad", "14039", [8, 55, 80, 60, 40, 7, 20]),
    ("Mercado Corona", "corona", "14039", [8, 60, 75, 35, 38, 8, 25]),
    ("Mercado Alcalde", "alcalde", "14039", [7, 50, 70, 15, 30, 6, 30]),
    ("Mercado de Santa Tere", "santa-tere", "14039", [7, 65, 85, 20, 32, 7, 15]),
    ("Mercado de Mezquitán", "mezquitan", "14039", [6, 45, 65, 12, 28, 5, 35]),
    ("Mercado Francisco Villa", None, "14039", [5, 35, 10, 3, 25, 4, 90]),
    ("Mercado Juan N. Cumplido", None, "14039", [6, 40, 18, 4, 26, 4, 82]),
    ("Mercado del Mar", "del-mar", "14120", [7, 70, 90, 18, 30, 8, 10]),
    ("Mercado Juárez", "juarez-tlaquepaque", "14098", [6, 50, 70, 14, 22, 6, 30]),
]


def _person(email: str, name: str, municipality: Municipality) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email, DEMO_PASSWORD, display_name=name, home_municipality=municipality
        )
    return user


@transaction.atomic
def load(stdout=None) -> None:
    ensure_amg_municipalities()
    municipalities = {m.inegi_code: m for m in Municipality.objects.all()}
    markets = {}
    created = {"markets": 0, "products": 0}
    for slug, name, code, address, (lat, lon), approximate, hours in MARKETS:
        market, new = Market.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "municipality": municipalities[code],
                "address": address,
                "location": Point(lon, lat, srid=4326),
                "opening_hours": hours,
                "description": ("Ubicación aproximada. " if approximate else "") + ILLUSTRATIVE,
                "delivery_fee_bands": BANDS,
                "pickup_slots": SLOTS,
                # «Lunes a sábado»: closed on Sundays (6).
                "open_weekdays": [0, 1, 2, 3, 4, 5] if "sábado" in hours else list(range(7)),
                "pickup_slot_capacity": PICKUP_CAPACITY,
            },
        )
        markets[slug] = market
        created["markets"] += new
    now = timezone.now()
    for slug, stalls in STALLS.items():
        for stall_name, number, giro, products in stalls:
            stall, _new = Stall.objects.get_or_create(
                market=markets[slug],
                name=stall_name,
                defaults={"number": number, "giro": giro, "phone": "33 3600 0000"},
            )
            for name, category, unit, step, price, stock in products:
                product, new = Product.objects.get_or_create(
                    stall=stall,
                    name=name,
                    defaults={
                        "category": category,
                        "unit": unit,
                        "step": Decimal(step),
                        "stock": Decimal(stock),
                    },
                )
                if new:
                    ProductPrice.objects.create(
                        product=product, price=Decimal(price), valid_from=now
                    )
                    created["products"] += 1
    for email, name, kind, slug, stall_name in PEOPLE:
        market = markets[slug]
        user = _person(email, name, market.municipality)
        if kind == "stall":
            StallMember.objects.get_or_create(
                stall=Stall.objects.get(market=market, name=stall_name), user=user
            )
        elif kind == "staff":
            MarketStaff.objects.get_or_create(market=market, user=user)
        else:
            transit = kind == "transit"
            Courier.objects.get_or_create(
                user=user,
                market=market,
                defaults={
                    "kind": CourierKind.PUBLIC_TRANSPORT if transit else CourierKind.INDEPENDENT,
                    "organisation": "Ruta demostración (Calzada Independencia)" if transit else "",
                    "phone": "33 1234 5678",
                    "route": LineString(DEMO_ROUTE, srid=4326) if transit else None,
                    "route_buffer_m": 600,
                    "status": CourierStatus.APPROVED,
                },
            )
    criteria = {}
    for key, name, weight, direction, unit in CRITERIA:
        criteria[key], _new = SelectionCriterion.objects.get_or_create(
            key=key,
            defaults={
                "name": name,
                "weight": Decimal(weight),
                "direction": direction,
                "unit": unit,
                "illustrative": True,
            },
        )
    for name, slug, code, values in CANDIDATES:
        candidate, new = SelectionCandidate.objects.get_or_create(
            name=name,
            defaults={"market": markets.get(slug), "municipality": municipalities[code]},
        )
        if new:
            SelectionScore.objects.bulk_create(
                SelectionScore(candidate=candidate, criterion=criteria[key], value=Decimal(value))
                for (key, *_rest), value in zip(CRITERIA, values, strict=True)
            )
    if stdout is not None:
        stdout.write(
            f"markets: {created['markets']} markets and {created['products']} products created; "
            f"market people (password {DEMO_PASSWORD}):"
        )
        for email, _name, kind, slug, stall_name in PEOPLE:
            stdout.write(f"  {email}  {kind} · {slug}{f' · {stall_name}' if stall_name else ''}")
