"""`manage.py backup` and `manage.py restore` round-trip a populated
database on the backend the suite runs on (PostgreSQL's pg_dump and
pg_restore, or SQLite's online backup)."""

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.management import CommandError, call_command

from chat.models import Message
from geo.models import Zone
from requests_board import services
from requests_board.models import HelpRequest
from tests.factories import resident_at

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_populated_database_round_trips(tmp_path, category):
    alice = resident_at(48.86, 2.37, display_name="Alice")
    bruno = resident_at(48.865, 2.37, display_name="Bruno")
    request = services.help_request_create(
        author=alice, title="Courses au marché", category=category, location=alice.home
    )
    services.help_request_respond(request=request, volunteer=bruno, message="Je passe à 10 h")
    copy = tmp_path / "entraide.backup"
    call_command("backup", str(copy))
    assert copy.stat().st_size > 0 and copy.stat().st_mode & 0o777 == 0o600

    HelpRequest.objects.all().delete()  # a mistake, after the backup
    assert not Message.objects.exists()
    call_command("restore", str(copy))

    restored = HelpRequest.objects.get(pk=request.pk)
    assert restored.title == "Courses au marché"
    assert restored.location.equals_exact(request.location, 1e-9)  # the geometry too
    assert Message.objects.get().body == "Je passe à 10 h"
    # The database works on after it: new rows get new ids.
    again = services.help_request_create(
        author=alice, title="Encore", category=category, location=alice.home
    )
    assert again.pk > request.pk


def test_a_session_kept_from_before_a_restore_still_finds_places(tmp_path, category):
    """A worker left running keeps its connections across a restore: its
    spatial queries must go on working (replacing the PostGIS extension gave
    its types new ids, and such a session failed with "no spatial operator
    found")."""
    from django.db import connection

    alice = resident_at(48.86, 2.37, display_name="Alice")
    services.help_request_create(
        author=alice, title="Courses", category=category, location=alice.home
    )
    copy = tmp_path / "entraide.backup"
    call_command("backup", str(copy))
    kept = connection.copy()  # another session, as a worker's would be
    inside = (
        "SELECT count(*) FROM requests_board_helprequest r, moderation_zone z "
        "WHERE z.id = %s AND ST_Contains(z.area, r.location::geometry)"
        if connection.vendor == "postgresql"
        else "SELECT count(*) FROM requests_board_helprequest r, moderation_zone z "
        "WHERE z.id = %s AND ST_Contains(z.area, r.location)"
    )

    def requests_in_a_new_zone_seen_by_the_kept_session() -> int:
        zone = Zone.objects.create(
            name="Centre", area=MultiPolygon(Polygon.from_bbox((2.36, 48.85, 2.38, 48.87)))
        )
        with kept.cursor() as cursor:
            cursor.execute(inside, [zone.pk])
            return cursor.fetchone()[0]

    assert requests_in_a_new_zone_seen_by_the_kept_session() == 1
    call_command("restore", str(copy))
    assert requests_in_a_new_zone_seen_by_the_kept_session() == 1
    kept.close()


def test_restore_refuses_what_is_not_a_backup(tmp_path):
    junk = tmp_path / "junk"
    junk.write_bytes(b"not a database")
    with pytest.raises(CommandError):
        call_command("restore", str(junk))
    with pytest.raises(CommandError):
        call_command("restore", str(tmp_path / "missing"))
