"""Demo data of the territory: the nine AMG municipalities (their people: accounts/demo.py)."""

from .services import ensure_amg_municipalities


def load(stdout=None) -> None:
    created = ensure_amg_municipalities()
    if stdout is not None:
        stdout.write(f"territory: {created} municipalities created")
