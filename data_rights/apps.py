from django.apps import AppConfig


class DataRightsConfig(AppConfig):
    """A person's rights over their data: export, erasure, and retention, each app giving its own part."""

    name = "data_rights"
