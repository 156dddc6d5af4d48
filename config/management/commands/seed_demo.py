"""A believable demo neighbourhood around Paris 11e: residents, homes, requests
and offers, in French and English. Idempotent: run it as often as you like."""

import random

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from geo.models import Zone
from geo.privacy import public_point
from neighbors.categories import categories_ensure
from neighbors.models import HelpCategory, User
from relays.services import kept_neighbour_add, relay_name
from requests_board.models import Urgency
from requests_board.services import help_request_create, offer_create

DEMO_DOMAIN = "demo.entraide.invalid"
DEMO_PASSWORD = "entraide-demo"  # noqa: S105 (documented demo accounts)

# Around Parmentier / Oberkampf / Voltaire, inside the 11th arrondissement.
CENTRE = (48.8620, 2.3780)
SPREAD = (0.0070, 0.0110)

FIRST_NAMES = [
    "Amina",
    "Bernard",
    "Chloé",
    "Didier",
    "Élodie",
    "Fatou",
    "Gérard",
    "Hélène",
    "Idriss",
    "Jeanne",
    "Karim",
    "Louise",
    "Mamadou",
    "Nadia",
    "Odile",
    "Pierre",
    "Quentin",
    "Rose",
    "Samir",
    "Thérèse",
    "Ugo",
    "Valérie",
    "William",
    "Xavier",
    "Yasmine",
    "Zoé",
    "Mei",
    "Grace",
    "Tom",
    "Priya",
]
LANGUAGE_SETS = [["fr"], ["fr"], ["fr", "en"], ["fr", "ar"], ["en"], ["fr", "es"], ["fr", "wo"]]

REQUESTS = [
    (
        "groceries",
        Urgency.HIGH,
        "Courses au marché Popincourt",
        "Je ne peux plus porter de charges lourdes. Quelques légumes et du lait, je rembourse bien sûr.",
    ),
    (
        "paperwork",
        Urgency.NORMAL,
        "Aide pour ma déclaration en ligne",
        "Le site des impôts me perd. Une heure avec quelqu'un de patient suffirait.",
    ),
    (
        "diy",
        Urgency.LOW,
        "Fix a dripping kitchen tap",
        "I have the new washer, I just need someone who knows how to change it.",
    ),
    (
        "rides",
        Urgency.NORMAL,
        "Accompagnement chez le médecin jeudi",
        "Rendez-vous à 10 h boulevard Voltaire, je marche lentement.",
    ),
    (
        "pets",
        Urgency.HIGH,
        "Walk my dog this evening",
        "Back from hospital, I can't walk Filou for a few days. He is friendly.",
    ),
    (
        "company",
        Urgency.LOW,
        "Un café et une partie de scrabble",
        "Je vis seule depuis peu, une visite de temps en temps me ferait plaisir.",
    ),
    (
        "gardening",
        Urgency.LOW,
        "Repot plants on the balcony",
        "Six big pots, the soil is already here.",
    ),
    (
        "childcare",
        Urgency.NORMAL,
        "Sortie d'école mercredi",
        "Récupérer ma fille à 16 h 30 rue Saint-Maur et rester une heure avec elle.",
    ),
]

OFFERS = [
    (
        ["groceries", "errands"],
        "Le samedi matin",
        "Je fais mes courses au marché, je peux prendre les vôtres.",
    ),
    (["diy"], "Weekday evenings", "Handy with tools: shelves, taps, small repairs."),
    (
        ["paperwork"],
        "Mardi et jeudi après-midi",
        "Ancienne secrétaire, à l'aise avec les démarches en ligne.",
    ),
    (
        ["company", "rides"],
        "Most afternoons",
        "Retired, happy to visit or walk with you to appointments.",
    ),
    (["pets", "gardening"], "Le week-end", "J'adore les animaux et j'ai la main verte."),
    (
        ["childcare"],
        "Mercredi après-midi",
        "Maman de deux enfants, je peux aussi garder les vôtres.",
    ),
]


def _demo_emails_verify() -> None:
    """Demo addresses cannot receive mail: count them as verified, so that
    the demo accounts sign in without the emailed code."""
    for user in User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}"):
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )


class Command(BaseCommand):
    help = "Creates (once) a demo neighbourhood in Paris 11e with residents, requests and offers."

    @transaction.atomic
    def handle(self, *args, **options):
        categories_ensure(HelpCategory)
        if User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").exists():
            _demo_emails_verify()
            self.stdout.write("Demo data already present.")
            return
        rng = random.Random(11)
        categories = {c.slug: c for c in HelpCategory.objects.all()}
        residents = []
        # Hashed once (a slow hash on purpose, half a second): every demo
        # account has the same published password anyway.
        password = make_password(DEMO_PASSWORD)
        for index, name in enumerate(FIRST_NAMES):
            home = Point(
                CENTRE[1] + rng.uniform(-SPREAD[1], SPREAD[1]),
                CENTRE[0] + rng.uniform(-SPREAD[0], SPREAD[0]),
                srid=4326,
            )
            user = User.objects.create_user(
                f"{name.lower().replace('é', 'e').replace('è', 'e')}.{index}@{DEMO_DOMAIN}",
                None,
                display_name=name,
                walk_radius_m=rng.choice([500, 800, 1000, 1000, 1500, 2000]),
                languages=rng.choice(LANGUAGE_SETS),
            )
            user.password = password
            user.home = home
            user.home_public = public_point(home, identity=f"home:{user.pk}")
            user.save(update_fields=["password", "home", "home_public"])
            user.skills.set(rng.sample(list(categories.values()), k=rng.randint(1, 3)))
            residents.append(user)

        for author, (slug, urgency, title, description) in zip(residents, REQUESTS, strict=False):
            # Meeting points near (not at) the author's home: the door, a corner, a shop.
            location = Point(
                author.home.x + rng.uniform(-0.0008, 0.0008),
                author.home.y + rng.uniform(-0.0005, 0.0005),
                srid=4326,
            )
            help_request_create(
                author=author,
                title=title,
                description=description,
                category=categories[slug],
                urgency=urgency,
                location=location,
            )

        _demo_emails_verify()
        volunteers = residents[len(REQUESTS) : len(REQUESTS) + len(OFFERS)]
        for volunteer, (slugs, availability, note) in zip(volunteers, OFFERS, strict=False):
            offer_create(
                volunteer=volunteer,
                categories=[categories[s] for s in slugs],
                availability=availability,
                note=note,
            )
        # Amina relays for Madeleine, who has no internet (a landline only).
        zone, _created = Zone.objects.get_or_create(
            name="Paris 11e",
            defaults={
                "area": MultiPolygon(Polygon.from_bbox((2.36, 48.85, 2.40, 48.875)), srid=4326)
            },
        )
        relay_name(user=residents[0], zones=[zone])
        kept_neighbour_add(
            relay_user=residents[0],
            first_name="Madeleine",
            place=Point(CENTRE[1] + 0.002, CENTRE[0] - 0.001, srid=4326),
            languages=["fr"],
            consent_given_at=timezone.localdate(),
            consent_how="phone",
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo neighbourhood created: {len(residents)} residents, "
                f"{len(REQUESTS)} requests, {len(OFFERS)} offers "
                f"(log in as amina.0@{DEMO_DOMAIN} / {DEMO_PASSWORD})."
            )
        )
