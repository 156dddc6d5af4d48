"""Settings of the server that tests/config/test_api_contract.py fuzzes: the
app's own, with rate limits too roomy to be reached. Schemathesis sends
hundreds of writes a minute from one client and one account; answered with
429s from the first minute, most operations would go untested, and which
ones depends on the clock (fixed windows), which would make the run differ
from one time to the next. The limits have their own tests."""

from tests.settings import *  # noqa: F403
from tests.settings import ACTION_LIMITS, REST_FRAMEWORK

ROOMY = 1_000_000

ACTION_LIMITS = {
    action: ((ROOMY, seconds), (ROOMY, seconds))
    for action, ((_n, seconds), _new) in ACTION_LIMITS.items()
}
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        scope: f"{ROOMY}/min" for scope in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    },
}
API_SIGNUP_TAKEN_EMAIL_LIMITS = {"ip": (ROOMY, 3600), "email": (ROOMY, 3600)}
CHAT_MESSAGES_PER_MINUTE = ROOMY
NEW_ACCOUNT_MESSAGES_PER_MINUTE = ROOMY
HOME_MOVES_PER_DAY = ROOMY
# Sign-up, token and erasure attempts each hash a password: Django's default
# (PBKDF2, deliberately slow) would make them most of the run's time.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
