"""Demo data: default settings for every municipality and stored benefits for the demo trees."""

from metropoli.territory.models import Municipality

from . import data, results
from .models import BenefitSettings


def load(stdout=None) -> None:
    if not data.data_installed():
        if stdout is not None:
            stdout.write("benefits: i-Tree tables not installed; skipped.\n")
        return
    for municipality in Municipality.objects.filter(active=True):
        if not BenefitSettings.objects.filter(municipality=municipality).exists():
            results.default_settings(municipality).save()
    result = results.recompute_all()
    if stdout is not None:
        stdout.write(f"benefits: {result.computed} of {result.trees} trees computed.\n")
