"""Form helpers for choosing a municipality (pages of several modules)."""

from django import forms
from django.db.models import QuerySet


def offer_municipalities(field: forms.ModelChoiceField, municipalities: QuerySet) -> None:
    """`field` chooses among `municipalities` (those the person may act in); when there is only
    one, it is chosen already."""
    field.queryset = municipalities
    if municipalities.count() == 1:
        field.initial = municipalities.first()
