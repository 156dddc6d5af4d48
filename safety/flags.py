"""The personal-data rule for public text (DESIGN.md, "Moderation and
safety"): the author is warned before publishing and may edit; what is
published anyway is announced (safety.signals.published_anyway), and moderation flags it
to the zone's moderators as a report by the app."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from safety.content import findings_summary, personal_data_findings


class PersonalDataWarning(ValidationError):
    """The text seems to hold personal data; the author may edit it or
    publish anyway (forms then show the "publish anyway" box)."""

    personal_data = True


def personal_data_check(fields: dict[str, str], *, publish_anyway: bool) -> str:
    """Raises a ValidationError on each field that seems to hold a phone
    number, an email or a street address, unless the author chose to publish
    anyway; returns what was found ("" if nothing), for report_flag."""
    found = {name: personal_data_findings(text or "") for name, text in fields.items()}
    found = {name: findings for name, findings in found.items() if findings}
    if not found:
        return ""
    summary = findings_summary(f for findings in found.values() for f in findings)
    if not publish_anyway:
        message = _(
            "This seems to contain %(what)s, which everyone could see. Neighbours talk "
            "in the app: remove it, or choose to publish anyway."
        )
        raise PersonalDataWarning(
            {name: [message % {"what": findings_summary(f)}] for name, f in found.items()}
        )
    return summary
