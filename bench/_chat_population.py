"""The database side of bench/chat_load.py, run as a child process with
DATABASE_URL set (the orchestrator never imports Django, so each
configuration can point at its own database):

    python bench/_chat_population.py populate PAIRS   # migrate, then JSON pairs on stdout
    python bench/_chat_population.py verify < ids     # JSON counts on stdout

`populate` makes, for each pair, a requester and a volunteer (users with a
home and its public point), an open help request by the requester, the
volunteer's response and the conversation it opens, and a DRF token for
both. Everything is bulk_create: the services (help_request_create,
help_request_respond) cost several statements, a task and a first message
each, and none of that is what the chat benchmark measures. The rows are
the ones those services would write, minus the notification, the first chat
message and the map-cell counts.
"""

import json
import os
import random
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BODY_MARK = "bench-load"  # every benchmark message body starts with this


def setup() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def populate(pairs: int, seed: int = 20261126) -> list[dict]:
    from _population import Spread
    from django.contrib.auth.hashers import make_password
    from django.contrib.gis.geos import Point
    from django.db import transaction
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from chat.models import Conversation
    from geo.privacy import public_point
    from neighbors.models import HelpCategory, User
    from requests_board.models import HelpRequest, Response

    spread = Spread(seed)
    rng = random.Random(seed)
    run = uuid.uuid4().hex[:8]
    unusable = make_password(None)
    now = timezone.now()
    categories = list(HelpCategory.objects.all())
    if not categories:
        raise SystemExit("no help categories: did migrate run?")
    with transaction.atomic():
        people = User.objects.bulk_create(
            [
                User(
                    email=f"chat{run}-{i}@bench.invalid",
                    display_name=f"{'Req' if i % 2 == 0 else 'Vol'} {i // 2}",
                    password=unusable,
                    home=Point(*spread.point(), srid=4326),
                    walk_radius_m=1000,
                )
                for i in range(2 * pairs)
            ]
        )
        for person in people:
            person.home_public = public_point(person.home, identity=f"home:{person.pk}")
        User.objects.bulk_update(people, ["home_public"], batch_size=500)
        requesters, volunteers = people[0::2], people[1::2]
        requests = HelpRequest.objects.bulk_create(
            [
                HelpRequest(
                    author=author,
                    title="Courses au marche",
                    category=rng.choice(categories),
                    location=author.home,
                    public_location=author.home,  # replaced below: needs the id
                    expires_at=now + timedelta(days=14),
                )
                for author in requesters
            ]
        )
        for request in requests:
            request.public_location = public_point(
                request.location, identity=f"request:{request.pk}"
            )
        HelpRequest.objects.bulk_update(requests, ["public_location"], batch_size=500)
        Response.objects.bulk_create(
            [
                Response(request=request, volunteer=volunteer, message="Je peux passer")
                for request, volunteer in zip(requests, volunteers, strict=True)
            ]
        )
        conversations = Conversation.objects.bulk_create(
            [
                Conversation(request=request, requester=request.author, volunteer=volunteer)
                for request, volunteer in zip(requests, volunteers, strict=True)
            ]
        )
        tokens = Token.objects.bulk_create(
            [Token(key=Token.generate_key(), user=person) for person in people]
        )
    key = {token.user_id: token.key for token in tokens}
    return [
        {
            "conversation": conversation.pk,
            "requester": {
                "user": conversation.requester_id,
                "token": key[conversation.requester_id],
            },
            "volunteer": {
                "user": conversation.volunteer_id,
                "token": key[conversation.volunteer_id],
            },
        }
        for conversation in conversations
    ]


def verify(acked_ids: list[int]) -> dict:
    """How many acknowledged ids are rows, and how many bench messages exist."""
    from chat.models import Message

    found = 0
    missing = []
    for start in range(0, len(acked_ids), 5000):
        chunk = acked_ids[start : start + 5000]
        present = set(Message.objects.filter(pk__in=chunk).values_list("pk", flat=True))
        found += len(present)
        missing += [i for i in chunk if i not in present][: 20 - len(missing)]
    stored = Message.objects.filter(body__startswith=BODY_MARK).count()
    return {"acked": len(acked_ids), "found": found, "missing_sample": missing, "stored": stored}


def main() -> None:
    setup()
    command = sys.argv[1]
    started = time.perf_counter()
    if command == "populate":
        from django.core.management import call_command

        # migrate here too: one Django start-up instead of two.
        call_command("migrate", interactive=False, verbosity=0)
        migrated = time.perf_counter() - started
        pairs = populate(int(sys.argv[2]))
        seconds = time.perf_counter() - started - migrated
        print(json.dumps({"pairs": pairs, "seconds": seconds, "migrate_seconds": migrated}))
    elif command == "verify":
        ids = json.load(sys.stdin)
        print(json.dumps(verify(ids)))
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main()
