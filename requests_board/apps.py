from django.apps import AppConfig


class RequestsBoardConfig(AppConfig):
    """Help categories, requests, offers, responses, lifecycle, matching, notifications, impact."""

    name = "requests_board"
    verbose_name = "Help board"

    def ready(self):
        from neighbors.signals import home_moved
        from requests_board.services import offers_follow_home

        def follow(*, user, **_signal):
            offers_follow_home(user=user)

        home_moved.connect(follow, dispatch_uid="requests_board.offers_follow_home", weak=False)
