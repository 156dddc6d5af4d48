"""Web Push end to end against a stand-in push service on loopback: the
real pywebpush client sends real encrypted pushes (RFC 8291, aes128gcm)
signed with VAPID (RFC 8292); each test decrypts them with the device's
private key and checks the JWT with the server's public key."""

import base64
import json
import os
import time
from datetime import datetime, timedelta
from datetime import time as clock
from zoneinfo import ZoneInfo

import http_ece
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from django.contrib.gis.geos import Point
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from chat import services as chat_services
from chat.models import Conversation
from geo.distance import band_for, metres_between
from neighbors import notify
from neighbors import services as neighbor_services
from neighbors.api import NotificationSettingsSerializer
from push import vapid
from push.delivery import push_deliver
from push.models import PushSubscription
from realtime.presence import presence_set
from requests_board import services
from requests_board.models import Urgency
from requests_board.tasks import notify_wave
from tests.factories import resident_at
from tests.requests_board.conftest import ORIGIN, north_of
from tests.stand_ins import PushServiceStandIn

pytestmark = pytest.mark.django_db


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Device:
    """A browser's push subscription: its own P-256 key pair and auth secret."""

    def __init__(self, service: PushServiceStandIn, name: str):
        self.name = name
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.endpoint = service.endpoint(name)
        self.service = service

    def subscription(self) -> dict:
        public = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": self.endpoint,
            "keys": {"p256dh": b64url(public), "auth": b64url(self.auth)},
        }

    def pushes(self) -> list[dict]:
        """What reached this device, decrypted."""
        out = []
        for push in self.service.for_device(self.name):
            plain = http_ece.decrypt(
                push["body"], private_key=self.key, auth_secret=self.auth, version="aes128gcm"
            )
            out.append({**push, "data": json.loads(plain)})
        return out


class _Nowhere:
    """No push service: for subscriptions that are refused before any push."""

    def endpoint(self, name):
        return f"https://push.invalid/{name}"


OFFLINE = _Nowhere()


@pytest.fixture
def push_service():
    with PushServiceStandIn() as service:
        yield service


@pytest.fixture
def vapid_key(settings):
    settings.VAPID_PRIVATE_KEY = vapid.key_pair_pem().decode()
    settings.PUSH_ALLOW_LOOPBACK = True
    vapid.private_pem.cache_clear()
    yield
    vapid.private_pem.cache_clear()


def run_pushes() -> list[str]:
    """Runs the queued push tasks as the worker would; what each did."""
    done = []
    for result in DBTaskResult.objects.filter(task_path__endswith="push_deliver", status="READY"):
        done.append(push_deliver.call(*result.args_kwargs["args"]))
        result.delete()
    return done


def vapid_claims(push: dict) -> dict:
    """Checks the VAPID header's JWT against the server's public key; its claims."""
    scheme, _, params = push["headers"]["authorization"].partition(" ")
    assert scheme == "vapid"
    fields = dict(part.strip().split("=", 1) for part in params.split(","))
    assert fields["k"] == vapid.public_key_b64url()
    header, payload, signature = fields["t"].split(".")
    raw = unb64url(signature)
    assert len(raw) == 64
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(fields["k"]))
    public.verify(  # raises InvalidSignature
        encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")),
        f"{header}.{payload}".encode(),
        ec.ECDSA(hashes.SHA256()),
    )
    assert json.loads(unb64url(header))["alg"] == "ES256"
    return json.loads(unb64url(payload))


@pytest.fixture
def neighbours(category):
    a = resident_at(*ORIGIN, display_name="Alice", language="fr")
    b = resident_at(*north_of(600), display_name="Bruno", language="fr", walk_radius_m=1500)
    services.offer_create(volunteer=b, categories=[category])
    return a, b


def subscribe(api_for, user, device) -> int:
    response = api_for(user).post(
        "/api/v1/push/subscriptions", device.subscription(), format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_the_key_and_subscriptions_contract(api_for, vapid_key, push_service, neighbours):
    a, b = neighbours
    key = api_for(a).get("/api/v1/push/key").json()["public_key"]
    assert len(unb64url(key)) == 65 and unb64url(key)[0] == 4
    phone, laptop = Device(push_service, "phone"), Device(push_service, "laptop")
    first = subscribe(api_for, b, phone)
    again = api_for(b).post("/api/v1/push/subscriptions", phone.subscription(), format="json")
    assert again.status_code == 200 and again.json() == {"id": first}
    second = subscribe(api_for, b, laptop)  # several devices
    assert second != first and PushSubscription.objects.filter(user=b).count() == 2
    assert api_for(a).delete(f"/api/v1/push/subscriptions/{first}").status_code == 404
    assert api_for(b).delete(f"/api/v1/push/subscriptions/{first}").status_code == 204
    assert list(PushSubscription.objects.values_list("pk", flat=True)) == [second]


def test_an_urgent_request_reaches_the_volunteer_s_phone_encrypted_and_signed(
    api_for, vapid_key, push_service, neighbours, category, django_capture_on_commit_callbacks
):
    a, b = neighbours
    phone = Device(push_service, "b-phone")
    subscribe(api_for, b, phone)
    b.quiet_start = b.quiet_end = None  # whatever the hour of the test
    b.save()
    lat, lng = ORIGIN
    with django_capture_on_commit_callbacks(execute=True):
        request = services.help_request_create(
            author=a,
            title="Courses urgentes",
            category=category,
            urgency=Urgency.HIGH,
            location=Point(lng, lat, srid=4326),
        )
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_wave.call(request.pk) >= 1
    assert run_pushes() == ["sent"]
    (push,) = phone.pushes()
    print(f"\npush delivered {1000 * (push['at'] - started):.0f} ms after the wave ran")
    data = push["data"]
    assert data["type"] == "new_request" and data["tag"] == f"request-{request.pk}"
    assert data["title"] == "Un voisin près de chez vous a besoin d'aide"
    request.refresh_from_db()
    band = band_for(metres_between(b.home, request.public_location))  # B's own list's band
    with translation.override("fr"):
        assert data["body"] == f"Courses urgentes · {band.label}"
    assert data["url"] == f"/requests/{request.pk}/"
    text = json.dumps(data)
    for secret in (f"{lat:.4f}", f"{lng:.4f}", "48.86", "2.37"):
        assert secret not in text
    assert push["headers"]["urgency"] == "high" and int(push["headers"]["ttl"]) > 0
    assert push["headers"]["content-encoding"] == "aes128gcm"
    claims = vapid_claims(push)
    assert claims["aud"] == push_service.origin
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600
    assert claims["sub"].startswith("mailto:")

    # Bruno responds: Alice's phone hears of it.
    alice_phone = Device(push_service, "a-phone")
    subscribe(api_for, a, alice_phone)
    a.quiet_start = a.quiet_end = None
    a.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.help_request_respond(request=request, volunteer=b, message="J'arrive")
    assert run_pushes() == ["sent"]
    (answer,) = alice_phone.pushes()
    assert answer["data"]["type"] == "response" and "Courses urgentes" in answer["data"]["body"]


def test_titles_stay_off_the_lock_screen_for_who_asks(
    api_for, vapid_key, push_service, neighbours, category, django_capture_on_commit_callbacks
):
    a, b = neighbours
    phone = Device(push_service, "b-phone")
    subscribe(api_for, b, phone)
    assert (
        api_for(b)
        .patch(
            "/api/v1/me/notifications",
            {"lock_screen_titles": False, "quiet_hours": None},
            format="json",
        )
        .status_code
        == 200
    )
    with django_capture_on_commit_callbacks(execute=True):
        request = services.help_request_create(
            author=a, title="Secret titre", category=category, location=a.home
        )
    with django_capture_on_commit_callbacks(execute=True):
        notify_wave.call(request.pk)
    run_pushes()
    (push,) = phone.pushes()
    assert "Secret titre" not in json.dumps(push["data"])


def test_quiet_hours_hold_pushes_unless_urgent_and_allowed(
    api_for, vapid_key, push_service, neighbours, category, django_capture_on_commit_callbacks
):
    a, b = neighbours
    subscribe(api_for, b, Device(push_service, "b-phone"))
    now = timezone.now().astimezone(timezone.get_current_timezone())
    start = (now - timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (now + timedelta(hours=1)).time().replace(second=0, microsecond=0)
    body = {"quiet_hours": {"start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")}}
    assert api_for(b).patch("/api/v1/me/notifications", body, format="json").status_code == 200

    def post(title, urgency):
        with django_capture_on_commit_callbacks(execute=True):
            request = services.help_request_create(
                author=a, title=title, category=category, urgency=urgency, location=a.home
            )
        with django_capture_on_commit_callbacks(execute=True):
            notify_wave.call(request.pk)
        return run_pushes()

    assert post("Pas pressé", Urgency.NORMAL) == []
    assert post("Urgent mais nuit", Urgency.HIGH) == []
    api_for(b).patch("/api/v1/me/notifications", {"urgent_in_quiet_hours": True}, format="json")
    assert post("Urgent, permis", Urgency.HIGH) == ["sent"]
    api_for(b).patch("/api/v1/me/notifications", {"kinds": {"new_request": "email"}}, format="json")
    assert post("Urgent, mais pas de push", Urgency.HIGH) == []


def test_no_push_for_the_conversation_on_screen_and_one_tag_per_conversation(
    api_for, vapid_key, push_service, neighbours, category, django_capture_on_commit_callbacks
):
    a, b = neighbours
    for user in (a, b):
        user.quiet_start = user.quiet_end = None
        user.save()
    request = services.help_request_create(
        author=a, title="Courses", category=category, location=a.home
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.help_request_respond(request=request, volunteer=b, message="Je peux")
    run_pushes()
    conversation = Conversation.objects.get(request=request)
    phone = Device(push_service, "a-phone")
    subscribe(api_for, a, phone)

    presence_set(a.pk, "channel-1", conversation.pk)  # open on one of her devices
    with django_capture_on_commit_callbacks(execute=True):
        chat_services.message_send(
            user=b, conversation_id=conversation.pk, body="10 h ?", client_id="b-1"
        )
    assert run_pushes() == []

    presence_set(a.pk, "channel-1", None)  # she left it
    with django_capture_on_commit_callbacks(execute=True):
        chat_services.message_send(
            user=b, conversation_id=conversation.pk, body="Au 12 rue X", client_id="b-2"
        )
    assert run_pushes() == ["sent"]
    (push,) = phone.pushes()
    assert push["data"]["type"] == "message"
    assert push["data"]["tag"] == f"conversation-{conversation.pk}"
    assert push["data"]["url"] == f"/conversations/{conversation.pk}/"
    assert "12 rue" not in json.dumps(push["data"])  # never the message itself


def test_a_gone_subscription_is_deleted(
    api_for, vapid_key, push_service, neighbours, category, django_capture_on_commit_callbacks
):
    a, b = neighbours
    b.quiet_start = b.quiet_end = None
    b.save()
    subscribe(api_for, b, Device(push_service, "old-phone"))
    push_service.gone.add("/push/old-phone")
    with django_capture_on_commit_callbacks(execute=True):
        request = services.help_request_create(
            author=a, title="Courses", category=category, location=a.home
        )
    with django_capture_on_commit_callbacks(execute=True):
        notify_wave.call(request.pk)
    assert run_pushes() == ["gone"]
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://127.0.0.1:9/push/x",  # loopback, outside development mode
        "https://127.0.0.1/push/x",
        "https://[::1]/push/x",
        "https://10.1.2.3/push/x",  # private
        "https://192.168.1.1/push/x",
        "https://169.254.169.254/latest/meta-data",  # link-local (cloud metadata)
        "https://0.0.0.0/push/x",
        "https://localhost/push/x",
        "http://93.184.216.34/push/x",  # public, but not https
        "https://user:pw@93.184.216.34/push/x",
        "ftp://93.184.216.34/push/x",
        "https://no-such-host.invalid/push/x",  # does not resolve
        "not a url",
        "https://" + "a" * 1000 + ".org/",
    ],
)
def test_endpoints_inside_the_network_are_refused(api_for, settings, neighbours, endpoint):
    settings.PUSH_ALLOW_LOOPBACK = False
    _a, b = neighbours
    device = Device(OFFLINE, "x")
    body = {**device.subscription(), "endpoint": endpoint}
    response = api_for(b).post("/api/v1/push/subscriptions", body, format="json")
    assert response.status_code == 400, (endpoint, response.content)
    assert "endpoint" in response.json().get("fields", {})
    assert not PushSubscription.objects.exists()


def test_a_public_https_endpoint_is_accepted_and_bad_keys_are_not(api_for, settings, neighbours):
    settings.PUSH_ALLOW_LOOPBACK = False
    _a, b = neighbours
    device = Device(OFFLINE, "x")
    good = {**device.subscription(), "endpoint": "https://93.184.216.34/push/abc"}
    assert api_for(b).post("/api/v1/push/subscriptions", good, format="json").status_code == 201
    for keys in (
        {"p256dh": "short", "auth": good["keys"]["auth"]},
        {"p256dh": good["keys"]["p256dh"], "auth": "x"},
        {"p256dh": b64url(b"\x05" + os.urandom(64)), "auth": good["keys"]["auth"]},
    ):
        bad = {"endpoint": "https://93.184.216.34/push/other", "keys": keys}
        assert api_for(b).post("/api/v1/push/subscriptions", bad, format="json").status_code == 400
    assert PushSubscription.objects.count() == 1


def test_notification_preferences_read_and_change_field_by_field(api_for, neighbours):
    _a, b = neighbours
    me = api_for(b)
    before = me.get("/api/v1/me/notifications").json()
    assert before["kinds"] == {
        "new_request": "push",
        "response": "both",
        "accepted": "both",
        "message": "both",
        "follow_up": "both",
    }
    assert before["quiet_hours"] == {"start": "21:00", "end": "08:00"}
    assert before["urgent_in_quiet_hours"] is False and before["lock_screen_titles"] is True
    assert before["digest"] is False
    after = me.patch(
        "/api/v1/me/notifications", {"kinds": {"message": "none"}, "digest": True}, format="json"
    ).json()
    assert after["kinds"]["message"] == "none" and after["kinds"]["response"] == "both"
    assert after["digest"] is True and after["quiet_hours"] == before["quiet_hours"]
    for bad in (
        {"kinds": {"message": "sms"}},
        {"kinds": {"weather": "push"}},
        {"quiet_hours": {"start": "25:00", "end": "08:00"}},
        {"quiet_hours": {"start": "21:00"}},
        {"digest": "yes"},
        {"time_zone": "Mars/Olympus"},
        [],
    ):
        response = me.patch("/api/v1/me/notifications", bad, format="json")
        assert response.status_code == 400, bad
    assert me.get("/api/v1/me/notifications").json() == after


def test_every_time_zone_the_api_lists_is_saved_and_used(db):
    """The API's time_zone is one of every IANA zone (about 600). The
    contract test sends three of them (tests/config/contract_hooks.py); here
    each one is saved, answered back and used for quiet hours."""
    zones = NotificationSettingsSerializer().fields["time_zone"].choices
    assert len(zones) > 500 and "Europe/Paris" in zones
    user = resident_at(48.86, 2.37)
    now = timezone.now()
    for zone in zones:
        user = neighbor_services.notify_settings_update(
            user=user, time_zone=zone, quiet_hours={"start": "00:00", "end": "23:59"}
        )
        assert notify.settings_of(user)["time_zone"] == zone
        assert notify.user_zone(user).key == zone
        local = now.astimezone(ZoneInfo(zone)).time()
        assert notify.in_quiet_hours(user, now=now) == (local < clock(23, 59)), zone


def test_quiet_hours_cross_midnight_in_the_user_s_time_zone(neighbours):
    from neighbors.notify import in_quiet_hours

    _a, b = neighbours
    b.quiet_start, b.quiet_end, b.time_zone = clock(21, 0), clock(8, 0), "Europe/Paris"
    paris = timezone.get_fixed_timezone(60)  # December: UTC+1
    for hour, quiet in ((20, False), (21, True), (23, True), (3, True), (7, True), (8, False)):
        moment = datetime(2026, 12, 4, hour, 30, tzinfo=paris)
        assert in_quiet_hours(b, now=moment) is quiet, hour
