from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from geo.forms import PinForm
from neighbors.models import SPOKEN_LANGUAGES
from relays.models import ConsentHow


class KeptNeighbourForm(PinForm):
    """A neighbour without internet, as their relay records them."""

    point_name = "place"
    place_missing = _("Search the neighbour's address or place the pin where they live")

    first_name = forms.CharField(label=_("First name"), max_length=60)
    phone = forms.CharField(
        label=_("Phone number (optional)"),
        max_length=40,
        required=False,
        help_text=_("Only you see it. A basic phone is enough to get text messages."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    texts = forms.BooleanField(
        label=_("Carry the conversations of their requests by text message"),
        required=False,
        help_text=_(
            "Volunteers' messages reach their phone from the association's number, and "
            "their answers come back here. Nobody sees their number."
        ),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages they speak"),
        choices=SPOKEN_LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent_how = forms.ChoiceField(
        label=_("How did they agree that you record them?"),
        choices=ConsentHow.choices,
        widget=forms.RadioSelect,
    )
    consent_given_at = forms.DateField(
        label=_("On which day?"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        initial=timezone.localdate,
    )
