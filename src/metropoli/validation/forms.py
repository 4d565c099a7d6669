"""The work order page's forms: plan (staff), risk assessment (arborists), status (both)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import CONSEQUENCES, FAILURE_LIKELIHOODS, IMPACT_LIKELIHOODS, WorkStatus


class PlanForm(forms.Form):
    # Any number passes here: the service says clearly when the person is not an arborist.
    assignee = forms.IntegerField(label=_("Assigned arborist"), required=False, widget=forms.Select)
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    cost = forms.DecimalField(
        label=_("Cost (MXN)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )

    def __init__(self, *args, arborists=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].widget.choices = [("", _("Nobody yet"))] + [
            (person.pk, str(person)) for person in arborists
        ]


class RiskForm(forms.Form):
    target = forms.CharField(
        label=pgettext_lazy("tree risk", "Target"),
        required=False,
        max_length=200,
        help_text=_("What or who could be hit: a sidewalk, a bus stop, parked cars…"),
    )
    likelihood_of_failure = forms.ChoiceField(
        label=_("Likelihood of failure"), choices=FAILURE_LIKELIHOODS
    )
    likelihood_of_impact = forms.ChoiceField(
        label=_("Likelihood of impacting the target"), choices=IMPACT_LIKELIHOODS
    )
    consequences = forms.ChoiceField(label=_("Consequences"), choices=CONSEQUENCES)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, next_statuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s, WorkStatus(s).label) for s in next_statuses]
