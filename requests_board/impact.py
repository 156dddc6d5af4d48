"""Public impact figures that identify nobody (DESIGN.md, "Impact and open
data"): requests posted and fulfilled, time to a first response and to a
match, active volunteers, the follow-up score; overall, per zone and per
month, and on a coarse grid for the map download.

Any figure over a group of fewer than IMPACT_MIN_PEOPLE distinct people is
suppressed, and where a breakdown hides a single group, the next smallest one
too, so that no hidden figure is the total minus the shown ones. The people of a group are the requesters, the volunteers who
responded and the helpers; requests whose author erased their account count
together as one person, so erasure can never push a group over the threshold.
The follow-up score has its own threshold: fewer than k distinct answerers,
no score. Requests hidden by moderation are left out.
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from geo.privacy import grid_cell
from requests_board.models import FollowUp, HelpRequest, Response

ERASED = "erased"  # stands for every erased author at once
LICENCE = {
    "name": "Licence Ouverte / Open Licence 2.0 (Etalab)",
    "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}
OUTSIDE_ZONES = _("Outside any zone")


@dataclass
class Group:
    people: set = field(default_factory=set)
    volunteers: set = field(default_factory=set)
    posted: int = 0
    fulfilled: int = 0
    first_response_minutes: list = field(default_factory=list)
    match_minutes: list = field(default_factory=list)
    scores: list = field(default_factory=list)
    answerers: set = field(default_factory=set)

    def figures(self, k: int) -> dict:
        if len(self.people) < k:
            return {"suppressed": True}
        enough_answers = len(self.answerers) >= k
        return {
            "suppressed": False,
            "people": len(self.people),
            "posted": self.posted,
            "fulfilled": self.fulfilled,
            "share_fulfilled": round(self.fulfilled / self.posted, 3) if self.posted else None,
            "median_minutes_to_first_response": _median(self.first_response_minutes),
            "median_minutes_to_match": _median(self.match_minutes),
            "active_volunteers": len(self.volunteers),
            "follow_up_score": round(statistics.fmean(self.scores), 2)
            if enough_answers and self.scores
            else None,
            "follow_up_answers": len(self.scores) if enough_answers else None,
        }


def _median(values: list) -> float | None:
    return round(statistics.median(values), 1) if values else None


def _minutes(start, end) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).total_seconds() / 60


def _groups(key_of) -> dict:
    """Every request (not hidden) folded into the groups `key_of` names."""
    groups: dict = defaultdict(Group)
    requests = list(
        HelpRequest.objects.filter(hidden=False).values(
            "id",
            "author_id",
            "helper_id",
            "status",
            "created_at",
            "first_response_at",
            "matched_at",
            "zone__name",
            "public_location",
        )
    )
    volunteers = defaultdict(set)
    for request_id, volunteer_id in Response.objects.values_list("request_id", "volunteer_id"):
        if volunteer_id is not None:
            volunteers[request_id].add(volunteer_id)
    answers = defaultdict(list)
    for request_id, user_id, score in FollowUp.objects.filter(score__isnull=False).values_list(
        "request_id", "user_id", "score"
    ):
        answers[request_id].append((user_id, score))
    for row in requests:
        for key in key_of(row):
            group = groups[key]
            group.posted += 1
            group.people.add(row["author_id"] or ERASED)
            group.people |= volunteers[row["id"]]
            group.volunteers |= volunteers[row["id"]]
            if row["helper_id"]:
                group.people.add(row["helper_id"])
                group.volunteers.add(row["helper_id"])
            if row["status"] == HelpRequest.Status.DONE:
                group.fulfilled += 1
            waited = _minutes(row["created_at"], row["first_response_at"])
            if waited is not None:
                group.first_response_minutes.append(waited)
            matched = _minutes(row["created_at"], row["matched_at"])
            if matched is not None:
                group.match_minutes.append(matched)
            for user_id, score in answers[row["id"]]:
                group.scores.append(score)
                group.answerers.add(user_id or f"{ERASED}:{row['id']}")
    return groups


def impact_figures(*, k: int | None = None) -> dict:
    k = k or settings.IMPACT_MIN_PEOPLE

    def keys(row):
        zone = row["zone__name"] or str(OUTSIDE_ZONES)
        month = timezone.localtime(row["created_at"]).strftime("%Y-%m")
        return [("overall", ""), ("zone", zone), ("month", month)]

    groups = _groups(keys)
    return {
        "k": k,
        "generated_at": timezone.now().isoformat(),
        "licence": LICENCE,
        "overall": groups[("overall", "")].figures(k),
        "zones": _breakdown(groups, "zone", k),
        "months": _breakdown(groups, "month", k),
    }


def _breakdown(groups: dict, scope: str, k: int) -> list[dict]:
    """One row per group of a breakdown, with secondary suppression: were a
    single group hidden, the total minus the others would give its figures
    away, so the next smallest one is hidden with it."""
    keyed = {key: groups[(kind, key)] for kind, key in groups if kind == scope}
    hidden = _with_secondary({key: len(g.people) for key, g in keyed.items()}, k)
    return [
        {scope: key, **({"suppressed": True} if key in hidden else keyed[key].figures(k))}
        for key in sorted(keyed)
    ]


def _with_secondary(people: dict, k: int) -> set:
    """The keys to hide: those under k people, and if that is exactly one
    key among several, the smallest of the others too."""
    hidden = {key for key, count in people.items() if count < k}
    shown = sorted((count, str(key), key) for key, count in people.items() if key not in hidden)
    if len(hidden) == 1 and shown:
        hidden.add(shown[0][2])
    return hidden


CSV_COLUMNS = [
    "scope",
    "key",
    "suppressed",
    "people",
    "posted",
    "fulfilled",
    "share_fulfilled",
    "median_minutes_to_first_response",
    "median_minutes_to_match",
    "active_volunteers",
    "follow_up_score",
    "follow_up_answers",
]


def impact_rows(figures: dict) -> list[dict]:
    """The figures as flat rows for the CSV download."""
    rows = [{"scope": "overall", "key": "", **figures["overall"]}]
    rows += [{"scope": "zone", "key": z["zone"], **z} for z in figures["zones"]]
    rows += [{"scope": "month", "key": m["month"], **m} for m in figures["months"]]
    return [{column: row.get(column) for column in CSV_COLUMNS} for row in rows]


def impact_grid(*, k: int | None = None) -> dict:
    """Requests posted and fulfilled per grid cell (IMPACT_GRID_M), from the
    public points, as GeoJSON polygons; cells of fewer than k people are left out."""
    k = k or settings.IMPACT_MIN_PEOPLE
    size = settings.IMPACT_GRID_M
    # The public points' own grid, at a coarser size.
    cells = _groups(lambda row: [grid_cell(row["public_location"], size)])
    hidden = _with_secondary({key: len(group.people) for key, group in cells.items()}, k)
    features = []
    for (lat_index, lng_index, dlat, dlng), group in sorted(cells.items()):
        if (lat_index, lng_index, dlat, dlng) in hidden:
            continue
        numbers = group.figures(k)
        south, west = lat_index * dlat, lng_index * dlng
        ring = [
            [round(west, 6), round(south, 6)],
            [round(west + dlng, 6), round(south, 6)],
            [round(west + dlng, 6), round(south + dlat, 6)],
            [round(west, 6), round(south + dlat, 6)],
            [round(west, 6), round(south, 6)],
        ]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": {
                    "posted": numbers["posted"],
                    "fulfilled": numbers["fulfilled"],
                    "people": numbers["people"],
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "features": features,
        "k": k,
        "cell_metres": size,
        "licence": LICENCE,
    }
