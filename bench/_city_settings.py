"""The app's settings for bench/city_load.py's servers: config.settings as
deployed, with the per-user write limits (settings.ACTION_LIMITS, which no
environment variable sets) raised out of the way. The mixed load posts and
responds a few times a second for minutes, from a limited set of residents;
the limits are per resident and per day, so the production values would turn
part of that load into 429s, which is not what the benchmark measures.
The servers get DJANGO_SETTINGS_MODULE=_city_settings, bench/ on PYTHONPATH.
Their static files are collected (production mode: hashed names and a
manifest) into the benchmark's own directory, CITY_STATIC_ROOT, as
`make serve` and `make scaled` collect them into var/static/.
"""

import os
from pathlib import Path

from config.settings import *  # noqa: F403
from config.settings import ACTION_LIMITS as _PRODUCTION_LIMITS

UNLIMITED = (10**9, 86400)
ACTION_LIMITS = {action: (UNLIMITED, UNLIMITED) for action in _PRODUCTION_LIMITS}

STATIC_ROOT = Path(os.environ["CITY_STATIC_ROOT"])
