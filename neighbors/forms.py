from allauth.account.adapter import get_adapter as get_account_adapter
from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from geo.distance import walk_minutes
from geo.forms import PinForm
from neighbors.models import SPOKEN_LANGUAGES, WALK_RADIUS_MAX_M, WALK_RADIUS_MIN_M, HelpCategory


class SignupExtraForm(forms.Form):
    """What allauth's sign-up form adds: the name neighbours will see."""

    display_name = forms.CharField(
        label=_("Your name, as neighbours will see it"),
        max_length=60,
        help_text=_("A first name is enough."),
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )

    def signup(self, request, user):
        """allauth requires this hook; the sign-up service has already set the
        name (neighbors.adapter.SignupForm.save, settings.ACCOUNT_FORMS)."""


class AddressSearchForm(forms.Form):
    address = forms.CharField(
        label=_("Address"),
        max_length=200,
        help_text=_("For example: 12 rue Oberkampf, Paris. Nobody else will see it."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )


class ProfileForm(PinForm):
    """The home is optional: emptying both coordinates clears it."""

    point_name = "home"
    place_missing = _("Search your address or place the pin on the map")

    display_name = forms.CharField(
        label=_("Your name, as neighbours will see it"),
        max_length=60,
        error_messages={"required": _("Write the name neighbours will see")},
    )
    lat = forms.FloatField(
        label=_("Latitude"), required=False, widget=forms.NumberInput(attrs={"step": "any"})
    )
    lng = forms.FloatField(
        label=_("Longitude"), required=False, widget=forms.NumberInput(attrs={"step": "any"})
    )
    walk_radius_m = forms.IntegerField(
        label=_("How far will you walk to help? (metres)"),
        min_value=WALK_RADIUS_MIN_M,
        max_value=WALK_RADIUS_MAX_M,
        widget=forms.NumberInput(attrs={"step": 100}),
        help_text=format_lazy(
            _("From 100 to 3,000 metres. 1,000 metres is about a {minutes}-minute walk."),
            minutes=walk_minutes(1000),
        ),
    )
    skills = forms.ModelMultipleChoiceField(
        label=_("What can you help with?"),
        queryset=HelpCategory.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        to_field_name="slug",
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you speak"),
        choices=SPOKEN_LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    email_my_requests = forms.BooleanField(
        label=_("Tell me by email when a neighbour offers to help me, or accepts my help"),
        required=False,
        help_text=_("Every email has a link to stop them."),
    )
    email_notifications = forms.BooleanField(
        label=_("Also tell me by email when a neighbour near me needs help"),
        required=False,
        help_text=_("At most a few emails a day. You can turn it off at any time."),
    )


class HomeForm(PinForm):
    """The first step after sign-up: only the home, and it is required."""

    point_name = "home"
    place_missing = _("Search your address or place the pin on the map")


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's login, limited like the site's own (allauth's
    `login_failed` counters, in the cache: Redis when scaled, so every
    worker counts together). Staff accounts can see everyone's homes."""

    def clean(self):
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email is not None and password:
            # Raises "too many failed login attempts" once over the limit.
            self.user_cache = get_account_adapter(self.request).authenticate(
                self.request, email=email.lower(), password=password
            )
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


NOTIFY_CHANNELS = [
    ("both", _("On this device and by email")),
    ("push", _("On this device only")),
    ("email", _("By email only")),
    ("none", _("Not at all")),
]
NOTIFY_KIND_LABELS = {
    "new_request": _("A neighbour near me needs help"),
    "response": _("A neighbour offers to help me"),
    "accepted": _("My offer of help is accepted"),
    "message": _("A new message"),
    "follow_up": _("Did it help? (one question after a request)"),
}


class NotificationsForm(forms.Form):
    """How each kind of news reaches the person, and when pushes are quiet."""

    quiet = forms.BooleanField(
        label=_("Quiet hours: no notification on this device between"), required=False
    )
    quiet_start = forms.TimeField(
        label=_("From"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_end = forms.TimeField(
        label=_("To"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    urgent_in_quiet_hours = forms.BooleanField(
        label=_("Still tell me of urgent requests during quiet hours"), required=False
    )
    lock_screen_titles = forms.BooleanField(
        label=_("Show what a request is about on the lock screen"), required=False
    )
    digest = forms.BooleanField(
        label=_("One email a day with everything, instead of one email each time"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in NOTIFY_KIND_LABELS.items():
            self.fields[f"kind_{kind}"] = forms.ChoiceField(label=label, choices=NOTIFY_CHANNELS)

    def kind_fields(self):
        return [self[f"kind_{kind}"] for kind in NOTIFY_KIND_LABELS]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("quiet") and not (cleaned.get("quiet_start") and cleaned.get("quiet_end")):
            self.add_error("quiet_start", _("Give the start and the end of the quiet hours."))
        return cleaned
