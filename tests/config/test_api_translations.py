"""The API's own messages follow Accept-Language like DRF's (issue 10,
finding 6): a French caller gets French, an English one English."""

import pytest

from tests.factories import resident_at

pytestmark = pytest.mark.django_db

GOOD_REQUEST = {
    "title": "Courses",
    "category": "groceries",
    "location": {"lat": 48.86, "lng": 2.37},
}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Hashing the test accounts' passwords is no part of what is tested here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def me(db):
    from neighbors.categories import categories_ensure
    from neighbors.models import HelpCategory

    categories_ensure(HelpCategory)
    return resident_at(48.86, 2.37, display_name="Ines")


def _call(api, me, language, method, url, payload=None, raw=None):
    if me is not None:
        api.force_authenticate(me)
    kwargs = {"HTTP_ACCEPT_LANGUAGE": language}
    if raw is not None:
        return api.generic(method.upper(), url, raw, content_type="application/json", **kwargs)
    if method == "get":
        return api.get(url, **kwargs)
    return getattr(api, method)(url, payload, format="json", **kwargs)


CASES = [
    # (who, method, url, payload or raw body, field or None, English, French)
    (
        None,
        "post",
        "/api/v1/auth/token",
        {"email": "nobody@example.org", "password": "nope"},
        None,
        "Wrong email or password.",
        "Adresse e-mail ou mot de passe incorrect.",
    ),
    (
        "me",
        "post",
        "/api/v1/requests",
        {**GOOD_REQUEST, "needed_by": "2001-01-01"},
        "needed_by",
        "This date is in the past.",
        "Cette date est déjà passée.",
    ),
    (
        "me",
        "post",
        "/api/v1/requests",
        {**GOOD_REQUEST, "colour": "red"},
        "colour",
        "Unknown field.",
        "Champ inconnu.",
    ),
    (
        "me",
        "patch",
        "/api/v1/me",
        {"email_notifications": 1},
        "email_notifications",
        "Expected true or false.",
        "Attendu : true ou false.",
    ),
    (
        "me",
        "patch",
        "/api/v1/me",
        {"walk_radius_m": "500"},
        "walk_radius_m",
        "Expected a whole number.",
        "Attendu : un nombre entier.",
    ),
    (
        "me",
        "patch",
        "/api/v1/me",
        {"display_name": 5},
        "display_name",
        "Expected text.",
        "Attendu : du texte.",
    ),
    (
        "me",
        "patch",
        "/api/v1/me",
        {"home": {"lat": 48.8}},
        "home.lng",
        "This field is required.",
        "Ce champ est obligatoire.",
    ),
    (
        "me",
        "post",
        "/api/v1/requests",
        ["not", "an", "object"],
        "non_field_errors",
        "Expected a JSON object.",
        "Attendu : un objet JSON.",
    ),
    (
        "me",
        "get",
        "/api/v1/map?bbox=2.4,48.8,2.3,48.9&zoom=16",
        None,
        "bbox",
        "The box is inverted or empty (min must be below max).",
        "Le cadre est inversé ou vide (le minimum doit être inférieur au maximum).",
    ),
    (
        "me",
        "get",
        "/api/v1/map?bbox=1,2,3&zoom=16",
        None,
        "bbox",
        "Four numbers: minLng,minLat,maxLng,maxLat.",
        "Quatre nombres : minLng,minLat,maxLng,maxLat.",
    ),
    (
        "me",
        "get",
        "/api/v1/map?bbox=0,0,5,5&zoom=16",
        None,
        "bbox",
        "The box is too large: at most 2.0 degrees of longitude by 1.0 of latitude.",
        "Le cadre est trop grand : au plus 2.0 degrés de longitude sur 1.0 de latitude.",
    ),
    (
        "me",
        "get",
        "/api/v1/nowhere",
        None,
        None,
        "Not found.",
        "Pas trouvé.",
    ),
]


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize(
    ("who", "method", "url", "payload", "field", "english", "french"),
    CASES,
    ids=[f"{c[1]} {c[2]} {c[4]}" for c in CASES],
)
def test_api_messages_in_the_callers_language(
    api, me, language, who, method, url, payload, field, english, french
):
    response = _call(api, me if who else None, language, method, url, payload)
    assert 400 <= response.status_code < 500, response.content
    body = response.json()
    expected = french if language == "fr" else english
    assert body["detail"] == expected, body
    if field:
        assert body["fields"][field] == [expected], body


@pytest.mark.parametrize(
    ("raw", "english", "french"),
    [
        (
            b"{oops",
            "The body is not valid JSON.",
            "Le corps de la requête n'est pas du JSON valide.",
        ),
        (
            b"[" * 40 + b"]" * 40,
            "The JSON is nested deeper than 32 levels.",
            "Le JSON est imbriqué sur plus de 32 niveaux.",
        ),
    ],
)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_body_errors_in_the_callers_language(api, me, language, raw, english, french):
    response = _call(api, me, language, "post", "/api/v1/requests", raw=raw)
    assert response.status_code == 400
    assert response.json() == {
        "error": "parse_error",
        "detail": french if language == "fr" else english,
    }


def test_without_accept_language_the_api_speaks_french(api):
    """LANGUAGE_CODE is French: so are the answers when the caller says nothing."""
    response = api.post(
        "/api/v1/auth/token", {"email": "nobody@example.org", "password": "x"}, format="json"
    )
    assert response.json()["detail"] == "Adresse e-mail ou mot de passe incorrect."
