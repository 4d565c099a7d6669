"""The Django admin (platform administrators only) speaks Spanish: every name it shows of our
models and their fields is translatable and translated."""

from django.contrib import admin
from django.utils import translation
from django.utils.functional import Promise

# Words that are the same in both languages.
SAME_IN_SPANISH = {"sensor", "roles", "cultivar", "subtotal", "total", "id", "hash", "slug"}


def _untranslated(name) -> str | None:
    if not isinstance(name, Promise):
        return f"{name!r} is not translatable"
    with translation.override("en"):
        english = str(name)
    with translation.override("es-mx"):
        spanish = str(name)
    if english == spanish and english.lower() not in SAME_IN_SPANISH:
        return f"{english!r} has no Spanish"
    return None


def test_every_name_the_admin_shows_is_in_spanish():
    problems = []
    for model in admin.site._registry:
        if not model.__module__.startswith("metropoli."):
            continue
        label = f"{model._meta.app_label}.{model.__name__}"
        for attribute in ("verbose_name", "verbose_name_plural"):
            problem = _untranslated(getattr(model._meta, attribute))
            if problem:
                problems.append(f"{label} {attribute}: {problem}")
        for field in model._meta.get_fields():
            if field.auto_created and not field.concrete or field.name == "id":
                continue
            problem = _untranslated(getattr(field, "verbose_name", ""))
            if problem:
                problems.append(f"{label}.{field.name}: {problem}")
    assert problems == []
