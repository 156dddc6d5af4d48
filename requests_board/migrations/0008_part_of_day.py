# The column is added with plain SQL, the same on both backends: on SQLite,
# Django's AddField of a NOT NULL column rebuilds the whole table, and
# SpatiaLite's rebuild drops an R*Tree index for every geometry column,
# including map_point, which has none, so the migration would fail there.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("requests_board", "0007_map_point"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE requests_board_helprequest "
                    "ADD COLUMN part_of_day varchar(10) DEFAULT '' NOT NULL",
                    "ALTER TABLE requests_board_helprequest DROP COLUMN part_of_day",
                ),
            ],
            state_operations=[
                migrations.AddField(
                    model_name="helprequest",
                    name="part_of_day",
                    field=models.CharField(
                        blank=True,
                        choices=[
                            ("", "Any time"),
                            ("morning", "In the morning"),
                            ("afternoon", "In the afternoon"),
                            ("evening", "In the evening"),
                        ],
                        default="",
                        max_length=10,
                        verbose_name="part of the day",
                    ),
                ),
            ],
        ),
    ]
