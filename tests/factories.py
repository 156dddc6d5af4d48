"""factory_boy factories, one section per app. They create rows and nothing
else: no service is called, so no notification wave, rate limit, content
check, zone lookup or published event follows (STYLE.md, "Factories only
create rows"). A test about those goes through the services.

Derived state is not maintained either. The map's counts per cell
(requests_board.MapCell, owned by requests_board.visibility) do not know of
posts made here: call `map_sync(*posts)` when a test reads the map at a zoom
that shows counts. A request's `zone` and a report's `zones` are left empty
unless given, where the services would look them up.

Points are (lat, lng) arguments turned into srid-4326 geometries here, and
every public point is geo.privacy's, with the identity the services use.
"""

from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.utils import timezone

from chat.models import Conversation, Message, ReadState
from geo.models import Zone
from geo.privacy import public_point
from moderation.models import ActionKind, ModerationAction, Moderator, Reason, Report, TargetType
from neighbors.categories import CATEGORIES
from neighbors.models import HelpCategory, User
from relays.models import KeptNeighbour, Relay
from requests_board import visibility
from requests_board.models import FollowUp, HelpRequest, Notification, Response, VolunteerOffer

PASSWORD = "correct horse battery staple"

# Paris 11e, where most tests live (tests/requests_board/conftest.py's ORIGIN).
PARIS = (48.8600, 2.3700)


def point_at(lat: float, lng: float) -> Point:
    return Point(lng, lat, srid=4326)


# --- neighbors ------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"neighbour{n}@example.org")
    display_name = factory.Faker("first_name")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def email_verified(user, create, extracted, **kwargs):
        """Signing in needs a verified address (allauth's row);
        `email_verified=False` leaves it unverified."""
        if create:
            EmailAddress.objects.create(
                user=user, email=user.email, verified=extracted is not False, primary=True
            )


class ResidentFactory(UserFactory):
    """A user with a home at (lat, lng), Paris 11e unless told, public point included."""

    class Params:
        lat = PARIS[0]
        lng = PARIS[1]

    home = factory.LazyAttribute(lambda o: point_at(o.lat, o.lng))

    @factory.post_generation
    def home_public(user, create, extracted, **kwargs):
        # The public point is named after the id, known only now.
        user.home_public = extracted or public_point(user.home, identity=f"home:{user.pk}")
        if create:
            user.save(update_fields=["home_public"])


def resident_at(lat: float, lng: float, **kwargs) -> User:
    """A resident whose home is at (lat, lng), public point included."""
    return ResidentFactory(lat=lat, lng=lng, **kwargs)


class HelpCategoryFactory(factory.django.DjangoModelFactory):
    """One of the seeded categories (migrations seed them; transactional
    tests flush them): fetched by slug, or made again with its seeded names."""

    class Meta:
        model = HelpCategory
        django_get_or_create = ("slug",)

    slug = "groceries"
    name_en = factory.LazyAttribute(lambda o: _seeded(o.slug)[0])
    name_fr = factory.LazyAttribute(lambda o: _seeded(o.slug)[1])
    icon = factory.LazyAttribute(lambda o: _seeded(o.slug)[2])
    position = factory.LazyAttribute(lambda o: _seeded(o.slug)[3])


def _seeded(slug: str) -> tuple[str, str, str, int]:
    for position, (seeded, name_en, name_fr, icon) in enumerate(CATEGORIES):
        if seeded == slug:
            return name_en, name_fr, icon, position
    return slug.title(), slug.title(), "", len(CATEGORIES)


# --- geo --------------------------------------------------------------------------


def box(min_lng: float, min_lat: float, max_lng: float, max_lat: float) -> MultiPolygon:
    return MultiPolygon(Polygon.from_bbox((min_lng, min_lat, max_lng, max_lat)), srid=4326)


class ZoneFactory(factory.django.DjangoModelFactory):
    """A drawn zone; by default a box around Paris 11e (PARIS)."""

    class Meta:
        model = Zone
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Zone {n}")
    area = factory.LazyFunction(lambda: box(2.36, 48.85, 2.39, 48.87))


# --- requests_board -----------------------------------------------------------------


class HelpRequestFactory(factory.django.DjangoModelFactory):
    """An open request at (lat, lng), by default Paris 11e, expiring as the
    service would set it. Not counted on the map (see `map_sync`)."""

    class Meta:
        model = HelpRequest

    class Params:
        lat = PARIS[0]
        lng = PARIS[1]

    author = factory.SubFactory(ResidentFactory)
    title = factory.Sequence(lambda n: f"Courses {n}")
    description = "Du lait et des légumes"
    category = factory.SubFactory(HelpCategoryFactory)
    location = factory.LazyAttribute(lambda o: point_at(o.lat, o.lng))
    expires_at = factory.LazyFunction(
        lambda: timezone.now() + timedelta(days=settings.REQUEST_TTL_DAYS)
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """The public point is named after the id: stored with a stand-in
        first (the column is NOT NULL), as the service does, then replaced."""
        given = kwargs.pop("public_location", None)
        request = model_class(*args, **kwargs)
        request.public_location = given or request.location
        request.save()
        if given is None:
            request.public_location = public_point(
                request.location, identity=f"request:{request.pk}"
            )
            request.save(update_fields=["public_location"])
        return request


class VolunteerOfferFactory(factory.django.DjangoModelFactory):
    """An active offer at its volunteer's home (exact and public, as the
    service places it), for groceries unless `categories=[...]` is given.
    Not counted on the map (see `map_sync`)."""

    class Meta:
        model = VolunteerOffer
        skip_postgeneration_save = True

    volunteer = factory.SubFactory(ResidentFactory)
    radius_m = 1000
    availability = "Le soir"
    location = factory.SelfAttribute("volunteer.home")
    public_location = factory.SelfAttribute("volunteer.home_public")

    @factory.post_generation
    def categories(offer, create, extracted, **kwargs):
        if create:
            offer.categories.set(extracted if extracted is not None else [HelpCategoryFactory()])


class ResponseFactory(factory.django.DjangoModelFactory):
    """A volunteer's response; it opens no conversation (ConversationFactory does)."""

    class Meta:
        model = Response

    request = factory.SubFactory(HelpRequestFactory)
    volunteer = factory.SubFactory(ResidentFactory)
    message = "Je peux passer à 10 h"


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    kind = Notification.Kind.NEW_REQUEST
    request = factory.SubFactory(HelpRequestFactory)


class FollowUpFactory(factory.django.DjangoModelFactory):
    """The requester's follow-up on a request, unanswered unless `score` is given."""

    class Meta:
        model = FollowUp

    request = factory.SubFactory(HelpRequestFactory, status=HelpRequest.Status.DONE)
    user = factory.SelfAttribute("request.author")
    role = FollowUp.Role.REQUESTER
    answered_at = factory.Maybe("score", factory.LazyFunction(timezone.now), None)
    score = None


def map_sync(*posts) -> None:
    """Counts requests and offers made by the factories on the map
    (requests_board.visibility.post_sync, what every service calls)."""
    for post in posts:
        visibility.post_sync(post)


# --- chat ---------------------------------------------------------------------------


class ConversationFactory(factory.django.DjangoModelFactory):
    """Between a request's author and a volunteer (no Response row: add one
    with ResponseFactory if the test needs it)."""

    class Meta:
        model = Conversation

    request = factory.SubFactory(HelpRequestFactory)
    requester = factory.SelfAttribute("request.author")
    volunteer = factory.SubFactory(ResidentFactory)


class MessageFactory(factory.django.DjangoModelFactory):
    """A message from the conversation's volunteer unless `sender` is given."""

    class Meta:
        model = Message

    conversation = factory.SubFactory(ConversationFactory)
    sender = factory.SelfAttribute("conversation.volunteer")
    body = factory.Sequence(lambda n: f"Message {n}")
    client_id = factory.Sequence(lambda n: f"client-{n}")


class ReadStateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReadState

    conversation = factory.SubFactory(ConversationFactory)
    user = factory.SelfAttribute("conversation.requester")


# --- moderation -----------------------------------------------------------------------


def _target_type(obj) -> str:
    return {
        HelpRequest: TargetType.REQUEST,
        VolunteerOffer: TargetType.OFFER,
        Message: TargetType.MESSAGE,
        User: TargetType.USER,
    }[type(obj)]


def _target_user(obj):
    return {
        HelpRequest: lambda: obj.author,
        VolunteerOffer: lambda: obj.volunteer,
        Message: lambda: obj.sender,
        User: lambda: obj,
    }[type(obj)]()


class ModeratorFactory(factory.django.DjangoModelFactory):
    """A moderator of `zones=[...]` (none unless given), or `everywhere=True`."""

    class Meta:
        model = Moderator
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    everywhere = False

    @factory.post_generation
    def zones(moderator, create, extracted, **kwargs):
        if create and extracted:
            moderator.zones.set(extracted)


class ReportFactory(factory.django.DjangoModelFactory):
    """An open report on `target` (a request, offer, message or user; a new
    request unless given), its type, id and author taken from it. It is in
    the zones given as `zones=[...]`, none otherwise (the service would look
    them up from the target's exact point)."""

    class Meta:
        model = Report
        skip_postgeneration_save = True
        exclude = ("target",)

    target = factory.SubFactory(HelpRequestFactory)
    reporter = factory.SubFactory(UserFactory)
    target_type = factory.LazyAttribute(lambda o: _target_type(o.target))
    target_id = factory.LazyAttribute(lambda o: o.target.pk)
    target_user = factory.LazyAttribute(lambda o: _target_user(o.target))
    reason = Reason.HARASSMENT
    details = ""

    @factory.post_generation
    def zones(report, create, extracted, **kwargs):
        if create and extracted:
            report.zones.set(extracted)


class ModerationActionFactory(factory.django.DjangoModelFactory):
    """A line of the audit log on a report's target (a new report unless given)."""

    class Meta:
        model = ModerationAction

    report = factory.SubFactory(ReportFactory)
    moderator = factory.SubFactory(UserFactory)
    moderator_name = factory.SelfAttribute("moderator.display_name")
    action = ActionKind.WARN
    target_type = factory.SelfAttribute("report.target_type")
    target_id = factory.SelfAttribute("report.target_id")
    target_user = factory.SelfAttribute("report.target_user")
    reason = "Merci de rester courtois."


# --- relays -------------------------------------------------------------------------


class RelayFactory(factory.django.DjangoModelFactory):
    """A resident named relay in a zone around Paris 11e."""

    class Meta:
        model = Relay
        skip_postgeneration_save = True

    user = factory.SubFactory(ResidentFactory)

    @factory.post_generation
    def zones(relay, create, extracted, **kwargs):
        if create:
            relay.zones.add(*(extracted or [ZoneFactory(name="Paris 11e")]))


class KeptNeighbourFactory(factory.django.DjangoModelFactory):
    """A neighbour without internet, at Paris 11e unless told, with a basic phone."""

    class Meta:
        model = KeptNeighbour

    class Params:
        lat = PARIS[0]
        lng = PARIS[1]

    relay = factory.LazyFunction(lambda: RelayFactory().user)
    first_name = "Martine"
    phone = "+33612345678"
    place = factory.LazyAttribute(lambda o: point_at(o.lat, o.lng))
    languages = factory.LazyFunction(lambda: ["fr"])
    texts = True
    consent_given_at = factory.LazyFunction(timezone.localdate)
    consent_how = "phone"
