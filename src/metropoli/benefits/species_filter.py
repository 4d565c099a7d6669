"""The summary's species filter in words: people type common or scientific names (or pick them
from the suggestions, or still type codes), and the tree filters get species codes.

Each comma-separated term is, in this order: a species code; a name equal to a species' label,
scientific name or a common or local name; or a part of such names (every species that has it).
Case and accents are ignored. "unknown" (or "especie desconocida") means trees without species.
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from metropoli.trees.models import Species, Tree

UNKNOWN = "unknown"


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


def _names(species: Species) -> list[str]:
    names = [str(species), species.scientific_name, species.common_name_es, species.common_name_en]
    names += species.other_names_es.split(";")
    return [_plain(n) for n in names if n and n.strip()]


def species_with_trees() -> QuerySet[Species]:
    """The species the inventory has trees of: the suggestions of the filter."""
    return Species.objects.filter(
        pk__in=Tree.objects.filter(species__isnull=False).values("species_id")
    ).order_by("common_name_es", "scientific_name")


def resolve(text: str) -> str:
    """The species codes (comma-separated) of what was typed; ValidationError (translated)
    naming the terms no species matches."""
    terms = [t.strip() for t in (text or "").split(",") if t.strip()]
    if not terms:
        return ""
    catalogue = list(Species.objects.all())
    unknown_words = {UNKNOWN, _plain(_("Unknown species")), "especie desconocida"}
    codes: list[str] = []
    missing = []
    for term in terms:
        plain = _plain(term)
        if plain in unknown_words:
            found = [UNKNOWN]
        else:
            found = [s.code for s in catalogue if _plain(s.code) == plain]
            found = found or [s.code for s in catalogue if plain in _names(s)]
            found = found or [s.code for s in catalogue if any(plain in n for n in _names(s))]
        if not found:
            missing.append(term)
        codes += [code for code in found if code not in codes]
    if missing:
        raise ValidationError(
            _("No species is called “%(names)s”. Type part of a common or scientific name.")
            % {"names": "”, “".join(missing)}
        )
    return ",".join(codes)
