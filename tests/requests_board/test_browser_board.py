"""The board's journey in Debian's Chromium against a live daphne: A posts a
request with a map pin; B (600 m, 1 km radius) finds it in "near me" with a
band, minutes and reasons; C (3 km) does not; B responds; A accepts; B sees
the exact point and a walking-directions link; a stranger never does."""

import re

import pytest
from playwright.sync_api import expect

from requests_board.models import HelpRequest
from tests.conftest import assert_accessible, browser_login
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_post_find_respond_accept_see_the_meeting_point(
    browser, asgi_server, requester, volunteer, far_volunteer, category
):
    base = f"http://{asgi_server}"
    exact_lat = requester.home.y

    a = browser_login(browser, base, requester)
    a.goto("/requests/new/")
    assert_accessible(a)
    a.locator("#id_title").fill("Groceries at the market")
    a.locator("#id_category").select_option("groceries")
    # The day is a large button; today makes the request urgent.
    a.get_by_label(re.compile(r"\bToday, ")).check()
    # The pin starts at A's home; A drags nothing and publishes.
    assert float(a.locator("#id_lat").input_value()) == pytest.approx(exact_lat)
    a.get_by_role("button", name="Publish my request").click()
    expect(a.locator(".messages")).to_contain_text("published")
    request_id = int(re.search(r"/requests/(\d+)/", a.url).group(1))
    expect(a.locator(".coordinates")).to_have_count(1)

    b = browser_login(browser, base, volunteer)
    b.goto("/near-me/")
    item = b.locator(".items .item").filter(has_text="Groceries at the market")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("min walk")
    expect(item).to_contain_text("matches your skill: Groceries")
    expect(item).to_contain_text("needed today")
    assert_accessible(b)
    item.get_by_role("link").click()
    expect(b.locator(".coordinates")).to_have_count(0)
    assert "detail-exact" not in b.content()
    b.locator("#id_message").fill("I can go at 10 tomorrow")
    b.get_by_role("button", name="I can help").click()
    expect(b.locator(".messages")).to_contain_text("Thank you")

    c = browser_login(browser, base, far_volunteer)
    c.goto("/near-me/")
    expect(c.locator(".items .item").filter(has_text="Groceries at the market")).to_have_count(0)

    a.goto(f"/requests/{request_id}/")
    a.get_by_role("link", name=re.compile("Accept Bruno")).click()
    # It asks first: Bruno will see where to meet.
    expect(a.get_by_role("heading", level=1)).to_have_text("Accept Bruno's help?")
    assert_accessible(a)
    a.get_by_role("button", name="Yes, accept Bruno").click()
    expect(a.locator(".status")).to_have_text("Matched")

    b.goto(f"/requests/{request_id}/")
    b.get_by_text("Coordinates (for a GPS)").click()
    shown = b.locator(".coordinates").inner_text().replace(",", " ").split()
    assert float(shown[0]) == pytest.approx(exact_lat, abs=1e-6)
    expect(b.get_by_role("link", name="Walking directions")).to_have_attribute(
        "href", re.compile("openstreetmap.org/directions")
    )
    expect(b.locator("#detail-map .leaflet-marker-icon")).to_have_count(1)

    stranger = UserFactory()
    s = browser_login(browser, base, stranger)
    response = s.goto(f"/requests/{request_id}/")
    assert response.status == 404
    s.goto("/")
    assert "detail-exact" not in s.content()
    assert HelpRequest.objects.get(pk=request_id).helper_id == volunteer.pk


def test_map_shows_markers_and_clusters_from_the_api(browser, asgi_server, help_request):
    context = browser.new_context(locale="fr-FR", base_url=f"http://{asgi_server}")
    page = context.new_page()
    page.goto("/")
    expect(page.locator("#map .map-icon-request")).to_have_count(1)
    page.locator("#map .map-icon-request").click()
    expect(page.locator(".leaflet-popup-content")).to_contain_text(help_request.title)
    page.locator("#map .leaflet-control-zoom-out").click()
    page.locator("#map .leaflet-control-zoom-out").click()
    page.locator("#map .leaflet-control-zoom-out").click()
    expect(page.locator("#map .map-cluster")).to_have_count(1)
    expect(page.locator("#map .map-cluster")).to_have_text("1")
    # The same item is in the list.
    expect(page.locator(".items .item").filter(has_text=help_request.title)).to_have_count(1)
