# Each post remembers where the map counts it (map_point), so one service
# (requests_board.visibility) can move the count whatever changed. The counts
# are rebuilt from the rows here, which also mends any drift from before.
import django.contrib.gis.db.models.fields
from django.db import migrations
from django.db.models import Q
from django.utils import timezone

from requests_board.map_cells import LEVELS, cell_of


def counts_rebuild(apps, schema_editor):
    HelpRequest = apps.get_model("requests_board", "HelpRequest")
    VolunteerOffer = apps.get_model("requests_board", "VolunteerOffer")
    MapCell = apps.get_model("requests_board", "MapCell")
    User = apps.get_model("neighbors", "User")
    now = timezone.now()
    restricted = User.objects.filter(Q(banned_at__isnull=False) | Q(suspended_until__gt=now))
    public = {
        "request": HelpRequest.objects.filter(
            status="open", expires_at__gt=now, hidden=False
        ).exclude(author__in=restricted),
        "offer": VolunteerOffer.objects.filter(is_active=True, hidden=False).exclude(
            volunteer__in=restricted
        ),
    }
    MapCell.objects.all().delete()
    cells = {}
    for kind, rows in public.items():
        model = rows.model
        for pk, point in rows.values_list("pk", "public_location").iterator():
            model.objects.filter(pk=pk).update(map_point=point)
            for level in LEVELS:
                x, y = cell_of(point.x, point.y, level)
                cell = cells.setdefault((level, x, y, kind), [0, 0.0, 0.0])
                cell[0] += 1
                cell[1] += point.y
                cell[2] += point.x
    MapCell.objects.bulk_create(
        MapCell(level=level, x=x, y=y, kind=kind, count=n, sum_lat=lat, sum_lng=lng)
        for (level, x, y, kind), (n, lat, lng) in cells.items()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("requests_board", "0006_moved_models"),
        ("neighbors", "0004_help_category_moved_from_requests_board"),
    ]

    operations = [
        migrations.AddField(
            model_name="helprequest",
            name="map_point",
            field=django.contrib.gis.db.models.fields.PointField(
                blank=True, null=True, spatial_index=False, srid=4326
            ),
        ),
        migrations.AddField(
            model_name="volunteeroffer",
            name="map_point",
            field=django.contrib.gis.db.models.fields.PointField(
                blank=True, null=True, spatial_index=False, srid=4326
            ),
        ),
        migrations.RunPython(counts_rebuild, migrations.RunPython.noop, elidable=True),
    ]
