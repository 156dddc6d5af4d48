# HelpCategory moved from requests_board to neighbors (a neighbour's skills
# are categories): the table (requests_board_helpcategory) stays, only
# Django's record of which app owns it changes.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("neighbors", "0003_sanctions"),
        ("requests_board", "0005_follow_ups_zones_retention"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="HelpCategory",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("slug", models.SlugField(unique=True)),
                        ("name_en", models.CharField(max_length=80)),
                        ("name_fr", models.CharField(max_length=80)),
                        ("icon", models.CharField(blank=True, help_text="An emoji shown on the map.", max_length=16)),
                        ("position", models.PositiveSmallIntegerField(default=0)),
                    ],
                    options={
                        "verbose_name": "help category",
                        "verbose_name_plural": "help categories",
                        "db_table": "requests_board_helpcategory",
                        "ordering": ["position", "slug"],
                    },
                ),
                migrations.AlterField(
                    model_name="user",
                    name="skills",
                    field=models.ManyToManyField(blank=True, related_name="skilled_users", to="neighbors.helpcategory"),
                ),
            ],
            database_operations=[],
        ),
    ]
