from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from geo.points import point_from_lat_lng


class PinForm(forms.Form):
    """A point set by a map pin (static/js/pin-picker.js) or typed: latitude and
    longitude. The validated Point is `cleaned_data[point_name]`; when the
    fields are optional and both empty, it is None."""

    point_name = "location"
    # Said when the pin is missing, in the words of the page's question.
    place_missing = _("Place the pin on the map")
    # The coordinates are folded away under "Enter coordinates": the error
    # summary links to the map instead (templates/_pin_picker.html).
    error_anchors = {"lat": "pin-map", "lng": "pin-map"}

    lat = forms.FloatField(label=_("Latitude"), widget=forms.NumberInput(attrs={"step": "any"}))
    lng = forms.FloatField(label=_("Longitude"), widget=forms.NumberInput(attrs={"step": "any"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("lat", "lng"):
            self.fields[name].error_messages["required"] = self.place_missing

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
