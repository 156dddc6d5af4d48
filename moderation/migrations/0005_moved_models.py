# Zone now lives in geo and Block in safety: the foreign keys point there
# (the tables and columns are unchanged), and moderation forgets both.
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0004_reports_in_every_zone"),
        ("geo", "0001_zone_moved_from_moderation"),
        ("safety", "0001_block_moved_from_moderation"),
        ("requests_board", "0006_moved_models"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="moderator",
                    name="zones",
                    field=models.ManyToManyField(blank=True, related_name="moderators", to="geo.zone"),
                ),
                migrations.AlterField(
                    model_name="report",
                    name="zones",
                    field=models.ManyToManyField(blank=True, related_name="reports", to="geo.zone"),
                ),
                migrations.AlterField(
                    model_name="moderationaction",
                    name="zone",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to="geo.zone"),
                ),
                migrations.DeleteModel(name="Zone"),
                migrations.DeleteModel(name="Block"),
            ],
            database_operations=[],
        ),
    ]
