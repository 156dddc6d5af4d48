"""Words for times, said as people say them.

`{{ moment|ago }}` is "just now" under a minute (never "0 minutes"), then
"5 minutes ago", "2 hours ago" in the reader's language."""

from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def ago(moment) -> str:
    if not moment:
        return ""
    if timezone.now() - moment < timedelta(minutes=1):
        return _("just now")
    return _("%(time)s ago") % {"time": timesince(moment)}
