"""neighbors' part of a person's data (data_rights): the profile and home."""

from common.export import point_export, when_export


def export(user) -> dict:
    return {
        "profile": {
            "id": user.pk,
            "email": user.email,
            "display_name": user.display_name,
            "home": point_export(user.home),
            "home_public": point_export(user.home_public),
            "walk_radius_m": user.walk_radius_m,
            "skills": list(user.skills.values_list("slug", flat=True)),
            "languages": user.languages,
            "phone": user.phone,
            "phone_verified_at": when_export(user.phone_verified_at),
            "email_notifications": user.email_notifications,
            "email_my_requests": user.email_my_requests,
            "date_joined": when_export(user.date_joined),
            "last_login": when_export(user.last_login),
            "suspended_until": when_export(user.suspended_until),
            "banned_at": when_export(user.banned_at),
        },
        "home_moves": [when_export(m.created_at) for m in user.home_moves.order_by("created_at")],
    }


def erase(user) -> None:
    """The profile, home and home moves go with the user's row itself
    (data_rights deletes it last)."""
