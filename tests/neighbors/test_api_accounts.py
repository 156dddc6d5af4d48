import pytest
from rest_framework.authtoken.models import Token

from neighbors.models import User

pytestmark = pytest.mark.django_db

SIGNUP = {"email": "Nadia@Example.org", "password": "pommes-et-poires-42", "display_name": "Nadia"}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Hashing is no part of what is tested here, and with Django's default
    (PBKDF2) ten token attempts took over a minute on a busy machine, so
    the "10 a minute" limit was never reached."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_signup_returns_a_token_and_the_user(api, mailoutbox):
    response = api.post("/api/v1/auth/signup", SIGNUP, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    user = User.objects.get()
    assert body["token"] == Token.objects.get(user=user).key
    assert body["user"]["email"] == "nadia@example.org"
    assert body["user"]["display_name"] == "Nadia"
    assert body["user"]["home"] is None
    assert body["user"]["walk_radius_m"] == 1000
    assert user.check_password(SIGNUP["password"])
    # allauth's verification email went out.
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["nadia@example.org"]

    me = api.get("/api/v1/me", HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert me.status_code == 200
    assert me.json()["email"] == "nadia@example.org"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({**SIGNUP, "email": "not-an-email"}, "email"),
        ({**SIGNUP, "password": "123"}, "password"),
        ({**SIGNUP, "display_name": "   "}, "display_name"),
        ({k: v for k, v in SIGNUP.items() if k != "email"}, "email"),
        ({**SIGNUP, "is_staff": True}, "is_staff"),
    ],
)
def test_bad_signup_is_a_400_with_field_errors_and_creates_nothing(api, payload, field):
    response = api.post("/api/v1/auth/signup", payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid"
    assert field in body["fields"], body
    assert body["detail"]
    assert not User.objects.exists()


def test_signup_with_a_taken_email_is_refused(api, resident):
    response = api.post(
        "/api/v1/auth/signup", {**SIGNUP, "email": resident.email.upper()}, format="json"
    )
    assert response.status_code == 400
    assert "email" in response.json()["fields"]
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    "raw", [b"{not json", b"[1, 2]", b'"text"', b"", b'{"email": NaN}', b"\xff\xfe"]
)
def test_malformed_bodies_are_4xx(api, raw):
    response = api.generic("POST", "/api/v1/auth/signup", raw, content_type="application/json")
    assert 400 <= response.status_code < 500
    assert set(response.json()) >= {"error", "detail"}
    assert not User.objects.exists()


def test_token_for_good_credentials(api, resident, password):
    response = api.post(
        "/api/v1/auth/token", {"email": resident.email, "password": password}, format="json"
    )
    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=resident).key}


def test_wrong_password_gets_no_token(api, resident):
    response = api.post(
        "/api/v1/auth/token", {"email": resident.email, "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_credentials"
    assert not Token.objects.exists()


def test_token_attempts_are_rate_limited(api, resident, password):
    for _ in range(10):
        api.post("/api/v1/auth/token", {"email": resident.email, "password": "x"}, format="json")
    response = api.post(
        "/api/v1/auth/token", {"email": resident.email, "password": password}, format="json"
    )
    assert response.status_code == 429
    assert response.json()["error"] == "throttled"


def test_me_requires_authentication(api):
    response = api.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"


def test_categories_in_both_languages(api):
    en = api.get("/api/v1/categories", HTTP_ACCEPT_LANGUAGE="en").json()
    fr = api.get("/api/v1/categories", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert len(en) == 10
    groceries_en = next(c for c in en if c["slug"] == "groceries")
    groceries_fr = next(c for c in fr if c["slug"] == "groceries")
    assert groceries_en["name"] == "Groceries"
    assert groceries_fr["name"] == "Courses"


def test_openapi_schema_and_docs(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in ("/api/v1/auth/signup", "/api/v1/auth/token", "/api/v1/me", "/api/v1/categories"):
        assert path in paths
    docs = api.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()


def test_unknown_api_paths_answer_json(api):
    response = api.get("/api/v1/requests/null,null", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "detail": "Not found."}


def test_schema_documents_errors_and_strict_bodies(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    signup = schema["paths"]["/api/v1/auth/signup"]["post"]
    assert {"400", "429"} <= set(signup["responses"])
    assert schema["components"]["schemas"]["SignupRequest"]["additionalProperties"] is False
    assert "location" not in schema["components"]["schemas"]["HelpRequest"]["required"]


def test_lists_must_be_lists(api_for, resident):
    response = api_for(resident).patch("/api/v1/me", {"skills": {}}, format="json")
    assert response.status_code == 400
    assert "skills" in response.json()["fields"]


# --- Sign-up does not let a list of addresses be checked (issue 10, finding 9) ---------


def _signup(api, email, ip="203.0.113.7", **changes):
    return api.post(
        "/api/v1/auth/signup",
        {**SIGNUP, "email": email, **changes},
        format="json",
        REMOTE_ADDR=ip,
        HTTP_ACCEPT_LANGUAGE="en",
    )


@pytest.fixture
def taken(db):
    from tests.factories import UserFactory

    return [UserFactory(email=f"taken{n}@example.org") for n in range(8)]


def test_taken_addresses_from_one_client_turn_into_429s(api, taken):
    answers = [_signup(api, user.email) for user in taken]
    codes = [a.status_code for a in answers]
    assert codes[:5] == [400] * 5, codes  # a few honest mistakes are answered
    assert all("email" in a.json()["fields"] for a in answers[:5])
    assert codes[5:] == [429] * 3, codes
    refused = answers[5]
    assert refused.json()["error"] == "throttled"
    assert "email" not in refused.json().get("fields", {})
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert User.objects.count() == len(taken)


def test_one_taken_address_from_many_clients_turns_into_429s(api, taken):
    email = taken[0].email.upper()
    codes = [_signup(api, email, ip=f"198.51.100.{n}").status_code for n in range(6)]
    assert codes == [400, 400, 400, 429, 429, 429], codes


def test_new_addresses_still_sign_up_after_the_limit(api, taken, mailoutbox):
    for user in taken:
        _signup(api, user.email)
    assert _signup(api, taken[0].email).status_code == 429
    created = _signup(api, "someone-new@example.org")
    assert created.status_code == 201, created.content
    assert User.objects.filter(email="someone-new@example.org").exists()
    # Other mistakes are never counted: a weak password is still a 400.
    weak = _signup(api, "another-new@example.org", password="123")
    assert weak.status_code == 400 and "password" in weak.json()["fields"]


def test_other_clients_and_addresses_are_not_held_back(api, taken):
    for user in taken[:6]:
        _signup(api, user.email)
    assert _signup(api, taken[6].email).status_code == 429
    assert _signup(api, taken[6].email, ip="192.0.2.1").status_code == 400


def test_the_counters_are_in_the_shared_cache_without_the_address(api, taken):
    """Django's cache: Redis in the scaled setup, so every worker sees the
    same counts. The address is keyed by an HMAC, not stored as is."""
    import time

    from django.core.cache import cache
    from django.utils.crypto import salted_hmac

    before = int(time.time()) // 3600
    _signup(api, taken[0].email)
    windows = {before, int(time.time()) // 3600}
    address = salted_hmac("signup-taken-email", taken[0].email).hexdigest()
    assert taken[0].email not in address
    assert any(cache.get(f"signup-taken:ip:203.0.113.7:{w}") == 1 for w in windows)
    assert any(cache.get(f"signup-taken:email:{address}:{w}") == 1 for w in windows)


def test_signup_schema_documents_the_429(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    signup = schema["paths"]["/api/v1/auth/signup"]["post"]
    assert "per address" in signup["description"]
    assert "per client and per address" in signup["responses"]["429"]["description"]
    assert signup["responses"]["429"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
