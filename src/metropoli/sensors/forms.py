from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Placement
from .services import SENSOR_ID, normalise_sensor_id


class RegisterSensorForm(forms.Form):
    sensor_id = forms.CharField(
        label=_("Sensor id"),
        max_length=64,
        help_text=_(
            "Shown on the sensor's configuration page and in its Wi-Fi name, e.g. esp8266-3912953."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    name = forms.CharField(label=_("Name (optional)"), max_length=80, required=False)
    model = forms.CharField(
        label=_("Hardware (optional)"),
        max_length=120,
        required=False,
        help_text=_("For example: NodeMCU + SDS011 + BME280."),
    )
    placement = forms.ChoiceField(
        label=_("Placement"), choices=Placement.choices, initial=Placement.OUTDOOR
    )
    latitude = forms.FloatField(
        label=_("Latitude"),
        min_value=-90,
        max_value=90,
        help_text=_("Click the map or use your phone's location."),
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    longitude = forms.FloatField(
        label=_("Longitude"),
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )

    def clean_sensor_id(self) -> str:
        value = normalise_sensor_id(self.cleaned_data["sensor_id"])
        if not SENSOR_ID.fullmatch(value):
            raise forms.ValidationError(
                _(
                    "The sensor id must look like esp8266-3912953 (ESP8266, decimal chip id) or "
                    "esp32-a1b2c3d4e5f6 (ESP32, hexadecimal)."
                )
            )
        return value
