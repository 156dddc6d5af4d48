"""A mail server that is down never fails a sign-up: the account is made,
the failure is logged, the code can be sent again later."""

import socket

import pytest

from neighbors.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def mail_down(settings):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2


def test_signing_up_while_the_mail_server_is_down(client, api, mail_down):
    created = api.post(
        "/api/v1/auth/signup",
        {"email": "api@example.org", "password": "a-long-test-password-42", "display_name": "Api"},
        format="json",
    )
    assert created.status_code == 201, created.content
    page = client.post(
        "/accounts/signup/",
        {"email": "web@example.org", "password1": "a-long-test-password-42", "display_name": "Web"},
    )
    assert page.status_code in (200, 302), page.status_code
    assert set(User.objects.values_list("email", flat=True)) == {
        "api@example.org",
        "web@example.org",
    }
