"""Thematic areas as people name them: the form's picker (a percentage per area, in Spanish)
and the names a spreadsheet or the API may use (the code, or the area's name in Spanish or
English, e.g. “economy”, “Economía local”, “economia-local”)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .models import THEME_LABELS


def _key(name: str) -> str:
    return slugify(name.replace("_", "-"))


def theme_code(name: str) -> str | None:
    """The code of the area called ``name`` (a code or a label in either language), or None."""
    if name in THEME_LABELS:
        return name
    wanted = _key(name)
    for code, label in THEME_LABELS.items():
        names = {_key(code)}
        for language in ("es-mx", "en"):
            with translation.override(language):
                names.add(_key(str(label)))
        if wanted in names:
            return code
    return None


def valid_themes() -> str:
    """“Movilidad (mobility), Género (gender), …” in the active language, for error messages."""
    return ", ".join(f"{label} ({code})" for code, label in THEME_LABELS.items())


def share_text(value: Decimal) -> str:
    return f"{value.normalize():f}"


class ThemeSharesWidget(forms.Widget):
    """One number field per thematic area (the percentage of the project it takes) and a live
    total; submitting sends ``<name>_<code>`` for each area."""

    template_name = "cooperation/widgets/theme_shares.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        shares = value if isinstance(value, dict) else {}
        context["widget"]["themes"] = [
            {
                "code": code,
                "label": label,
                "name": f"{name}_{code}",
                "id": f"id_{name}_{code}",
                "value": shares.get(code, ""),
            }
            for code, label in THEME_LABELS.items()
        ]
        return context

    def value_from_datadict(self, data, files, name):
        return {code: (data.get(f"{name}_{code}") or "").strip() for code in THEME_LABELS}

    def value_omitted_from_data(self, data, files, name):
        return not any(f"{name}_{code}" in data for code in THEME_LABELS)

    def id_for_label(self, id_):
        return f"{id_}_{next(iter(THEME_LABELS))}" if id_ else id_


class ThemeSharesField(forms.Field):
    """{code: "percentage"} of the areas given a share above 0; the service checks the sum."""

    widget = ThemeSharesWidget

    def to_python(self, value):
        shares = value if isinstance(value, dict) else {}
        result = {}
        for code, raw in shares.items():
            text = str(raw).strip().replace(",", ".").rstrip("%").strip()
            if not text:
                continue
            try:
                number = Decimal(text)
            except ArithmeticError:
                raise forms.ValidationError(
                    _("The percentage of %(theme)s is not a number.")
                    % {"theme": THEME_LABELS.get(code, code)}
                ) from None
            if number != 0:
                result[code] = text
        return result

    def prepare_value(self, value):
        if isinstance(value, dict):
            return {
                code: share_text(v) if isinstance(v, Decimal) else v for code, v in value.items()
            }
        return value
