# Zone moved from moderation to geo: the table (moderation_zone) stays, only
# Django's record of which app owns it changes.
import django.contrib.gis.db.models.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("moderation", "0004_reports_in_every_zone"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Zone",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=100, unique=True, verbose_name="name")),
                        ("area", django.contrib.gis.db.models.fields.MultiPolygonField(srid=4326, verbose_name="area")),
                    ],
                    options={
                        "verbose_name": "zone",
                        "verbose_name_plural": "zones",
                        "db_table": "moderation_zone",
                        "ordering": ["name"],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
