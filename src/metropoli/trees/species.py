"""The species catalogue's writes: kept in the product by who looks after trees
(trees.change_species), not in the Django admin (decision 0107)."""

import difflib
import re
import unicodedata
from collections.abc import Callable, Collection, Mapping
from typing import Any

from django.db import connection, transaction
from django.utils.text import capfirst

from metropoli.common import stale
from metropoli.common.api import require
from metropoli.common.errors import DomainError
from metropoli.common.history import (
    ChangeAction,
    record_change,
)
from metropoli.common.i18n import gettext_noop

from . import signals
from .errors import SpeciesErrorCode, TreeErrorCode
from .models import (
    Species,
    Tree,
)

# --- the species catalogue -------------------------------------------------------------------
# Kept in the product by who looks after trees (trees.change_species), not in the Django admin;
# decision docs/decisions/0107-species-catalogue-in-the-product.md.

SPECIES_FIELDS = (
    "code",
    "scientific_name",
    "genus",
    "species",
    "cultivar",
    "common_name_es",
    "other_names_es",
    "common_name_en",
    "itree_code",
    "is_local",
)
SPECIES_EDITABLE = frozenset(SPECIES_FIELDS) - {"code"}
SPECIES_TEXT_FIELDS = tuple(name for name in SPECIES_EDITABLE if name != "is_local")
SPECIES_EDITED_MEANWHILE = gettext_noop(
    "Someone else corrected this species while you were editing it. The form now shows it as "
    "it is: make your change again."
)
SPECIES_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]*$")
# Codes we make ourselves start like those of the local species OpenTreeMap lacks (AMG-TARO).
OWN_CODE_PREFIX = "AMG-"
HYBRID_MARKS = {"X", "×"}

# The i-Tree species codes the eco-benefit engine has curves for. The benefits app, above this
# one, hands its reader over when it starts (benefits/apps.py): the reader answers the codes of
# the installed tables, or None when none are installed (decision 0052: no import upwards).
_itree_code_reader: Callable[[], Collection[str] | None] | None = None


def check_itree_codes_with(reader: Callable[[], Collection[str] | None]) -> None:
    global _itree_code_reader
    _itree_code_reader = reader


def _one_line(value) -> str:
    """A name as one line: surrounding and repeated spaces (and line breaks) removed."""
    return " ".join(str(value or "").split())


def _ascii_upper(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isascii() and c.isalnum()).upper()


def _check_length(name: str, value: str) -> str:
    limit = Species._meta.get_field(name).max_length
    if limit is not None and len(value) > limit:
        raise DomainError(
            SpeciesErrorCode.TOO_LONG,
            field=capfirst(Species._meta.get_field(name).verbose_name),
            max=limit,
            on_field=name,
        )
    return value


def _species_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """The editable values, tidied and within the model's limits; the i-Tree code unchecked."""
    cleaned: dict[str, Any] = {}
    for name, value in values.items():
        if name == "is_local":
            cleaned[name] = bool(value)
        elif name == "itree_code":
            cleaned[name] = _check_length(name, _one_line(value)) or None
        else:
            cleaned[name] = _check_length(name, _one_line(value))
    if "scientific_name" in cleaned and not cleaned["scientific_name"]:
        raise DomainError(SpeciesErrorCode.NAME_REQUIRED, on_field="scientific_name")
    return cleaned


def _lock_catalogue() -> None:
    """One catalogue writer at a time (until its commit), so that two people adding the same
    species at once cannot both pass the duplicate check."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", ["trees.species"])


def _refuse_duplicate_name(name: str, *, other_than: int | None = None) -> None:
    same = Species.objects.filter(scientific_name__iexact=name).exclude(pk=other_than).first()
    if same is not None:
        raise DomainError(
            SpeciesErrorCode.DUPLICATE_NAME,
            existing=same.display_name,
            code=same.code,
            on_field="scientific_name",
        )


def checked_itree_code(value: str | None) -> str | None:
    """None for no code; the code as the i-Tree tables write it; DomainError for a code they
    do not have (with the nearest ones they have), or when no tables are installed."""
    code = _one_line(value)
    if not code:
        return None
    known = _itree_code_reader() if _itree_code_reader is not None else None
    if known is None:
        raise DomainError(SpeciesErrorCode.ITREE_TABLES_MISSING, on_field="itree_code")
    if code in known:
        return code
    by_case = {item.casefold(): item for item in known}
    if code.casefold() in by_case:
        return by_case[code.casefold()]
    near = difflib.get_close_matches(code.upper(), sorted(known), n=3, cutoff=0.75)
    if near:
        raise DomainError(
            SpeciesErrorCode.UNKNOWN_ITREE_CODE,
            gettext_noop(
                "“%(code)s” is not a species code of the i-Tree tables this platform computes "
                "eco-benefits with. Did you mean %(near)s? Leave it empty if you do not know it."
            ),
            code=code,
            near=", ".join(near),
            on_field="itree_code",
        )
    raise DomainError(SpeciesErrorCode.UNKNOWN_ITREE_CODE, code=code, on_field="itree_code")


def _code_taken(code: str) -> Species | None:
    return Species.objects.filter(code__iexact=code).first()


def new_species_code(scientific_name: str) -> str:
    """Our own code for a species: AMG- and the first two letters of the genus and of the
    epithet (AMG-TARO for Tabebuia rosea), numbered when taken (AMG-TARO2)."""
    words = [_ascii_upper(word) for word in scientific_name.split()]
    words = [word for word in words if word and word not in HYBRID_MARKS]
    if not words:
        raise DomainError(SpeciesErrorCode.NO_CODE, on_field="code")
    stem = words[0][:2] + (words[1][:2] if len(words) > 1 else words[0][2:4])
    base = OWN_CODE_PREFIX + stem
    code, number = base, 2
    while _code_taken(code) is not None:
        code, number = f"{base}{number}", number + 1
    return code


def _checked_new_code(code: str, scientific_name: str) -> str:
    code = _one_line(code).upper()
    if not code:
        return new_species_code(scientific_name)
    limit = Species._meta.get_field("code").max_length
    if len(code) > (limit or 0) or not SPECIES_CODE.match(code):
        raise DomainError(SpeciesErrorCode.INVALID_CODE, code=code, max=limit, on_field="code")
    taken = _code_taken(code)
    if taken is not None:
        raise DomainError(
            SpeciesErrorCode.CODE_TAKEN, code=code, existing=taken.display_name, on_field="code"
        )
    return code


def _fill_genus_and_epithet(values: dict[str, Any]) -> None:
    """Neither genus nor epithet given: read them from the scientific name ("Tabebuia rosea";
    "Ficus" alone is a genus; "Ceiba × speciosa" and "Citrus sp." have no plain epithet)."""
    if values.get("genus") or values.get("species"):
        return
    words = values["scientific_name"].split()
    if not words or not words[0][:1].isupper():
        return
    values["genus"] = _check_length("genus", words[0])
    if len(words) > 1 and words[1].isalpha() and words[1].islower() and words[1] != "x":
        values["species"] = _check_length("species", words[1])


def _species_snapshot(species: Species) -> dict[str, Any]:
    return {name: getattr(species, name) for name in SPECIES_FIELDS}


def _require_catalogue_rights(user) -> None:
    """trees.change_species (no user: the platform itself, scripts)."""
    if user is not None:
        require(user, "trees.change_species", None, code=SpeciesErrorCode.NOT_ALLOWED)


@transaction.atomic
def create_species(
    *,
    created_by,
    scientific_name: str,
    code: str = "",
    genus: str = "",
    species: str = "",
    cultivar: str = "",
    common_name_es: str = "",
    other_names_es: str = "",
    common_name_en: str = "",
    itree_code: str | None = None,
    is_local: bool = False,
) -> Species:
    """Add a species to the catalogue. Without a code, one is made from the scientific name;
    without genus and epithet, they are read from it ("Tabebuia rosea")."""
    _require_catalogue_rights(created_by)
    values = _species_values(
        {
            "scientific_name": scientific_name,
            "genus": genus,
            "species": species,
            "cultivar": cultivar,
            "common_name_es": common_name_es,
            "other_names_es": other_names_es,
            "common_name_en": common_name_en,
            "itree_code": itree_code,
            "is_local": is_local,
        }
    )
    _lock_catalogue()
    _refuse_duplicate_name(values["scientific_name"])
    values["itree_code"] = checked_itree_code(values["itree_code"])
    _fill_genus_and_epithet(values)
    new = Species.objects.create(code=_checked_new_code(code, values["scientific_name"]), **values)
    after = _species_snapshot(new)
    record_change(new, created_by, ChangeAction.CREATE, {n: (None, v) for n, v in after.items()})
    return new


@transaction.atomic
def update_species(
    *,
    species: Species,
    changed_by,
    changes: Mapping[str, Any],
    seen_version: str | None = None,
) -> Species:
    """Correct a species of the catalogue; its trees keep it. A new i-Tree code makes the
    eco-benefits of its trees be recomputed, as when a tree's species changes. With
    `seen_version` (the form's, common/stale.py), a correction made from a version someone else
    saved over meanwhile is refused, under the row's lock: EDITED_MEANWHILE, nothing stored
    (unless it changes nothing)."""
    _require_catalogue_rights(changed_by)
    if "code" in changes and _one_line(changes["code"]).upper() != species.code.upper():
        raise DomainError(SpeciesErrorCode.CODE_IS_STABLE, on_field="code")
    unknown = set(changes) - SPECIES_EDITABLE - {"code"}
    if unknown:
        raise DomainError(TreeErrorCode.INVALID_FIELD, fields=", ".join(sorted(unknown)))
    values = _species_values({n: v for n, v in changes.items() if n != "code"})
    _lock_catalogue()
    # No key update: trees being recorded with this species (their foreign key's share lock)
    # do not wait for it.
    current = Species.objects.select_for_update(no_key=True).filter(pk=species.pk).first()
    if current is None:
        raise DomainError(TreeErrorCode.UNKNOWN_SPECIES, code=species.code)
    before = _species_snapshot(current)
    if "scientific_name" in values and values["scientific_name"] != current.scientific_name:
        _refuse_duplicate_name(values["scientific_name"], other_than=current.pk)
    if "itree_code" in values and values["itree_code"] != current.itree_code:
        values["itree_code"] = checked_itree_code(values["itree_code"])
    for name, value in values.items():
        setattr(current, name, value)
    if not current.genus and not current.species:
        read = {"scientific_name": current.scientific_name}
        _fill_genus_and_epithet(read)
        current.genus, current.species = read.get("genus", ""), read.get("species", "")
    after = _species_snapshot(current)
    changed = [name for name in SPECIES_FIELDS if before[name] != after[name]]
    if not changed:  # the same form sent twice overwrites nothing: no conflict
        return current
    if seen_version is not None:
        stale.refuse_stale(seen_version, current, message=SPECIES_EDITED_MEANWHILE)
    current.save(update_fields=[*changed, "updated_at"])
    record_change(
        current, changed_by, ChangeAction.UPDATE, {n: (before[n], after[n]) for n in changed}
    )
    if "itree_code" in changed:
        # The eco-benefits of its trees hang on it: the same news as a tree whose species
        # changed (signals.trees_changed), with the trees locked, as the tree services do.
        tree_ids = list(
            Tree.objects.select_for_update()
            .filter(species=current)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        signals.announce(tree_ids)
    return current
