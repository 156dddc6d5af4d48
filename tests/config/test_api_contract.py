"""The API answers as its OpenAPI schema says (issue 10, finding 4):
schemathesis fuzzes every operation of /api/schema/ against a real ASGI
server (development mode, as `make run` serves it), with every check, and
fails on any 5xx or contract failure.

The server is a child process (tests/conftest.py, server_factory) running
tests/config/contract_settings.py: the app's settings with rate limits too
roomy to be reached (see there why). Schemathesis is the `st` command of the
virtualenv, run in a subprocess: its own CLI engine runs every phase
(coverage of boundary values, fuzzing, stateful sequences through the
schema's links), prints its failures readably and exits non-zero on any.
tests/config/contract_hooks.py adds the one check that stands in for the
part of positive_data_acceptance the schema cannot express (refusals that
depend on the date, other rows or the caller's state), naming each.

Nothing is excluded: every operation of the schema is fuzzed, DELETE
/api/v1/me included (the account's password is 40 random characters that
no generated request can guess, so the erasure is refused with 400, which
contract_hooks allows for a wrong password)."""

import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.gis.geos import Point

from moderation import services as moderation_services
from moderation.models import Moderator
from neighbors.categories import categories_ensure
from neighbors.models import HelpCategory
from neighbors.services import user_api_token
from requests_board import services
from requests_board.models import FollowUp
from tests.factories import resident_at

HERE = Path(__file__).resolve().parent
ST = Path(sys.executable).parent / "st"
# Reproducible: the same seed gives the same requests on every run.
SEED = 20261202
# Per operation in the fuzzing phase; the coverage phase (boundary values
# and negations of every parameter, about 1,100 requests) does not depend
# on it. About 1,400 requests in all.
MAX_EXAMPLES = 5

pytestmark = [pytest.mark.slow(30), pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fast_hashes(settings):
    """The server checks passwords with the fast hasher it is given
    (contract_settings): so are the test accounts' passwords made."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(fast_hashes):
    """A resident with a home, a request with a response (so a conversation),
    a finished request with its follow-up, an offer, a neighbour's request,
    a report in the moderators' queue: ids that exist, for the fuzzer."""
    categories_ensure(HelpCategory)
    groceries = HelpCategory.objects.get(slug="groceries")
    here = Point(2.37, 48.86, srid=4326)
    me = resident_at(48.86, 2.37, display_name="Contract", email_verified=True)
    me.password = make_password(secrets.token_urlsafe(30))
    me.save(update_fields=["password"])
    me.skills.add(groceries)
    # A moderator of every zone, so that the moderation operations are
    # fuzzed too, not only refused with 403.
    Moderator.objects.create(user=me, everywhere=True)
    neighbour = resident_at(48.861, 2.371, display_name="Neighbour", email_verified=True)
    neighbour.skills.add(groceries)
    third = resident_at(48.859, 2.369, display_name="Third", email_verified=True)

    mine = services.help_request_create(
        author=me, title="Courses", description="Du lait", category=groceries, location=here
    )
    services.help_request_respond(request=mine, volunteer=neighbour, message="Je passe à 10 h")
    done = services.help_request_create(
        author=me, title="Une étagère", category=groceries, location=here
    )
    services.help_request_respond(request=done, volunteer=neighbour, message="J'ai une perceuse")
    services.help_request_accept(request=done, requester=me, helper_id=neighbour.pk)
    services.help_request_complete(request=done, user=me)
    theirs = services.help_request_create(
        author=neighbour,
        title="Promener le chien",
        category=groceries,
        location=Point(2.371, 48.861, srid=4326),
    )
    services.offer_create(volunteer=me, categories=[groceries], note="Le soir")
    reported = services.help_request_create(
        author=third, title="Vends canapé", category=groceries, location=here
    )
    report, _created = moderation_services.report_create(
        reporter=neighbour, target_type="request", target_id=reported.pk, reason="scam"
    )
    conversation = mine.conversations.get()
    return {
        "token": user_api_token(user=me),
        "request_ids": [mine.pk, done.pk, theirs.pk],
        "helper_ids": [neighbour.pk],
        "user_ids": [neighbour.pk, third.pk],
        "conversation_ids": [conversation.pk],
        "follow_up_ids": list(FollowUp.objects.filter(user=me).values_list("pk", flat=True)),
        "report_ids": [report.pk],
    }


def _config(world) -> str:
    """schemathesis.toml: real ids for about half of the generated path
    parameters (the other half stays generated, malformed ones included),
    and 400 let through positive_data_acceptance for contract_hooks to judge."""
    bindings = [
        (r"^/api/v1/requests/\\{id\\}", "path.id", "request_ids"),
        (r"^/api/v1/requests/\\{id\\}/accept$", "body.helper", "helper_ids"),
        (r"^/api/v1/blocks/\\{user_id\\}$", "path.user_id", "user_ids"),
        (r"^/api/v1/conversations/\\{id\\}", "path.id", "conversation_ids"),
        (r"^/api/v1/follow-ups/\\{id\\}$", "path.id", "follow_up_ids"),
        (r"^/api/v1/moderation/reports/\\{id\\}", "path.id", "report_ids"),
    ]
    lines = [
        "[checks.positive_data_acceptance]",
        # Schemathesis's defaults plus 400, which contract_hooks.py checks.
        'expected-statuses = ["2xx", "3xx", "400", "401", "403", "404", "409", "429", "5xx"]',
        "",
    ]
    for name in {name for _path, _key, name in bindings}:
        lines += [f"[dictionaries.{name}]", f"values = {world[name]!r}", ""]
    for path, key, name in bindings:
        lines += [
            "[[operations]]",
            f'include-path-regex = "{path}"',
            f'parameters = {{ "{key}" = {{ dictionary = "{name}", probability = 0.5 }} }}',
            "",
        ]
    return "\n".join(lines)


def _schemathesis(address: str, token: str, workdir: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": str(HERE / "contract_hooks.py"),
        "NO_COLOR": "1",
        "COLUMNS": "120",
    }
    return subprocess.run(
        [
            str(ST),
            "--config-file",
            str(workdir / "schemathesis.toml"),
            "run",
            f"http://{address}/api/schema/",
            "--checks",
            "all",
            "--header",
            f"Authorization: Token {token}",
            "--seed",
            str(SEED),
            "--max-examples",
            str(MAX_EXAMPLES),
            # One worker: requests in a fixed order, so runs repeat exactly.
            "--workers",
            "1",
            "--request-timeout",
            "30",
            # Nothing kept between runs (no .hypothesis/ examples database).
            "--generation-database",
            "none",
            "--no-color",
        ],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_the_api_keeps_its_openapi_contract(world, server_factory, tmp_path):
    assert shutil.which(str(ST)), f"schemathesis is not installed in the virtualenv ({ST})"
    server = server_factory(DJANGO_SETTINGS_MODULE="tests.config.contract_settings")
    (tmp_path / "schemathesis.toml").write_text(_config(world))
    started = time.monotonic()
    result = _schemathesis(server.address, world["token"], tmp_path)
    elapsed = time.monotonic() - started
    output = result.stdout + result.stderr
    print(f"schemathesis ran for {elapsed:.0f} s")  # shown with -s or on failure
    assert result.returncode == 0, f"schemathesis found contract failures:\n\n{output}"
    # It did test every operation, and found the custom check.
    selected = re.search(r"Selected: (\d+)/(\d+)", output)
    tested = re.search(r"Tested: (\d+)", output)
    assert selected and tested, output
    assert selected.group(1) == selected.group(2) == tested.group(1), output
    assert int(tested.group(1)) >= 30, output
