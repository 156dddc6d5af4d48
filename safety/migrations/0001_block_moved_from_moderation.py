# Block moved from moderation to safety: the table (moderation_block) stays,
# only Django's record of which app owns it changes.
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("moderation", "0004_reports_in_every_zone"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Block",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("blocked", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="blocks_received", to=settings.AUTH_USER_MODEL)),
                        ("blocker", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="blocks_made", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "moderation_block",
                        "constraints": [
                            models.UniqueConstraint(fields=("blocker", "blocked"), name="one_block_per_pair"),
                            models.CheckConstraint(condition=models.Q(("blocker", models.F("blocked")), _negated=True), name="no_self_block"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
