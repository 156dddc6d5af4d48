from django.apps import AppConfig


class NeighborsConfig(AppConfig):
    """Users, profiles, the private home point, skills, languages, accounts."""

    name = "neighbors"
    verbose_name = "Neighbours"
