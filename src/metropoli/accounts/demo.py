"""Demo data of the accounts: one person per role, in the AMG municipalities territory loaded."""

from django.db import transaction

from metropoli.territory.models import Municipality, Role
from metropoli.territory.services import assign_role

from .models import User

# Demo accounts only exist in the demo database; their password is printed by load_demo.
DEMO_PASSWORD = "metropoli-demo"  # noqa: S105
DEMO_PEOPLE = [
    ("admin@demo.metropoli.mx", "Administración", Role.PLATFORM_ADMIN, None),
    ("personal.gdl@demo.metropoli.mx", "Personal Guadalajara", Role.MUNICIPAL_STAFF, "14039"),
    ("arbolista.gdl@demo.metropoli.mx", "Arbolista Guadalajara", Role.ARBORIST, "14039"),
    ("experta.zap@demo.metropoli.mx", "Experta Zapopan", Role.CERTIFIED_EXPERT, "14120"),
    ("ciudadana@demo.metropoli.mx", "Ciudadana", Role.CITIZEN, "14039"),
]


@transaction.atomic
def load(stdout=None) -> None:
    people = 0
    for email, name, role, code in DEMO_PEOPLE:
        municipality = Municipality.objects.get(inegi_code=code) if code else None
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email,
                DEMO_PASSWORD,
                display_name=name,
                home_municipality=municipality,
                is_staff=role == Role.PLATFORM_ADMIN,
                is_superuser=role == Role.PLATFORM_ADMIN,
            )
            people += 1
        assign_role(user=user, role=role, municipality=municipality)
    if stdout is not None:
        stdout.write(f"accounts: {people} demo people created")
