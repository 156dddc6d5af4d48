"""Settings come from the environment; production refuses to start unsafe.

The settings are read by Django in subprocesses whose environment has the
suite's database and Redis taken out, and the security headers do not
depend on the database either: nothing here depends on the pass's backend,
so it runs in the SpatiaLite pass only (`one_backend`)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.one_backend

PRODUCTION = {
    "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "entraide.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://entraide.example.org",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.org:587",
}


# The suite's own environment must not leak into the settings under test.
SCRUBBED = {"DJANGO_DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"}


def run_django(code: str, env: dict) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_of(env: dict, *names: str) -> dict:
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}, default=str))"
    )
    result = run_django(code, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_secret_key_is_required_outside_development():
    result = run_django("", {"DATABASE_URL": "spatialite:///var/x.sqlite3"})
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_development_mode_runs_without_secret_key():
    values = settings_of({"DJANGO_DEBUG": "1"}, "DEBUG", "ALLOWED_HOSTS")
    assert values["DEBUG"] is True
    assert "127.0.0.1" in values["ALLOWED_HOSTS"]


def test_database_and_redis_urls_switch_to_the_scaled_setup(tmp_path):
    embedded = settings_of(
        {"DJANGO_DEBUG": "1", "DATABASE_URL": ""}, "DATABASES", "CHANNEL_LAYERS", "CACHES"
    )
    assert embedded["DATABASES"]["default"]["ENGINE"].endswith("spatialite")
    assert embedded["DATABASES"]["default"]["NAME"].endswith("var/entraide.sqlite3")
    assert embedded["CHANNEL_LAYERS"]["default"]["BACKEND"] == "realtime.layers.LocalChannelLayer"
    assert embedded["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")

    scaled = settings_of(
        {
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": "postgis://app:pw@db.internal:6432/entraide",
            "REDIS_URL": "redis://cache.internal:6379/2",
        },
        "DATABASES",
        "CHANNEL_LAYERS",
        "CACHES",
    )
    db = scaled["DATABASES"]["default"]
    assert db["ENGINE"] == "django.contrib.gis.db.backends.postgis"
    assert (db["HOST"], db["PORT"], db["NAME"], db["USER"]) == (
        "db.internal",
        6432,
        "entraide",
        "app",
    )
    assert "jit=off" in db["OPTIONS"]["options"]
    assert (
        scaled["CHANNEL_LAYERS"]["default"]["BACKEND"] == "realtime.layers.BatchedRedisPubSubLayer"
    )
    assert scaled["CHANNEL_LAYERS"]["default"]["CONFIG"]["hosts"] == [
        "redis://cache.internal:6379/2"
    ]
    assert scaled["CACHES"]["default"]["LOCATION"] == "redis://cache.internal:6379/2"

    path = tmp_path / "other.sqlite3"
    other = settings_of({"DJANGO_DEBUG": "1", "DATABASE_URL": f"spatialite:///{path}"}, "DATABASES")
    assert other["DATABASES"]["default"]["NAME"] == str(path)


def test_unknown_database_scheme_is_refused():
    result = run_django("", {"DJANGO_DEBUG": "1", "DATABASE_URL": "mysql://u:p@h/db"})
    assert result.returncode != 0
    assert "DATABASE_URL must be" in result.stderr


def test_production_settings_are_secure():
    values = settings_of(
        PRODUCTION,
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        "SECURE_SSL_REDIRECT",
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        "EMAIL_HOST",
        "EMAIL_BACKEND",
    )
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["ALLOWED_HOSTS"] == ["entraide.example.org"]
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://entraide.example.org"]
    assert values["EMAIL_HOST"] == "smtp.example.org"
    assert values["EMAIL_BACKEND"].endswith("smtp.EmailBackend")


def test_check_deploy_passes_without_warnings():
    base = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**base, **PRODUCTION},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_content_security_policy_header(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "object-src 'none'" in policy


def test_production_hashes_passwords_slowly_and_only_the_suite_does_not():
    """The suite's fast hasher (tests/settings.py) stays in the suite."""
    hashers = settings_of(PRODUCTION, "PASSWORD_HASHERS")["PASSWORD_HASHERS"]
    assert hashers[0] == "django.contrib.auth.hashers.PBKDF2PasswordHasher"
    assert not any("MD5" in hasher for hasher in hashers)
