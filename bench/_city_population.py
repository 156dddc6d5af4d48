"""The database side of bench/city_load.py, run as a child process with
DATABASE_URL set (the orchestrator never imports Django):

    python bench/_city_population.py populate POSTS RESIDENTS PAIRS OUT.json

Migrates, then loads POSTS open help requests and RESIDENTS residents with
bench/nearby.py's loader (COPY, indexes rebuilt after it, map cells counted
with the app's own formula; every resident gets a home, its public point and
a DRF token), PAIRS chat conversations with bench/_chat_population.py, and
makes every bench account an established one (joined 30 days ago, a
verified email), so that the app's "new account" limits do not apply.

Writes to OUT.json what the load drivers need: each resident's id, token and
home, a sample of request ids with their authors (for the request pages and
the responses), the category slugs and the chat pairs.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import _chat_population

SAMPLE_REQUESTS = 20_000


def populate(posts: int, residents: int, pairs: int, seed: int) -> dict:
    import nearby
    from allauth.account.models import EmailAddress
    from django.db import connection

    from neighbors.models import HelpCategory, User
    from requests_board.models import HelpRequest

    report = {}
    args = argparse.Namespace(
        rows=posts, users=residents, viewers=residents, seed=seed, reuse=False
    )
    started = time.perf_counter()
    people = nearby.load(args, report)
    report["posts_s"] = time.perf_counter() - started
    started = time.perf_counter()
    chat_pairs = _chat_population.populate(pairs, seed=seed) if pairs else []
    report["chat_s"] = time.perf_counter() - started

    # Established accounts: safety.limits gives new ones (younger than
    # NEW_ACCOUNT_DAYS, or unverified) tighter limits.
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE neighbors_user SET date_joined = now() - interval '30 days' "
            "WHERE email LIKE %s",
            ["%@bench.invalid"],
        )
    bench_users = User.objects.filter(email__endswith="@bench.invalid").values_list("pk", "email")
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=pk, email=email, verified=True, primary=True)
            for pk, email in bench_users
        ],
        batch_size=5000,
    )
    report["established_s"] = time.perf_counter() - started

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, author_id FROM requests_board_helprequest "
            "WHERE status = 'open' ORDER BY random() LIMIT %s",
            [SAMPLE_REQUESTS],
        )
        sample = cursor.fetchall()
    return {
        "report": report,
        "posts": HelpRequest.objects.count(),
        "residents": [[p.pk, p.auth_token.key, p.home.x, p.home.y] for p in people],
        "requests": sample,
        "categories": list(HelpCategory.objects.values_list("slug", flat=True)),
        "pairs": chat_pairs,
    }


def main() -> None:
    _chat_population.setup()
    command = sys.argv[1]
    if command != "populate":
        raise SystemExit(f"unknown command {command}")
    posts, residents, pairs = (int(a) for a in sys.argv[2:5])
    out = Path(sys.argv[5])
    seed = int(sys.argv[6]) if len(sys.argv) > 6 else 20261204
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    migrated = time.perf_counter() - started
    answer = populate(posts, residents, pairs, seed)
    answer["report"]["migrate_s"] = migrated
    out.write_text(json.dumps(answer))
    print(json.dumps(answer["report"]))


if __name__ == "__main__":
    main()
