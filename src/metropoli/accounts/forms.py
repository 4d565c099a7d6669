from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from metropoli.territory.selectors import active_municipalities

from .models import User


class SignUpForm(UserCreationForm):
    privacy = forms.BooleanField(
        label=_("I have read the privacy notice and agree to the use of my data it describes."),
        required=True,
    )

    class Meta:
        model = User
        fields = (
            "email",
            "display_name",
            "home_municipality",
            "preferred_language",
            "email_notifications",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_municipality"].queryset = active_municipalities()
        self.fields["email"].widget.attrs.update(autocomplete="email")
        self.fields["display_name"].widget.attrs.update(autocomplete="nickname")

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("There is already an account with this e-mail address."))
        return email


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("display_name", "home_municipality", "preferred_language", "email_notifications")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_municipality"].queryset = active_municipalities()
