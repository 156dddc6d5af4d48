"""The settings the suite runs with (pytest and the live servers it starts,
which inherit DJANGO_SETTINGS_MODULE): the app's own, except that passwords
are hashed with a fast hasher. Django's default, PBKDF2, is slow on purpose
(a third of a second per hash here), and the suite creates and signs in
thousands of users: it was much of the run's time. What the production
settings hash with is checked in tests/config/test_settings.py."""

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
