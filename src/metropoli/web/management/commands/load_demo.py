"""`metropoli load_demo`: load the AMG demo data of every module, once (idempotent)."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand

from metropoli.territory.demo import DEMO_PASSWORD, DEMO_PEOPLE


class Command(BaseCommand):
    help = "Load the Guadalajara Metropolitan Area demo data (safe to run again)."

    def handle(self, *args, **options):
        # Each module with a `demo` module loads its own data, in INSTALLED_APPS order
        # (territory first, so later modules find the municipalities).
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
