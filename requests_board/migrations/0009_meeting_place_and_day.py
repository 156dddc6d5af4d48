# The day a request is for, and its meeting place in words. Columns are added
# with plain SQL, the same on both backends, for the reason given in 0008.
from django.db import migrations, models

COLUMNS = {
    "needed_on": "date NULL",
    "meeting_address": "varchar(300) DEFAULT '' NOT NULL",
    "meeting_note": "varchar(200) DEFAULT '' NOT NULL",
}


class Migration(migrations.Migration):
    dependencies = [
        ("requests_board", "0008_part_of_day"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"ALTER TABLE requests_board_helprequest ADD COLUMN {name} {definition}",
                    f"ALTER TABLE requests_board_helprequest DROP COLUMN {name}",
                )
                for name, definition in COLUMNS.items()
            ],
            state_operations=[
                migrations.AddField(
                    model_name="helprequest",
                    name="needed_on",
                    field=models.DateField(blank=True, null=True, verbose_name="day"),
                ),
                migrations.AddField(
                    model_name="helprequest",
                    name="meeting_address",
                    field=models.CharField(blank=True, default="", max_length=300),
                ),
                migrations.AddField(
                    model_name="helprequest",
                    name="meeting_note",
                    field=models.CharField(
                        blank=True, default="", max_length=200, verbose_name="note about the place"
                    ),
                ),
            ],
        ),
    ]
