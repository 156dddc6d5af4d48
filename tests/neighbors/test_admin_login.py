"""The Django admin's login is rate limited like the site's own (issue 10,
finding 8): staff accounts hold everyone's exact homes."""

import os
import re

import pytest
import requests

from tests.factories import PASSWORD, UserFactory

TOO_MANY = "Too many failed login attempts"


@pytest.fixture
def staff(db):
    return UserFactory(email="staff@example.org", is_staff=True, is_superuser=True)


def _login(client, email, password):
    return client.post(
        "/admin/login/",
        {"username": email, "password": password, "next": "/admin/"},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_the_admin_login_works_and_stops_after_a_few_wrong_passwords(client, staff):
    answers = [_login(client, staff.email, f"wrong-{n}") for n in range(40)]
    assert all(a.status_code == 200 for a in answers)  # the form again, never a 500
    limited = [TOO_MANY in a.content.decode() for a in answers]
    assert limited.index(True) <= 10, "not limited after 10 wrong passwords"
    assert all(limited[limited.index(True) :]), "the limit lifted by itself"
    # Even the right password waits until the window ends.
    refused = _login(client, staff.email, PASSWORD)
    assert refused.status_code == 200 and TOO_MANY in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_right_password_signs_a_staff_member_in(client, staff):
    response = _login(client, staff.email, PASSWORD)
    assert response.status_code == 302 and response.url == "/admin/"
    assert client.session["_auth_user_id"] == str(staff.pk)


@pytest.mark.django_db(transaction=True)
def test_failures_on_one_worker_count_on_another(client, asgi_server):
    """Wrong passwords here (one process), then the right one on a real
    server process: with REDIS_URL (scaled) they share the counters and the
    server refuses; without (embedded, one process) each counts alone."""
    staff = UserFactory(email="staff-shared@example.org", is_staff=True, is_superuser=True)
    for n in range(12):
        _login(client, staff.email, f"wrong-{n}")
    session = requests.Session()
    base = f"http://{asgi_server}"
    page = session.get(f"{base}/admin/login/", headers={"Accept-Language": "en"}, timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        f"{base}/admin/login/",
        data={
            "csrfmiddlewaretoken": token,
            "username": staff.email,
            "password": PASSWORD,
            "next": "/admin/",
        },
        headers={"Accept-Language": "en", "Referer": f"{base}/admin/login/"},
        allow_redirects=False,
        timeout=10,
    )
    if os.environ.get("REDIS_URL"):
        assert answer.status_code == 200 and TOO_MANY in answer.text
    else:
        assert answer.status_code == 302, answer.text[:500]
