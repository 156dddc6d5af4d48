# "Ask Louise": a request addressed first to one offer. Both columns are
# nullable, so SQLite adds them in place (no table rebuild, unlike 0008).
# Going back rebuilds the table, which SpatiaLite refuses (see 0008): on
# SpatiaLite, restore a backup instead.
import django.db.models.deletion
from django.db import migrations, models

KINDS = [
    ("new_request", "A neighbour near you needs help"),
    ("new_response", "A neighbour offers to help you"),
    ("accepted", "Your offer of help was accepted"),
    ("closed", "A request you answered is closed"),
    ("moderation", "A moderator acted on something of yours"),
    ("report_outcome", "A report you made was reviewed"),
    ("follow_up", "Did this help? One question"),
    ("direct_request", "A neighbour asks you directly"),
    ("direct_declined", "The volunteer you asked cannot this time"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("requests_board", "0009_meeting_place_and_day"),
    ]

    operations = [
        migrations.AddField(
            model_name="helprequest",
            name="addressed_to",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="direct_requests",
                to="requests_board.volunteeroffer",
            ),
        ),
        migrations.AddField(
            model_name="helprequest",
            name="addressed_until",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(choices=KINDS, max_length=20),
        ),
    ]
