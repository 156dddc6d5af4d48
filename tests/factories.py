import factory
from allauth.account.models import EmailAddress
from django.contrib.gis.geos import Point

from geo.privacy import public_point
from neighbors.models import User

PASSWORD = "correct horse battery staple"


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


def resident_at(lat: float, lng: float, **kwargs) -> User:
    """A resident whose home is at (lat, lng), public point included."""
    user = UserFactory(**kwargs)
    user.home = Point(lng, lat, srid=4326)
    user.home_public = public_point(user.home, identity=f"home:{user.pk}")
    user.save(update_fields=["home", "home_public"])
    return user
