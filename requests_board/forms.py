from django import forms
from django.utils.translation import gettext_lazy as _

from geo.forms import PinForm
from neighbors.models import WALK_RADIUS_MAX_M, WALK_RADIUS_MIN_M, HelpCategory
from requests_board.models import Urgency
from requests_board.services.requests import needed_by_check

BAND_CHOICES = [
    ("", _("Any distance")),
    ("under_500m", _("under 500 m")),
    ("about_1km", _("about 1 km")),
    ("about_2km", _("about 2 km")),
    ("about_3km", _("about 3 km or more")),
]


class HelpRequestForm(PinForm):
    title = forms.CharField(
        label=_("What do you need?"),
        max_length=120,
        help_text=_("A short title, for example: Groceries at the market on Saturday."),
    )
    description = forms.CharField(
        label=_("Details"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Do not write your address or phone number: you will talk in the app."),
    )
    category = forms.ModelChoiceField(
        label=_("Kind of help"),
        queryset=HelpCategory.objects.all(),
        to_field_name="slug",
        empty_label=None,
    )
    urgency = forms.ChoiceField(label=_("When?"), choices=Urgency.choices, initial=Urgency.NORMAL)
    needed_by = forms.DateField(
        label=_("Needed by (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    max_distance_m = forms.IntegerField(
        label=_("Only neighbours within (metres, optional)"),
        min_value=100,
        max_value=3000,
        required=False,
        widget=forms.NumberInput(attrs={"step": 100}),
    )

    publish_anyway = forms.BooleanField(
        label=_("Publish anyway: I understand that everyone can read it"),
        required=False,
    )

    field_order = ["title", "category", "urgency", "description", "needed_by", "max_distance_m"]

    def clean_needed_by(self):
        value = self.cleaned_data.get("needed_by")
        needed_by_check(value)
        return value


class ResponseForm(forms.Form):
    message = forms.CharField(
        label=_("Your message"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say when you could come. No phone numbers: you will talk in the app."),
    )


class AcceptForm(forms.Form):
    helper = forms.IntegerField(widget=forms.HiddenInput)


class OfferForm(forms.Form):
    categories = forms.ModelMultipleChoiceField(
        label=_("What can you help with?"),
        queryset=HelpCategory.objects.all(),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
    )
    radius_m = forms.IntegerField(
        label=_("How far will you walk? (metres)"),
        min_value=WALK_RADIUS_MIN_M,
        max_value=WALK_RADIUS_MAX_M,
        widget=forms.NumberInput(attrs={"step": 100}),
    )
    availability = forms.CharField(
        label=_("When are you available?"),
        max_length=200,
        required=False,
        help_text=_("For example: weekday evenings, Saturday mornings."),
    )
    note = forms.CharField(
        label=_("A word for your neighbours"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    publish_anyway = forms.BooleanField(
        label=_("Publish anyway: I understand that everyone can read it"),
        required=False,
    )


class BoardFilterForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Kind of help"),
        queryset=HelpCategory.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All kinds"),
    )
    urgency = forms.ChoiceField(
        label=_("When"), choices=[("", _("Any time")), *Urgency.choices], required=False
    )
    band = forms.ChoiceField(label=_("Distance"), choices=BAND_CHOICES, required=False)
    page = forms.IntegerField(min_value=1, max_value=1000, required=False, widget=forms.HiddenInput)
