"""Test helpers: species and trees made through the services (as the app makes them)."""

import io

import factory
from PIL import Image

from metropoli.trees import services
from metropoli.trees.models import Species

# Points near the municipal seats (without official boundaries the nearest seat decides).
GDL = (-103.3475, 20.6767)
ZAP = (-103.3918, 20.7214)


class SpeciesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Species
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"SP{n}")
    scientific_name = factory.Sequence(lambda n: f"Arbor specie{n}")
    common_name_es = factory.Sequence(lambda n: f"Árbol {n}")


def jacaranda() -> Species:
    return SpeciesFactory(
        code="JAMI",
        scientific_name="Jacaranda mimosifolia",
        genus="Jacaranda",
        species="mimosifolia",
        common_name_es="Jacaranda",
        is_local=True,
    )


def fresno() -> Species:
    return SpeciesFactory(
        code="FRUH",
        scientific_name="Fraxinus uhdei",
        genus="Fraxinus",
        species="uhdei",
        common_name_es="Fresno",
        is_local=True,
    )


def make_tree(user=None, *, at=GDL, species_code="JAMI", dbh_cm=30, **values):
    if species_code == "JAMI":
        jacaranda()
    elif species_code == "FRUH":
        fresno()
    return services.register_tree(
        lon=at[0], lat=at[1], recorded_by=user, species_code=species_code, dbh_cm=dbh_cm, **values
    ).tree


def image_bytes(fmt="JPEG", size=(64, 48), exif=None) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, (30, 120, 40))
    if exif is not None:
        image.save(out, format=fmt, exif=exif)
    else:
        image.save(out, format=fmt)
    return out.getvalue()
