"""Reads for the help board, with the permission checks that views share, one
module per concern: matching (nearby, candidates), one request, the map and
its list, a person's own items. Who may see a post at all is
requests_board.visibility's rule."""

from requests_board.selectors.map import help_requests_in_area, map_features, offers_in_area
from requests_board.selectors.matching import (
    PAGE_SIZE,
    Match,
    MatchPage,
    help_requests_nearby,
    offer_addressable,
    offers_nearby,
    viewer_skill_ids,
    volunteer_candidates,
)
from requests_board.selectors.people import (
    categories_list,
    follow_up_for_request,
    follow_up_of,
    follow_ups_of,
    follow_ups_waiting,
    notifications_for,
)
from requests_board.selectors.requests import (
    direct_asks_waiting,
    help_request_exact_visible,
    help_request_for_viewer,
    help_request_view_distance,
    help_requests_helping,
    help_requests_of,
    offers_of_help_waiting,
    response_distance,
    responses_for_author,
    responses_pending,
)

__all__ = [
    "direct_asks_waiting",
    "PAGE_SIZE",
    "Match",
    "MatchPage",
    "categories_list",
    "follow_up_for_request",
    "follow_up_of",
    "follow_ups_waiting",
    "follow_ups_of",
    "help_request_exact_visible",
    "help_request_for_viewer",
    "help_request_view_distance",
    "help_requests_helping",
    "help_requests_in_area",
    "help_requests_nearby",
    "help_requests_of",
    "map_features",
    "notifications_for",
    "offers_in_area",
    "offer_addressable",
    "offers_nearby",
    "offers_of_help_waiting",
    "response_distance",
    "responses_pending",
    "responses_for_author",
    "viewer_skill_ids",
    "volunteer_candidates",
]
