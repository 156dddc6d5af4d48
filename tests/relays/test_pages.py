"""The relays' pages with the test client: recording a neighbour (and
refusing what cannot be kept), changing and withdrawing them; the
moderators' page that names relays."""

import pytest

from relays.models import KeptNeighbour, Relay
from tests.factories import (
    PARIS,
    KeptNeighbourFactory,
    ModeratorFactory,
    RelayFactory,
    UserFactory,
    ZoneFactory,
)

pytestmark = pytest.mark.django_db

FORM = {
    "first_name": "Martine",
    "lat": PARIS[0],
    "lng": PARIS[1],
    "phone": "06 12 34 56 78",
    "languages": ["fr"],
    "consent_how": "in_person",
    "consent_given_at": "2026-12-01",
}


@pytest.fixture
def relay_client(client):
    relay = RelayFactory().user
    client.force_login(relay)
    client.relay = relay
    return client


def test_a_relay_records_a_neighbour_and_only_they_see_her_number(relay_client, client):
    answer = relay_client.post("/relay/neighbours/new/", FORM, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 302
    martine = KeptNeighbour.objects.get(relay=relay_client.relay)
    assert martine.phone == "+33612345678" and martine.consent_how == "in_person"
    listing = relay_client.get("/relay/neighbours/").content.decode()
    assert "06 12 34 56 78" in listing and "Martine" in listing


@pytest.mark.parametrize(
    "change, field",
    [
        ({"phone": "12"}, "phone"),
        ({"first_name": ""}, "first_name"),
        ({"lat": "", "lng": ""}, "lat"),
        ({"consent_given_at": "2999-01-01"}, "consent_given_at"),
        ({"consent_how": "telepathy"}, "consent_how"),
        ({"texts": "on", "phone": ""}, "texts"),
    ],
)
def test_what_cannot_be_kept_is_said_on_the_form_and_nothing_is_saved(relay_client, change, field):
    answer = relay_client.post("/relay/neighbours/new/", {**FORM, **change})
    assert answer.status_code == 400
    assert field in answer.context["form"].errors
    assert 'role="alert"' in answer.content.decode()
    assert not KeptNeighbour.objects.exists()


def test_only_her_relay_changes_or_withdraws_her(relay_client, client):
    martine = KeptNeighbourFactory(relay=relay_client.relay)
    edit = relay_client.post(
        f"/relay/neighbours/{martine.pk}/edit/", {**FORM, "first_name": "Martine D."}
    )
    assert edit.status_code == 302
    martine.refresh_from_db()
    assert martine.first_name == "Martine D."
    other = UserFactory()
    client.force_login(other)
    for url in (
        f"/relay/neighbours/{martine.pk}/edit/",
        f"/relay/neighbours/{martine.pk}/withdraw/",
    ):
        assert client.get(url).status_code == 404
    assert client.get("/relay/neighbours/").status_code == 403
    assert client.post(f"/relay/neighbours/{martine.pk}/withdraw/").status_code == 404
    assert KeptNeighbour.objects.filter(pk=martine.pk).exists()
    client.force_login(relay_client.relay)
    assert client.get(f"/relay/neighbours/{martine.pk}/withdraw/").status_code == 200
    assert client.post(f"/relay/neighbours/{martine.pk}/withdraw/").status_code == 302
    assert not KeptNeighbour.objects.filter(pk=martine.pk).exists()


def test_a_moderator_names_and_removes_relays_in_their_zones(client):
    zone, elsewhere = ZoneFactory(name="Belleville"), ZoneFactory(name="Ailleurs")
    moderator = ModeratorFactory()
    moderator.zones.set([zone])
    sophie = UserFactory(email="sophie@example.org")
    client.force_login(moderator.user)
    page = client.get("/moderation/relays/").content.decode()
    assert "Belleville" in page and "Ailleurs" not in page  # only their zones to choose
    unknown = client.post("/moderation/relays/", {"email": "nobody@example.org", "zone": zone.pk})
    assert unknown.status_code == 400 and not Relay.objects.exists()
    outside = client.post("/moderation/relays/", {"email": sophie.email, "zone": elsewhere.pk})
    assert outside.status_code == 400 and not Relay.objects.exists()
    named = client.post("/moderation/relays/", {"email": "SOPHIE@example.org", "zone": zone.pk})
    assert named.status_code == 302
    relay = Relay.objects.get(user=sophie)
    assert list(relay.zones.all()) == [zone] and relay.named_by == moderator.user
    assert client.post("/moderation/relays/", {"remove": relay.pk}).status_code == 302
    assert not Relay.objects.exists()


def test_the_moderators_page_is_for_moderators(client):
    client.force_login(UserFactory())
    assert client.get("/moderation/relays/").status_code == 403
