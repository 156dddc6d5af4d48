"""Entraide settings: one module, driven by environment variables.

Embedded default: SpatiaLite file under var/, in-memory channel layer, local
memory cache. Scaled: DATABASE_URL=postgis://... and REDIS_URL=redis://...
Development mode is explicit (DJANGO_DEBUG=1, which `make run` sets); without
it SECRET_KEY is required and the secure defaults apply.
"""

from pathlib import Path

import environ
from csp.constants import NONCE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required outside development mode "
            "(set SECRET_KEY, or DJANGO_DEBUG=1 for development)."
        )
    SECRET_KEY = "development-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "channels",
    "leaflet",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "csp",
    "django_tasks",
    "django_tasks_db",
    # The project's apps, lowest layer first (docs/architecture.md).
    "geo",
    "neighbors",
    "relays",
    "safety",
    "push",
    "requests_board",
    "chat",
    "sms",
    "moderation",
    "data_rights",
    "config",
]

MIDDLEWARE = [
    # Outermost: its latency is the whole request's.
    "config.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "config.context_processors.notify_labels",
                "config.context_processors.moderation",
                "config.context_processors.unread",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------

DATABASES = {
    "default": env.db_url_config(
        env.str("DATABASE_URL", default="") or f"spatialite:///{VAR_DIR / 'entraide.sqlite3'}"
    )
}
_db = DATABASES["default"]
if _db.get("ENGINE", "").endswith("spatialite"):
    # A relative path is relative to the project, whatever the working directory.
    _db["NAME"] = str(BASE_DIR / _db["NAME"])
    Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Tests (and the live ASGI server they start) need a file, never :memory:.
    _db["TEST"] = {"NAME": _db["NAME"] + ".test"}
    _db.setdefault("OPTIONS", {})["timeout"] = 20
    # WAL: readers never wait for the writer, and a commit costs one sync of
    # the log instead of the journal dance (a third of the chat's CPU before).
    # IMMEDIATE: a write transaction takes the lock when it starts, so two
    # writers queue up instead of failing with "database is locked".
    _db["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL"
    _db["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
elif _db.get("ENGINE", "").endswith("postgis"):
    # JIT and parallel plans make small index queries 3-70x slower (STACK-FACTS.md).
    _db.setdefault("OPTIONS", {})["options"] = "-c jit=off -c max_parallel_workers_per_gather=0"
else:
    raise ImproperlyConfigured("DATABASE_URL must be postgis://... or spatialite:///...")
# Persistent connections: every thread that serves requests is one of a fixed
# few (config/asgi.py's HTTP threads, a gunicorn worker, the consumers' and
# the task worker's threads), so each keeps its connection, and PostGIS or
# SpatiaLite is loaded once per connection instead of once per request.
_db["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
_db["CONN_HEALTH_CHECKS"] = True
# The embedded server's threads for pages and the API (config/asgi.py): as
# many requests in progress at once, each thread with its own connection.
HTTP_THREADS = env.int("HTTP_THREADS", default=4)
# gis.W001: GDAL 3.6 (Debian 12) cannot block file and network access while
# parsing spatial references. Entraide never hands user-supplied spatial
# references to GDAL: the API and forms take numbers and build 4326 points.
# security.W021: HSTS preloading commits the domain and all its subdomains to
# HTTPS for browsers' built-in lists; that is the operator's decision
# (SECURE_HSTS_PRELOAD=1), not a default.
SILENCED_SYSTEM_CHECKS = ["gis.W001", "security.W021"]
SPATIALITE_LIBRARY_PATH = env.str("SPATIALITE_LIBRARY_PATH", default="mod_spatialite")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "neighbors.User"

# --- Redis: channel layer and cache ---------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # Pub/sub rather than channels_redis's list-based layer: one connection
    # per process, and it comes back by itself after Redis restarts (the
    # list-based layer left new sockets hanging; tests/chat/test_live_faults.py).
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "realtime.layers.BatchedRedisPubSubLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": "entraide"},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "entraide",
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "realtime.layers.LocalChannelLayer"}}
    # Tickets and rate-limit counters live here: room for a busy server
    # (the default, 300 entries, evicted tickets at 500 connections).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 200_000},
        }
    }

# --- Background tasks -----------------------------------------------------

# django-tasks with its database backend. Embedded: a worker thread inside the
# ASGI server (TASKS_IN_PROCESS). Scaled: `manage.py db_worker` processes.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
TASKS_IN_PROCESS = env.bool("TASKS_IN_PROCESS", default=not REDIS_URL)

# --- Help board -----------------------------------------------------------

# Absolute address of the site, for links in emails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# An open request without a date expires after this many days.
REQUEST_TTL_DAYS = env.int("REQUEST_TTL_DAYS", default=14)
# Notification waves: the best N volunteers first, the next N after T minutes
# without a response; nobody gets more than M notifications a day.
NOTIFY_WAVE_SIZE = env.int("NOTIFY_WAVE_SIZE", default=5)
NOTIFY_WAVE_MINUTES = env.int("NOTIFY_WAVE_MINUTES", default=30)
# Web Push (push/): the VAPID key pair signs every push. VAPID_PRIVATE_KEY is
# the PEM text; otherwise the file (`manage.py vapid_keys --write`; `make run`
# makes a development one). In development mode loopback push services are
# allowed, so that a local one can stand in; never in production.
VAPID_PRIVATE_KEY = env.str("VAPID_PRIVATE_KEY", default="")
VAPID_PRIVATE_KEY_FILE = env.str(
    "VAPID_PRIVATE_KEY_FILE", default=str(BASE_DIR / "var" / "vapid.pem")
)
VAPID_SUBJECT = env.str("VAPID_SUBJECT", default="mailto:admin@entraide.invalid")
PUSH_ALLOW_LOOPBACK = env.bool("PUSH_ALLOW_LOOPBACK", default=DEBUG)
PUSH_TIMEOUT_S = env.float("PUSH_TIMEOUT_S", default=5.0)

# The SMS bridge (sms/), off unless SMS_BACKEND is "twilio" (a
# Twilio-compatible REST API at SMS_API_BASE_URL) or "gateway" (a generic
# HTTP gateway, such as an Android phone running a gateway app). Inbound
# texts come to /sms/inbound, signed: Twilio's X-Twilio-Signature with the
# auth token, or the gateway's X-Entraide-Signature with SMS_WEBHOOK_SECRET.
SMS_BACKEND = env.str("SMS_BACKEND", default="")
SMS_FROM = env.str("SMS_FROM", default="")  # the association's number, E.164
SMS_API_BASE_URL = env.str("SMS_API_BASE_URL", default="https://api.twilio.com").rstrip("/")
SMS_TWILIO_ACCOUNT_SID = env.str("SMS_TWILIO_ACCOUNT_SID", default="")
SMS_TWILIO_AUTH_TOKEN = env.str("SMS_TWILIO_AUTH_TOKEN", default="")
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TOKEN = env.str("SMS_GATEWAY_TOKEN", default="")
SMS_WEBHOOK_SECRET = env.str("SMS_WEBHOOK_SECRET", default="")
SMS_TIMEOUT_S = env.float("SMS_TIMEOUT_S", default=10.0)
# Texts cost money: at most this many a day for the whole site, and per number.
SMS_DAILY_BUDGET = env.int("SMS_DAILY_BUDGET", default=200)
SMS_NUMBER_DAILY_CAP = env.int("SMS_NUMBER_DAILY_CAP", default=20)
# Volunteers' phone codes have a budget of their own, within the site's.
SMS_CODES_DAILY_BUDGET = env.int("SMS_CODES_DAILY_BUDGET", default=50)
# Phone numbers written without a country code are read as from this country.
PHONE_REGION = env.str("PHONE_REGION", default="FR")

# /metrics answers the machine itself, or this bearer token (config/metrics.py).
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

# /healthz says 503 once the oldest task due has waited this long.
HEALTH_TASK_MAX_AGE_S = env.int("HEALTH_TASK_MAX_AGE_S", default=600)

# How long a request addressed to one volunteer ("Ask Louise") waits for her
# before it goes to the usual waves.
DIRECT_REQUEST_MINUTES = env.int("DIRECT_REQUEST_MINUTES", default=120)
# A message still unread after this long is emailed to its reader (if they
# allow emails about their requests): they are away from the app.
CHAT_EMAIL_AFTER_MINUTES = env.int("CHAT_EMAIL_AFTER_MINUTES", default=10)
NOTIFY_MAX_PER_DAY = env.int("NOTIFY_MAX_PER_DAY", default=10)
# The map sends points from this zoom on, counts per grid cell below it.
MAP_POINTS_MIN_ZOOM = env.int("MAP_POINTS_MIN_ZOOM", default=15)
MAP_MAX_FEATURES = 500
# The largest box the map endpoint answers (degrees of longitude, latitude).
MAP_BBOX_MAX_SPAN = (2.0, 1.0)

# --- Chat -----------------------------------------------------------------

CHAT_MESSAGES_PER_MINUTE = env.int("CHAT_MESSAGES_PER_MINUTE", default=30)

# --- Data rights, follow-up, impact --------------------------------------------

# Exact meeting points of closed requests are deleted after this many days,
# the messages of their conversations after RETENTION_MESSAGES_DAYS.
RETENTION_MEETING_POINT_DAYS = env.int("RETENTION_MEETING_POINT_DAYS", default=30)
RETENTION_MESSAGES_DAYS = env.int("RETENTION_MESSAGES_DAYS", default=180)
# "Did this help?": one reminder after this many days; email links last this long.
FOLLOW_UP_REMIND_DAYS = env.int("FOLLOW_UP_REMIND_DAYS", default=3)
FOLLOW_UP_LINK_DAYS = env.int("FOLLOW_UP_LINK_DAYS", default=30)
# Impact figures over fewer than this many distinct people are not shown.
IMPACT_MIN_PEOPLE = env.int("IMPACT_MIN_PEOPLE", default=5)
# Grid of the open GeoJSON download (metres).
IMPACT_GRID_M = env.int("IMPACT_GRID_M", default=1000)

# --- Moderation and safety -------------------------------------------------

# Content reported by this many distinct people is hidden until reviewed.
MODERATION_HIDE_AFTER_REPORTS = env.int("MODERATION_HIDE_AFTER_REPORTS", default=3)
# Accounts younger than this, or whose email is not verified, are "new":
# they get the tighter limits of ACTION_LIMITS (safety.limits).
NEW_ACCOUNT_DAYS = env.int("NEW_ACCOUNT_DAYS", default=7)
# (how many, per seconds) for each kind of write: established accounts, new ones.
ACTION_LIMITS = {
    "request": ((10, 86400), (5, 86400)),
    "offer": ((10, 86400), (3, 86400)),
    "response": ((30, 86400), (10, 86400)),
    "conversation": ((30, 86400), (10, 86400)),
    "report": ((20, 86400), (10, 86400)),
}
# Messages: CHAT_MESSAGES_PER_MINUTE, and at most this many for new accounts.
NEW_ACCOUNT_MESSAGES_PER_MINUTE = env.int("NEW_ACCOUNT_MESSAGES_PER_MINUTE", default=10)

# --- Accounts -------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ACCOUNT_LOGIN_METHODS = {"email"}
# One password, with a "show" button (static/js/page.js), not typed twice.
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# Mandatory, so that sign-up never tells whether an address has an account
# (knowing that someone uses a mutual-aid app can put them at risk): a taken
# address gets the same "enter the code we emailed you" page, and its owner
# an email saying someone tried. A code, typed on the same page, rather than
# a link that may open in another browser.
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
# Six digits: a phone shows its number pad for them.
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "neighbors.forms.SignupExtraForm"
# The web sign-up creates accounts through neighbors.services.user_signup, as the API does.
ACCOUNT_FORMS = {"signup": "neighbors.adapter.SignupForm"}
ACCOUNT_ADAPTER = "neighbors.adapter.AccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = True
# allauth's own limits (login failures, sign-up, password reset) share the
# cache, so they hold across workers when REDIS_URL is set.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
LOGIN_REDIRECT_URL = "board:home"
# A new account's first and only step: "Where do you live?"
ACCOUNT_SIGNUP_REDIRECT_URL = "neighbors:home-step"
LOGIN_URL = "account_login"

# --- Email ----------------------------------------------------------------

EMAIL_CONFIG = env.email_url(
    "EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25"
)
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Entraide <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation -------------------------------------------------

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Paris")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Maps and geocoding ---------------------------------------------------

MAP_TILES_URL = env.str("MAP_TILES_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILES_ATTRIBUTION = env.str(
    "MAP_TILES_ATTRIBUTION",
    default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
)
# Where the map opens before a user has set a home (Paris 11e by default).
MAP_DEFAULT_CENTER = env.tuple("MAP_DEFAULT_CENTER", cast=float, default=(48.8590, 2.3790))
MAP_DEFAULT_ZOOM = env.int("MAP_DEFAULT_ZOOM", default=15)
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": MAP_DEFAULT_CENTER,
    "DEFAULT_ZOOM": MAP_DEFAULT_ZOOM,
    "TILES": [(_("Map"), MAP_TILES_URL, {"attribution": MAP_TILES_ATTRIBUTION})],
    "RESET_VIEW": False,
}

GEOCODER = {
    "PROVIDER": env.str("GEOCODER_PROVIDER", default="nominatim"),
    "DOMAIN": env.str("GEOCODER_DOMAIN", default="nominatim.openstreetmap.org"),
    "SCHEME": env.str("GEOCODER_SCHEME", default="https"),
    "USER_AGENT": env.str("GEOCODER_USER_AGENT", default="entraide/0.1 (self-hosted)"),
    "TIMEOUT": env.float("GEOCODER_TIMEOUT", default=5.0),
    # Bias results towards the neighbourhood: ISO country codes, comma separated.
    "COUNTRY_CODES": env.str("GEOCODER_COUNTRY_CODES", default="fr"),
}

# Location privacy (DESIGN.md): public points are snapped to a grid cell of
# this size, plus an offset keyed by LOCATION_KEY (defaults to SECRET_KEY).
PUBLIC_GRID_M = env.int("PUBLIC_GRID_M", default=250)
LOCATION_KEY = env.str("LOCATION_KEY", default=SECRET_KEY)
# Moving one's home is a probing vector (DESIGN.md rule 4): at most this many
# moves per rolling day.
HOME_MOVES_PER_DAY = env.int("HOME_MOVES_PER_DAY", default=5)

# --- API ------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous API call then gets 401 with WWW-Authenticate.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["common.api.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "common.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "auth": env.str("API_AUTH_RATE", default="10/min"),
        "signup": env.str("API_SIGNUP_RATE", default="20/hour"),
        "geocode": env.str("API_GEOCODE_RATE", default="30/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Entraide API",
    "DESCRIPTION": "Neighbourhood mutual aid. Exact locations are only ever "
    "returned to their owner.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name for the one choice set of every kind in /me/notifications.
    "ENUM_NAME_OVERRIDES": {"NotifyChannelEnum": "neighbors.notify.CHANNELS"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "common.api.schema_add_errors",
    ],
}

# --- Security -------------------------------------------------------------

SECURE_SSL = env.bool("SECURE_SSL", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
SECURE_SSL_REDIRECT = SECURE_SSL and env.bool("SECURE_SSL_REDIRECT", default=True)
# Load balancers ask over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if SECURE_SSL else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Rate limits by address count the client the proxy saw, not what the
    # client wrote in X-Forwarded-For (scripts/serve believes it only then).
    REST_FRAMEWORK["NUM_PROXIES"] = 1
SESSION_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"


def _origin(url: str) -> str:
    scheme, _sep, rest = url.partition("://")
    host = rest.split("/", 1)[0].replace("{s}", "*")
    return f"{scheme}://{host}"


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", _origin(MAP_TILES_URL)],
        "connect-src": [SELF],
        "font-src": [SELF],
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": ["'none'"],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    # One line per request with its latency (config/request_log.py);
    # LOG_REQUESTS=WARNING turns them off.
    "loggers": {
        "entraide.requests": {
            "handlers": ["console"],
            "level": env.str("LOG_REQUESTS", default="INFO"),
            "propagate": False,
        }
    },
}
