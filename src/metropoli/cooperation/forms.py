"""Forms for the office's common edits. They only parse input: services validate and write."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from metropoli.territory.selectors import active_municipalities

from .checks import ProjectInput, split_codes
from .models import (
    AmountKind,
    InstituteRole,
    LegalInstrumentKind,
    Modality,
    Opportunity,
    Organisation,
    ParticipationRole,
    Project,
    ResultType,
    Scheme,
    Stage,
)
from .recognition_models import Award, NetworkMembership
from .rules import COOPERATION_OFFICE_GROUP
from .themes import ThemeSharesField, share_text


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ProjectForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40)
    title = forms.CharField(label=_("Title"), max_length=300)
    title_en = forms.CharField(label=_("Title in English"), max_length=300, required=False)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}))
    summary_en = forms.CharField(
        label=_("Summary in English"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    modalities = forms.MultipleChoiceField(
        label=_("Modalities"),
        choices=Modality.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    institute_role = forms.ChoiceField(
        label=_("Role of the institute"), choices=InstituteRole.choices
    )
    scheme = forms.ChoiceField(label=_("Scheme"), choices=Scheme.choices)
    themes = ThemeSharesField(
        label=_("Thematic areas"),
        required=False,
        help_text=_("The percentage of the project each area takes; they add up to 100."),
    )
    municipalities = forms.MultipleChoiceField(
        label=_("Beneficiary municipalities"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    sdg_goals = forms.CharField(label=_("SDG goals"), required=False, help_text=_("e.g. 11 13"))
    sdg_targets = forms.CharField(
        label=_("SDG targets"), required=False, help_text=_("e.g. 11.2 13.b")
    )
    countries = forms.CharField(label=_("Recipient countries"), initial="MX")
    planned_start = forms.DateField(label=_("Planned start"), required=False, widget=DateInput())
    planned_end = forms.DateField(label=_("Planned end"), required=False, widget=DateInput())
    actual_start = forms.DateField(label=_("Actual start"), required=False, widget=DateInput())
    actual_end = forms.DateField(label=_("Actual end"), required=False, widget=DateInput())
    is_public = forms.BooleanField(label=_("Public (published in IATI)"), required=False)
    provenance = forms.CharField(label=_("Provenance note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipalities"].choices = [
            (m.inegi_code, m.name) for m in active_municipalities()
        ]

    @staticmethod
    def initial_from(project: Project) -> dict:
        return {
            **{
                name: getattr(project, name)
                for name in (
                    "code",
                    "title",
                    "title_en",
                    "summary",
                    "summary_en",
                    "stage",
                    "institute_role",
                    "scheme",
                    "sdg_goals",
                    "sdg_targets",
                    "countries",
                    "planned_start",
                    "planned_end",
                    "actual_start",
                    "actual_end",
                    "is_public",
                    "provenance",
                )
            },
            "modalities": project.modality_list,
            "themes": {t.theme: share_text(t.percentage) for t in project.themes.all()},
            "municipalities": [m.inegi_code for m in project.municipalities.all()],
        }

    def to_input(self) -> ProjectInput:
        d = self.cleaned_data
        return ProjectInput(
            code=d["code"].strip(),
            title=d["title"],
            title_en=d["title_en"],
            summary=d["summary"],
            summary_en=d["summary_en"],
            stage=d["stage"],
            modalities=d["modalities"],
            institute_role=d["institute_role"],
            scheme=d["scheme"],
            themes=d["themes"],
            municipality_codes=d["municipalities"],
            sdg_goals=split_codes(d["sdg_goals"]),
            sdg_targets=split_codes(d["sdg_targets"]),
            countries=[c.upper() for c in split_codes(d["countries"])],
            planned_start=d["planned_start"],
            planned_end=d["planned_end"],
            actual_start=d["actual_start"],
            actual_end=d["actual_end"],
            is_public=d["is_public"],
            provenance=d["provenance"],
        )


class AmountForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AmountKind.choices)
    currency = forms.CharField(label=_("Currency (ISO 4217)"), initial="MXN", max_length=3)
    # A text field on purpose: the service explains a malformed amount better than a widget.
    value = forms.CharField(label=_("Value"), max_length=40)
    value_date = forms.DateField(label=_("Value date"), widget=DateInput())
    provider = forms.ModelChoiceField(
        label=_("Provided by"), queryset=Organisation.objects.all(), required=False
    )
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    is_ceiling = forms.BooleanField(label=_("Maximum (“up to”)"), required=False)


class ParticipationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.all(), required=False
    )
    new_organisation = forms.CharField(
        label=_("…or a new organisation"), max_length=200, required=False
    )
    role = forms.ChoiceField(label=_("Role"), choices=ParticipationRole.choices)

    def clean(self):
        data = super().clean()
        if not data.get("organisation") and not data.get("new_organisation", "").strip():
            raise ValidationError(_("Choose an organisation or write the name of a new one."))
        return data


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    planned_start = forms.DateField(label=_("Planned start"), widget=DateInput())
    planned_end = forms.DateField(label=_("Planned end"), widget=DateInput())
    actual_start = forms.DateField(label=_("Actual start"), required=False, widget=DateInput())
    actual_end = forms.DateField(label=_("Actual end"), required=False, widget=DateInput())
    depends_on = forms.ModelMultipleChoiceField(
        label=_("Depends on"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["depends_on"].queryset = project.milestones.all()


class LegalInstrumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=LegalInstrumentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    signed_on = forms.DateField(label=_("Signed on"), required=False, widget=DateInput())
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DateInput())
    reference = forms.CharField(label=_("Reference / folio"), max_length=100, required=False)
    parties = forms.ModelMultipleChoiceField(
        label=_("Parties"),
        queryset=Organisation.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    file = forms.FileField(
        label=_("File"), required=False, help_text=_("PDF, DOCX or ODT, up to 10 MB.")
    )


class ResultForm(forms.Form):
    result_type = forms.ChoiceField(label=_("Type"), choices=ResultType.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    indicator = forms.CharField(label=_("Indicator"), max_length=300)
    target = forms.CharField(
        label=pgettext_lazy("result indicator", "Target"), max_length=100, required=False
    )
    actual = forms.CharField(label=_("Achieved"), max_length=100, required=False)
    period_start = forms.DateField(label=_("Period start"), widget=DateInput())
    period_end = forms.DateField(label=_("Period end"), widget=DateInput())


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    url = forms.URLField(label=_("Address (URL)"), max_length=500, assume_scheme="https")
    category = forms.CharField(
        label=_("IATI document category"),
        max_length=4,
        initial="A12",
        help_text=_("A12 activity web page, A09 memorandum, A11 agreement, A07 review."),
    )
    document_date = forms.DateField(label=_("Date"), required=False, widget=DateInput())


class OpportunityForm(forms.ModelForm):
    url = forms.URLField(label=_("Address (URL)"), required=False, assume_scheme="https")

    class Meta:
        model = Opportunity
        fields = [
            "kind",
            "title",
            "organiser",
            "url",
            "deadline",
            "status",
            "owner",
            "themes",
            "agenda_fit",
            "project",
        ]
        widgets = {"deadline": DateInput(), "agenda_fit": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only people of the office own opportunities: never list every account's name.
        self.fields["owner"].queryset = get_user_model().objects.filter(
            groups__name=COOPERATION_OFFICE_GROUP
        )


class NetworkForm(forms.ModelForm):
    url = forms.URLField(label=_("Address (URL)"), required=False, assume_scheme="https")

    class Meta:
        model = NetworkMembership
        fields = ["network", "member", "since", "since_note", "focal_point", "url"]


class AwardForm(forms.ModelForm):
    class Meta:
        model = Award
        fields = ["name", "year", "status", "detail", "value", "currency", "project"]
        help_texts = {"currency": _("ISO 4217 code (e.g. MXN, EUR, USD), when there is a value.")}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("XLSX file"), help_text=_("Start from the template."))
