"""`metropoli load_demo`: load the AMG demo data of every module, once (idempotent).

The demo creates accounts whose password is public, so it refuses production settings and a
database holding data it did not create, unless `--force`. A database the demo was loaded into
before (its administrator account exists) stays a demo database: `make run` tops it up even after
someone signed up in it.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from metropoli.accounts.demo import DEMO_PASSWORD, DEMO_PEOPLE
from metropoli.territory.models import Role

DEMO_EMAIL_DOMAIN = "@demo.metropoli.mx"


def foreign_data() -> dict[str, int]:
    """Rows the demo did not create: accounts outside its domain, trees that are neither
    synthetic nor recorded by a demo account, contributions not marked as demo."""
    demo_people = Q(email__iendswith=DEMO_EMAIL_DOMAIN)
    tree = apps.get_model("trees", "Tree")
    contribution = apps.get_model("participation", "Contribution")
    counts = {
        "accounts": get_user_model().objects.exclude(demo_people).count(),
        "trees": tree.objects.exclude(source="synthetic")
        .exclude(recorded_by__email__iendswith=DEMO_EMAIL_DOMAIN)
        .count(),
        "contributions": contribution.objects.filter(is_demo=False).count(),
    }
    return {name: count for name, count in counts.items() if count}


def refusal() -> str:
    """Why the demo must not be loaded here ("" when it may)."""
    if getattr(settings, "METROPOLI_PRODUCTION", False):
        return (
            f"These are production settings ({settings.SETTINGS_MODULE}). The demo creates "
            f"accounts whose password («{DEMO_PASSWORD}») is public. Load it with the demo's "
            "settings into a database of its own, or add --force if you really mean it."
        )
    admins = [email for email, _name, role, _code in DEMO_PEOPLE if role == Role.PLATFORM_ADMIN]
    if get_user_model().objects.filter(email__in=admins).exists():
        return ""  # already a demo database
    found = foreign_data()
    if found:
        listed = ", ".join(f"{count} {name}" for name, count in found.items())
        return (
            f"This database holds data the demo did not create ({listed}). The demo adds "
            f"accounts whose password («{DEMO_PASSWORD}») is public. Load it into an empty "
            "database, or add --force if you really mean it."
        )
    return ""


class Command(BaseCommand):
    help = (
        "Load the Guadalajara Metropolitan Area demo data (safe to run again). Refuses "
        "production settings and a database with data the demo did not create, unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even with production settings or into a database with other data.",
        )

    def handle(self, *args, **options):
        if not options["force"]:
            reason = refusal()
            if reason:
                raise CommandError(reason)
        # Each module with a `demo` module loads its own data, in INSTALLED_APPS order
        # (territory first, so later modules find the municipalities; then accounts, its people).
        for config in apps.get_app_configs():
            if not config.name.startswith("metropoli."):
                continue
            module_name = f"{config.name}.demo"
            if find_spec(module_name) is None:
                continue
            import_module(module_name).load(stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Demo accounts (password “{DEMO_PASSWORD}”):")
        )
        for email, _name, role, code in DEMO_PEOPLE:
            self.stdout.write(f"  {email}  {role}{' · ' + code if code else ''}")
