"""The settings the suite runs with (pytest and the live servers it starts,
which inherit DJANGO_SETTINGS_MODULE): the app's own, except that passwords
are hashed with a fast hasher. Django's default, PBKDF2, is slow on purpose
(a third of a second per hash here), and the suite creates and signs in
thousands of users: it was much of the run's time. What the production
settings hash with is checked in tests/config/test_settings.py."""

import os
import re

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A VAPID key pair for the suite only (pushes go to a stand-in push service
# on loopback): the live servers the suite starts read the same settings.
VAPID_PRIVATE_KEY = """-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgtG5LP1BblTm4eVmv
xoW/8V3g3YrmOrYkleuEJvErNc+hRANCAAQjDeXGX9zjTy3ioIGqVg5rAmpGJTIz
6zau1s6StxmoNZU2apL5OdlDBOssUv3NKCDFUbr+rdAtv3itBdACVBNG
-----END PRIVATE KEY-----
"""

# pytest-xdist runs each pass in several workers (scripts/test.sh), which
# share the pass's Redis: each worker (and the servers it starts, which
# inherit PYTEST_XDIST_WORKER) gets a Redis database of its own, since tests
# flush the cache, and a channel prefix of its own, since pub/sub channels are
# server-wide and user ids repeat across the workers' test databases.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and _worker:  # noqa: F405
    REDIS_URL = re.sub(r"/\d*$", "", REDIS_URL) + f"/{int(_worker.removeprefix('gw')) + 1}"  # noqa: F405
    CHANNEL_LAYERS["default"]["CONFIG"].update(hosts=[REDIS_URL], prefix=f"entraide-{_worker}")  # noqa: F405
    CACHES["default"]["LOCATION"] = REDIS_URL  # noqa: F405
# WhiteNoise reads every collected static file's size and headers when its
# middleware is made, which Django's test Client does once per Client: 45 ms
# each, for the thousand or so clients of a pass. Looked up per request
# instead (as in development), a Client costs 2 ms.
WHITENOISE_AUTOREFRESH = True
