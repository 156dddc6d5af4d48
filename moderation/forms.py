from django import forms
from django.utils.translation import gettext_lazy as _

from moderation.models import ActionKind, Reason


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong?"), choices=Reason.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(
        label=_("Details (optional)"),
        help_text=_("Only moderators read this."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ActionForm(forms.Form):
    action = forms.ChoiceField(label=_("Decision"), choices=ActionKind.choices)
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("The author and the reporters are told; the log keeps it."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    days = forms.IntegerField(
        label=_("Days (for a suspension)"), min_value=1, max_value=365, required=False
    )
