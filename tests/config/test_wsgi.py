"""The WSGI entry point (the scaled setup's HTTP workers) serves the app and,
behind the local proxy only, takes the client's address from it."""

import io

import pytest

from config import wsgi

pytestmark = pytest.mark.django_db


def _call(settings, **environ):
    seen = {}

    def start_response(status, headers):
        seen["status"] = status

    base = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/manifest.webmanifest",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "http",
        "HTTP_HOST": "127.0.0.1",
    }
    base.update(environ)
    body = b"".join(wsgi.application(base, start_response))
    return seen["status"], body, base


def test_behind_the_local_proxy_the_client_address_is_the_forwarded_one(settings):
    settings.BEHIND_PROXY = True
    status, body, env = _call(settings, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert status.startswith("200") and b"standalone" in body
    assert env["REMOTE_ADDR"] == "203.0.113.7"
    # From anywhere else, the header is a client's word: not believed.
    _status, _body, env = _call(
        settings, REMOTE_ADDR="198.51.100.2", HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    assert env["REMOTE_ADDR"] == "198.51.100.2"
    settings.BEHIND_PROXY = False
    _status, _body, env = _call(
        settings, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    assert env["REMOTE_ADDR"] == "127.0.0.1"
