from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from geo.distance import BANDS
from geo.forms import PinForm
from neighbors.models import WALK_RADIUS_MAX_M, WALK_RADIUS_MIN_M, HelpCategory
from requests_board.models import PartOfDay, Urgency
from requests_board.services.requests import needed_by_check, urgency_for_day

BAND_CHOICES = [("", _("Any distance"))] + [(band.code, band.label) for _upper, band in BANDS]


class DayField(forms.TypedChoiceField):
    """One of the days offered; a day already past is refused with the same
    words as the API's and the service's (needed_by_check), not as an
    unknown choice."""

    def clean(self, value):
        try:
            day = date.fromisoformat(value) if value else None
        except (TypeError, ValueError):
            day = None
        needed_by_check(day)
        return super().clean(value)


class HelpRequestForm(PinForm):
    place_missing = _("Choose where to meet on the map")

    title = forms.CharField(
        label=_("In a few words (optional)"),
        max_length=120,
        help_text=_(
            "For example: Carry my groceries from the market. Without it, the kind of help is the title."
        ),
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
        error_messages={"required": _("Choose the kind of help you need")},
    )
    # The day, as large buttons for the coming week; the urgency follows
    # from it (services.requests.urgency_for_day).
    needed_on = DayField(
        label=_("Which day?"),
        required=False,
        coerce=date.fromisoformat,
        empty_value=None,
        widget=forms.RadioSelect(attrs={"class": "day-buttons"}),
        error_messages={"invalid_choice": _("Choose one of the days shown.")},
    )
    part_of_day = forms.ChoiceField(
        label=_("At what time of day? (optional)"),
        choices=PartOfDay.choices,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "day-buttons"}),
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

    meeting_note = forms.CharField(
        label=_("A note about the place (optional)"),
        max_length=200,
        required=False,
        help_text=_(
            "Only the neighbour you accept sees it, with the address. For example: in front of the pharmacy."
        ),
    )

    # "Ask Louise": the offer the request goes to first (request_create only).
    addressed_to = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    # A relay posting for a neighbour without internet (request_create only).
    on_behalf_of = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    # Made by the page (static/js/pwa.js): a request written offline and sent
    # again when the connection returns is published once.
    client_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    field_order = [
        "category",
        "needed_on",
        "part_of_day",
        "title",
        "description",
        "meeting_note",
        "max_distance_m",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        days = [today + timedelta(days=n) for n in range(7)]
        # A request being edited keeps its own day, even beyond the week.
        kept = self.initial.get("needed_on")
        if kept and kept not in days and kept >= today:
            days.append(kept)
        self.fields["needed_on"].choices = [
            *((day.isoformat(), day_label(day, today)) for day in days),
            ("", _("No particular day")),
        ]
        # Optional: a request without a title is called by its kind of help.
        self.fields["title"].required = False

    def clean(self):
        cleaned = super().clean()
        cleaned["urgency"] = urgency_for_day(cleaned.get("needed_on"))
        category = cleaned.get("category")
        if not cleaned.get("title", "").strip() and category is not None:
            cleaned["title"] = category.name
        return cleaned


def day_label(day, today) -> str:
    """ "Today, Thursday 3 December", "Tomorrow, …", then "Saturday 5 December"."""
    name = capfirst(date_format(day, "l j F"))
    if day == today:
        return _("Today, %(day)s") % {"day": date_format(day, "l j F")}
    if day == today + timedelta(days=1):
        return _("Tomorrow, %(day)s") % {"day": date_format(day, "l j F")}
    return name


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


SCORES = [
    (1, _("1, not at all")),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, _("5, a lot")),
]


class FollowUpForm(forms.Form):
    """ "Did this help?": a number, a comment if any, then Send."""

    score = forms.TypedChoiceField(
        label=_("Did this help? From 1 (not at all) to 5 (a lot)"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "day-buttons"}),
        error_messages={"required": _("Choose a number from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("A comment (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
