from django import forms
from django.utils.translation import gettext_lazy as _

from . import data
from .models import BenefitSettings


class SettingsForm(forms.ModelForm):
    use_defaults = forms.BooleanField(
        label=_("Use the region's default rates (US dollar rates × default exchange rate)"),
        required=False,
    )

    class Meta:
        model = BenefitSettings
        fields = ["region", *data.RATE_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"] = forms.ChoiceField(
            label=_("i-Tree region"), choices=data.region_choices()
        )
        for name in data.RATE_FIELDS:
            self.fields[name].required = False

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("use_defaults"):
            for name in data.RATE_FIELDS:
                if cleaned.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Give a rate, or use the region's defaults."))
        return cleaned


class OverrideForm(forms.Form):
    species = forms.CharField(label=_("Species code"), max_length=20)
    itree_code = forms.CharField(label=_("i-Tree code"), max_length=20)
