"""A report belongs to every zone containing its content's point, not only
the oldest: moderators of a district inside a city-wide zone see it too."""

from django.db import migrations, models


def zones_copy(apps, schema_editor):
    Report = apps.get_model("moderation", "Report")
    Zone = apps.get_model("moderation", "Zone")
    HelpRequest = apps.get_model("requests_board", "HelpRequest")
    VolunteerOffer = apps.get_model("requests_board", "VolunteerOffer")
    Message = apps.get_model("chat", "Message")
    User = apps.get_model("neighbors", "User")

    def exact_point(report):
        if report.target_type == "request":
            found = HelpRequest.objects.filter(pk=report.target_id).first()
            return found and found.location
        if report.target_type == "offer":
            found = VolunteerOffer.objects.filter(pk=report.target_id).first()
            return found and found.location
        if report.target_type == "message":
            found = (
                Message.objects.filter(pk=report.target_id)
                .select_related("conversation__request")
                .first()
            )
            return found and found.conversation.request.location
        found = User.objects.filter(pk=report.target_id).first()
        return found and found.home

    for report in Report.objects.all():
        zones = set()
        if report.zone_id is not None:
            zones.add(report.zone_id)
        if report.status == "open":
            point = exact_point(report)
            if point is not None:
                zones |= set(
                    Zone.objects.filter(area__contains=point).values_list("pk", flat=True)
                )
        report.zones.set(zones)


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0003_reports_survive_erasure"),
        ("requests_board", "0005_follow_ups_zones_retention"),
        ("chat", "0003_erasure_keeps_conversations"),
        ("neighbors", "0003_sanctions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="report",
            name="zone",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=models.SET_NULL,
                related_name="+",
                to="moderation.zone",
            ),
        ),
        migrations.AddField(
            model_name="report",
            name="zones",
            field=models.ManyToManyField(
                blank=True, related_name="reports", to="moderation.zone"
            ),
        ),
        migrations.RunPython(zones_copy, migrations.RunPython.noop),
        migrations.RemoveField(model_name="report", name="zone"),
    ]
