# HelpCategory now lives in neighbors and Zone in geo: the foreign keys point
# there (the tables and columns are unchanged), and requests_board forgets
# HelpCategory.
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("requests_board", "0005_follow_ups_zones_retention"),
        ("neighbors", "0004_help_category_moved_from_requests_board"),
        ("geo", "0001_zone_moved_from_moderation"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="helprequest",
                    name="category",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="requests", to="neighbors.helpcategory"),
                ),
                migrations.AlterField(
                    model_name="volunteeroffer",
                    name="categories",
                    field=models.ManyToManyField(related_name="offers", to="neighbors.helpcategory"),
                ),
                migrations.AlterField(
                    model_name="helprequest",
                    name="zone",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="geo.zone"),
                ),
                migrations.DeleteModel(name="HelpCategory"),
            ],
            database_operations=[],
        ),
    ]
