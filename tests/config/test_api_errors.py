"""Every answer under /api/ is JSON in the error format, in development mode
too; bodies are parsed safely and typed strictly; the schema states what the
server accepts (issue 10, findings 2 and 4). tests/config/test_api_contract.py
fuzzes the whole schema; these pin each fix down in-process."""

import json
import re
import sys

import pytest
from rest_framework.test import APIClient

from common.api import NOT_BLANK_PATTERN, TEXT_PATTERN, WHITESPACE
from common.json_input import MAX_DEPTH
from neighbors.models import User
from requests_board.models import HelpRequest
from tests.factories import resident_at

pytestmark = pytest.mark.django_db

HOME = (48.86, 2.37)
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
    return resident_at(*HOME, display_name="Ines")


@pytest.fixture
def client_for(api_for):
    return api_for


def _is_json_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) >= {"error", "detail"} and body["detail"], body
    if code:
        assert body["error"] == code, body
    return body


# --- JSON everywhere under /api/ ----------------------------------------------------


UNKNOWN = [
    "/api/v1/requests/null,null",
    "/api/v1/requests/-1",
    "/api/v1/requests/1.5/responses",
    "/api/v1/conversations/abc/messages",
    "/api/v1/blocks/true",
    "/api/v1/nothing-here",
    "/api/v1/me/",
    "/api/v2/requests",
    "/api/",
]


@pytest.mark.parametrize("debug", [False, True], ids=["production", "development"])
@pytest.mark.parametrize("method", ["get", "post", "patch", "delete"])
@pytest.mark.parametrize("path", UNKNOWN)
def test_unknown_api_paths_are_json_404s_in_both_modes(settings, api, method, path, debug):
    settings.DEBUG = debug  # development mode shows Django's technical 404 page otherwise
    response = getattr(api, method)(path, HTTP_ACCEPT_LANGUAGE="en")
    body = _is_json_error(response, 404, "not_found")
    assert body["detail"] == "Not found."


@pytest.mark.parametrize("debug", [False, True], ids=["production", "development"])
def test_unknown_api_paths_answer_a_browser_session_too(settings, me, debug):
    """With a session cookie CSRF applies: still the JSON 404, not a 403 page."""
    settings.DEBUG = debug
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(me)
    for method in ("get", "post", "delete"):
        response = getattr(client, method)("/api/v1/requests/null,null")
        _is_json_error(response, 404, "not_found")


def test_a_post_without_its_trailing_slash_is_no_redirect_or_crash(settings, api):
    settings.DEBUG = True  # APPEND_SLASH raises a RuntimeError for POSTs in development
    response = api.post("/api/schema", {}, format="json")
    _is_json_error(response, 404, "not_found")


def test_a_method_an_operation_lacks_is_a_json_405(client_for, me):
    response = client_for(me).put("/api/v1/categories", {}, format="json")
    _is_json_error(response, 405, "method_not_allowed")


def test_the_not_found_message_is_french_for_a_french_caller(api):
    response = api.get("/api/v1/nowhere", HTTP_ACCEPT_LANGUAGE="fr")
    assert _is_json_error(response, 404)["detail"] == "Pas trouvé."


# --- Bodies: parsed safely ------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b"[" * 100_000 + b"]" * 100_000,  # RecursionError in Python's parser: was a 500
        b'{"title": ' + b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1) + b"}",
        b'{"a": ' * 5000 + b"1" + b"}" * 5000,
    ],
    ids=["100000-arrays", "just-over-the-limit", "nested-objects"],
)
def test_deeply_nested_json_is_a_400_not_a_500(client_for, me, raw):
    response = client_for(me).generic(
        "POST", "/api/v1/requests", raw, content_type="application/json"
    )
    body = _is_json_error(response, 400, "parse_error")
    assert str(MAX_DEPTH) in body["detail"]
    assert not HelpRequest.objects.exists()


def test_ordinary_json_still_passes(client_for, me):
    """Depth 2 (the object and its location) is far below MAX_DEPTH."""
    response = client_for(me).post("/api/v1/requests", GOOD_REQUEST, format="json")
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    "raw",
    [
        b'{"title": NaN, "category": "groceries"}',
        b'{"title": "x", "location": {"lat": Infinity, "lng": 2}}',
        b"\xff\xfe{}",
        b"{oops",
    ],
)
def test_non_json_bodies_are_400s(client_for, me, raw):
    response = client_for(me).generic(
        "POST", "/api/v1/requests", raw, content_type="application/json"
    )
    _is_json_error(response, 400, "parse_error")


def test_a_body_over_the_upload_limit_is_a_400(settings, client_for, me):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    raw = json.dumps({**GOOD_REQUEST, "description": "x" * 2000}).encode()
    response = client_for(me).generic(
        "POST", "/api/v1/requests", raw, content_type="application/json"
    )
    _is_json_error(response, 400, "parse_error")
    assert not HelpRequest.objects.exists()


# --- Bodies: typed as the schema says --------------------------------------------------


@pytest.mark.parametrize(
    ("url", "method", "payload", "field"),
    [
        ("/api/v1/me", "patch", {"email_notifications": 0}, "email_notifications"),
        ("/api/v1/me", "patch", {"email_notifications": "yes"}, "email_notifications"),
        ("/api/v1/me", "patch", {"walk_radius_m": "500"}, "walk_radius_m"),
        ("/api/v1/me", "patch", {"walk_radius_m": 500.0}, "walk_radius_m"),
        ("/api/v1/me", "patch", {"display_name": 12}, "display_name"),
        ("/api/v1/me", "patch", {"languages": [1]}, "languages"),
        ("/api/v1/me", "patch", {"skills": [True]}, "skills"),
        ("/api/v1/me", "patch", {"home": {"lat": "48.8", "lng": 2.37}}, "home.lat"),
        ("/api/v1/requests", "post", {**GOOD_REQUEST, "title": 0}, "title"),
        ("/api/v1/requests", "post", {**GOOD_REQUEST, "publish_anyway": 1}, "publish_anyway"),
        ("/api/v1/requests", "post", {**GOOD_REQUEST, "needed_by": 20300101}, "needed_by"),
        ("/api/v1/requests", "post", {**GOOD_REQUEST, "needed_by": "20300101"}, "needed_by"),
        ("/api/v1/requests", "post", {**GOOD_REQUEST, "max_distance_m": True}, "max_distance_m"),
        ("/api/v1/requests", "post", {**GOOD_REQUEST, "urgency": 1}, "urgency"),
        (
            "/api/v1/reports",
            "post",
            {"target_type": "user", "target_id": "1", "reason": "spam"},
            "target_id",
        ),
        (
            "/api/v1/reports",
            "post",
            {"target_type": "user", "target_id": 1, "reason": "spam", "details": 5},
            "details",
        ),
    ],
)
def test_values_of_another_json_type_are_refused(client_for, me, url, method, payload, field):
    before = (User.objects.get(pk=me.pk).email_notifications, HelpRequest.objects.count())
    response = getattr(client_for(me), method)(url, payload, format="json")
    body = _is_json_error(response, 400, "invalid")
    assert field in body["fields"], body
    assert (User.objects.get(pk=me.pk).email_notifications, HelpRequest.objects.count()) == before


def test_values_of_the_right_type_still_pass(client_for, me):
    client = client_for(me)
    response = client.patch(
        "/api/v1/me",
        {"email_notifications": False, "walk_radius_m": 800, "skills": ["pets"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["email_notifications"] is False
    created = client.post(
        "/api/v1/requests",
        {**GOOD_REQUEST, "needed_by": "2999-01-01", "location": {"lat": 48, "lng": 2}},
        format="json",
    )
    assert created.status_code == 201, created.content


@pytest.mark.parametrize(
    "query",
    ["page=1.0", "page=%201", "page=+1", "page=", "category=", "category=nope", "urgency=1"],
)
def test_query_parameters_are_strict_too(client_for, me, query):
    response = client_for(me).get(f"/api/v1/requests/nearby?{query}")
    _is_json_error(response, 400, "invalid")


@pytest.mark.parametrize(
    "bbox",
    [
        "",
        " 2.3,48.8,2.4,48.9",
        "2.3,48.8,2.4",
        "2.3;48.8;2.4;48.9",
        "inf,48.8,2.4,48.9",
        "nan,1,2,3",
    ],
)
def test_malformed_map_boxes_are_400s(api, bbox):
    response = api.get("/api/v1/map", {"bbox": bbox, "zoom": 16})
    assert "bbox" in _is_json_error(response, 400, "invalid")["fields"]


def test_a_well_formed_map_box_passes(api):
    response = api.get("/api/v1/map", {"bbox": "2.3,48.8,2.4,4.89e1", "zoom": 16})
    assert response.status_code == 200, response.content


# --- The schema says what the server accepts -------------------------------------------


@pytest.fixture
def schema(api, me):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return response.json()


def _component(schema, name):
    return schema["components"]["schemas"][name]


def test_whitespace_of_the_patterns_is_what_strip_removes():
    whitespace = re.compile(f"[{WHITESPACE}]")
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        assert bool(whitespace.fullmatch(char)) == char.isspace(), hex(code)


@pytest.mark.parametrize(
    ("text", "trimmed_field_accepts"),
    [("x", True), ("  x ", True), ("   ", False), ("\u3000\n", False), ("a\x00b", False)],
)
def test_the_text_patterns_match_what_drf_accepts(text, trimmed_field_accepts):
    from rest_framework import serializers

    assert bool(re.search(NOT_BLANK_PATTERN, text)) is trimmed_field_accepts
    field = serializers.CharField()
    try:
        field.run_validation(text)
        accepted = True
    except serializers.ValidationError:
        accepted = False
    assert accepted is trimmed_field_accepts
    assert bool(re.search(TEXT_PATTERN, text)) is ("\x00" not in text)


def test_schema_lists_the_categories_that_exist(schema, me):
    from neighbors.models import HelpCategory

    slugs = _component(schema, "HelpCategorySlug")["enum"]
    assert slugs == sorted(HelpCategory.objects.values_list("slug", flat=True))
    create = _component(schema, "HelpRequestCreateRequest")["properties"]
    assert create["category"] == {"$ref": "#/components/schemas/HelpCategorySlug"}
    offer = _component(schema, "OfferCreateRequest")["properties"]["categories"]
    assert offer["minItems"] == 1
    nearby = schema["paths"]["/api/v1/requests/nearby"]["get"]["parameters"]
    page = next(p for p in nearby if p["name"] == "page")["schema"]
    assert (page["minimum"], page["maximum"]) == (1, 1000)


def test_schema_gives_patterns_and_bounds(schema):
    create = _component(schema, "HelpRequestCreateRequest")["properties"]
    assert create["title"]["pattern"] == NOT_BLANK_PATTERN
    description = create["description"]["oneOf"]
    assert description[0]["pattern"] == TEXT_PATTERN and description[1]["maxLength"] == 0
    point = _component(schema, "LatLngRequest")["properties"]
    assert (point["lat"]["minimum"], point["lat"]["maximum"]) == (-90, 90)
    assert (point["lng"]["minimum"], point["lng"]["maximum"]) == (-180, 180)
    bbox = next(
        p for p in schema["paths"]["/api/v1/map"]["get"]["parameters"] if p["name"] == "bbox"
    )
    assert bbox["required"] is True
    assert re.search(bbox["schema"]["pattern"], "2.3,48.8,2.4,48.9")
    assert not re.search(bbox["schema"]["pattern"], "")
    after = schema["paths"]["/api/v1/conversations/{id}/messages"]["get"]["parameters"]
    assert next(p for p in after if p["name"] == "after")["schema"]["minimum"] == 0


def test_schema_documents_the_body_of_delete_me(schema):
    delete = schema["paths"]["/api/v1/me"]["delete"]
    assert delete["requestBody"]["required"] is True
    body = delete["requestBody"]["content"]["application/json"]["schema"]
    assert _component(schema, body["$ref"].rsplit("/", 1)[1])["required"] == ["password"]


def test_every_error_status_has_the_error_format(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            for code in ("400", "401", "403", "404", "409", "429"):
                content = operation["responses"][code]["content"]["application/json"]
                assert content["schema"] == {"$ref": "#/components/schemas/Error"}, (path, method)
