"""Forms of the consultation setup pages (the checks themselves are in setup.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .icons import MAX_BYTES as ICON_MAX_BYTES
from .models import ICON_CHOICES, ExternalLayer, PhaseKind, ProceedingTemplate


class ProceedingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(
        label=_("Short name for the address"),
        max_length=80,
        required=False,
        help_text=_("Letters, numbers and hyphens. Empty: made from the title."),
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    area = forms.CharField(
        widget=forms.HiddenInput(attrs={"id": "area-input"}),
        required=True,
        error_messages={
            "required": _("Draw the area on the map: tap at least three corners, then finish.")
        },
    )
    area_note = forms.CharField(label=_("Note on the area"), max_length=255, required=False)

    def __init__(self, *args, municipalities=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["slug"]
        else:
            self.fields["owner"] = forms.ChoiceField(
                label=_("Owner"),
                choices=[(str(m.pk), m.name) for m in municipalities if m is not None]
                + ([("", _("Metropolitan area"))] if None in municipalities else []),
                required=False,
            )
            self.fields["template"] = forms.ModelChoiceField(
                label=_("Template (optional)"),
                queryset=ProceedingTemplate.objects.all(),
                required=False,
                empty_label=_("None: I add phases and categories myself"),
                help_text=_("Creates its phases, starting today, and its categories."),
            )
            self.order_fields(
                ["owner", "template", "title", "slug", "description", "area", "area_note"]
            )


class PhaseForm(forms.Form):
    kind = forms.ChoiceField(label=_("Phase"), choices=PhaseKind.choices)
    start = forms.DateTimeField(
        label=_("Starts"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    end = forms.DateTimeField(
        label=_("Ends"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    allows_anonymous = forms.BooleanField(
        label=_("People may take part without an account"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="phase", **kwargs)


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    colour = forms.CharField(
        label=_("Colour"), initial="#2e7d32", widget=forms.TextInput(attrs={"type": "color"})
    )
    icon = forms.ChoiceField(
        label=_("Icon"), choices=ICON_CHOICES, initial="idea", widget=forms.RadioSelect
    )
    icon_upload = forms.FileField(
        label=_("Or upload your own icon (SVG or PNG)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".svg,.png,image/svg+xml,image/png"}),
    )
    description = forms.CharField(label=_("Description"), max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="category", **kwargs)

    def clean_icon_upload(self):
        upload = self.cleaned_data.get("icon_upload")
        if upload and upload.size > ICON_MAX_BYTES:
            raise forms.ValidationError(
                _("The icon may be at most %(kb)s KB.") % {"kb": ICON_MAX_BYTES // 1024}
            )
        return upload


class ExternalLayerForm(forms.Form):
    name = forms.CharField(label=_("Name shown on the map"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=ExternalLayer.Kind.choices)
    url = forms.CharField(
        label=_("Address of the service or file (https://…)"),
        max_length=500,
        widget=forms.URLInput(attrs={"inputmode": "url"}),
    )
    layer_name = forms.CharField(
        label=_("Layer or feature type (WMS and WFS)"), max_length=120, required=False
    )
    attribution = forms.CharField(
        label=_("Attribution (who publishes the data)"), max_length=255, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="layer", **kwargs)


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("Name of the template"), max_length=120)
    description = forms.CharField(
        label=_("What it is for"),
        max_length=2000,
        required=False,
        widget=forms.Textarea({"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="template", **kwargs)


class ModeratorForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the moderator"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="moderator", **kwargs)
