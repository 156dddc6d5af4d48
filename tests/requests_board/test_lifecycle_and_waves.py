from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from data_rights.services import account_erase
from requests_board import services
from requests_board.models import HelpRequest, Notification
from requests_board.selectors import volunteer_candidates
from requests_board.tasks import expire_requests, notify_wave
from tests.factories import PASSWORD, resident_at
from tests.requests_board.conftest import north_of

pytestmark = pytest.mark.django_db


def test_lifecycle_open_matched_done(help_request, requester, volunteer):
    assert help_request.status == "open"
    services.help_request_respond(request=help_request, volunteer=volunteer, message="Oui")
    services.help_request_accept(request=help_request, requester=requester, helper_id=volunteer.pk)
    help_request.refresh_from_db()
    assert help_request.status == "matched" and help_request.helper == volunteer
    with pytest.raises(services.TransitionError):
        services.help_request_respond(request=help_request, volunteer=volunteer, message="?")
    services.help_request_complete(request=help_request, user=volunteer)
    help_request.refresh_from_db()
    assert help_request.status == "done" and help_request.closed_at
    with pytest.raises(services.TransitionError):
        services.help_request_cancel(request=help_request, user=requester)
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert {"new_response", "accepted", "closed"} <= kinds


def test_only_the_author_cancels(help_request, volunteer):
    with pytest.raises(PermissionDenied):
        services.help_request_cancel(request=help_request, user=volunteer)


def test_expiry(category, requester):
    lat, lng = 48.86, 2.37
    old = services.help_request_create(
        author=requester, title="old", category=category, location=Point(lng, lat, srid=4326)
    )
    fresh = services.help_request_create(
        author=requester, title="fresh", category=category, location=Point(lng, lat, srid=4326)
    )
    HelpRequest.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert services.help_requests_expire() == 1
    assert HelpRequest.objects.get(pk=old.pk).status == "expired"
    assert HelpRequest.objects.get(pk=fresh.pk).status == "open"
    assert services.help_requests_expire() == 0


def test_needed_by_sets_the_expiry(category, requester):
    tomorrow = timezone.localdate() + timedelta(days=1)
    request = services.help_request_create(
        author=requester,
        title="x",
        category=category,
        location=Point(2.37, 48.86, srid=4326),
        needed_by=tomorrow,
    )
    assert timezone.localtime(request.expires_at).date() == tomorrow + timedelta(days=1)


def test_expiry_task_runs_and_reschedules(category, requester):
    before = set(DBTaskResult.objects.values_list("pk", flat=True))
    expire_requests.call()
    pending = DBTaskResult.objects.filter(
        task_path__endswith="expire_requests", status="READY"
    ).exclude(pk__in=before)
    assert pending.count() == 1
    assert pending.get().run_after > timezone.now() + timedelta(minutes=9)


@pytest.fixture
def volunteers_around(category):
    """Twelve volunteers with offers, 100 m to 1.2 km north of the origin."""
    people = []
    for i in range(12):
        user = resident_at(*north_of(100 + i * 100), display_name=f"V{i}", walk_radius_m=2000)
        services.offer_create(volunteer=user, categories=[category])
        people.append(user)
    return people


def test_notification_waves(
    settings, requester, category, volunteers_around, mailoutbox, django_capture_on_commit_callbacks
):
    settings.NOTIFY_WAVE_SIZE = 5
    with django_capture_on_commit_callbacks(execute=True):
        help_request = services.help_request_create(
            author=requester,
            title="Courses",
            category=category,
            location=Point(2.37, 48.86, srid=4326),
        )
    volunteers_around[0].email_notifications = True
    volunteers_around[0].save()
    # The first wave was enqueued by help_request_create; run it as the worker would.
    first = DBTaskResult.objects.filter(task_path__endswith="notify_wave").first()
    assert first is not None and first.args_kwargs["args"] == [help_request.pk]
    assert notify_wave.call(help_request.pk) == 5
    told = set(Notification.objects.filter(kind="new_request").values_list("user_id", flat=True))
    ranked = volunteer_candidates(request=help_request)
    assert told == {m.item.volunteer_id for m in ranked[:5]}  # the best ranked first
    worst_told = max(m.band.rank for m in ranked if m.item.volunteer_id in told)
    assert all(m.band.rank >= worst_told for m in ranked if m.item.volunteer_id not in told)
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [volunteers_around[0].email]
    later = DBTaskResult.objects.filter(task_path__endswith="notify_wave", status="READY").exclude(
        pk=first.pk
    )
    assert later.get().run_after > timezone.now() + timedelta(
        minutes=settings.NOTIFY_WAVE_MINUTES - 1
    )
    assert notify_wave.call(help_request.pk) == 5
    assert Notification.objects.filter(kind="new_request").count() == 10
    # Somebody responds: no further wave.
    services.help_request_respond(
        request=help_request, volunteer=volunteers_around[3], message="Oui"
    )
    assert notify_wave.call(help_request.pk) == 0


def test_nobody_gets_more_than_the_daily_cap(settings, category, volunteers_around, requester):
    settings.NOTIFY_MAX_PER_DAY = 2
    settings.NOTIFY_WAVE_SIZE = 20
    for i in range(4):
        request = services.help_request_create(
            author=requester,
            title=f"R{i}",
            category=category,
            location=Point(2.37, 48.86, srid=4326),
        )
        services.request_notify_wave(request_id=request.pk)
    per_user = Notification.objects.filter(kind="new_request").values_list("user_id", flat=True)
    for volunteer in volunteers_around:
        assert list(per_user).count(volunteer.pk) <= 2


def test_a_request_whose_helper_left_can_still_be_closed(
    api_for, help_request, requester, volunteer
):
    """Found by the map property test: the helper erases their account while
    matched; the author's "done" answered 500 (a notification to nobody)."""
    services.help_request_respond(request=help_request, volunteer=volunteer, message="Oui")
    services.help_request_accept(request=help_request, requester=requester, helper_id=volunteer.pk)
    account_erase(user=volunteer, password=PASSWORD)

    done = api_for(requester).post(f"/api/v1/requests/{help_request.pk}/complete")

    assert done.status_code == 200, done.content
    help_request.refresh_from_db()
    assert help_request.status == "done" and help_request.helper is None
    assert not Notification.objects.filter(kind="closed").exists()
