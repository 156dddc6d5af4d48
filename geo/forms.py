from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from geo.points import point_from_lat_lng


class PinForm(forms.Form):
    """A point set by a map pin (static/js/pin-picker.js) or typed: latitude and
    longitude. The validated Point is `cleaned_data[point_name]`; when the
    fields are optional and both empty, it is None."""

    point_name = "location"

    lat = forms.FloatField(label=_("Latitude"), widget=forms.NumberInput(attrs={"step": "any"}))
    lng = forms.FloatField(label=_("Longitude"), widget=forms.NumberInput(attrs={"step": "any"}))

    def clean(self):
        cleaned = super().clean()
        if "lat" in self.errors or "lng" in self.errors:
            return cleaned
        lat, lng = cleaned.get("lat"), cleaned.get("lng")
        if lat is None and lng is None and not self.fields["lat"].required:
            cleaned[self.point_name] = None
            return cleaned
        try:
            cleaned[self.point_name] = point_from_lat_lng(lat, lng)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                self.add_error(name, messages)
        return cleaned
