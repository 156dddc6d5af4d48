"""The public impact page in Debian's Chromium: figures, chart and tables,
downloads, and what a small group looks like."""

import pytest
from playwright.sync_api import expect

from neighbors.categories import categories_ensure
from neighbors.models import HelpCategory
from tests.conftest import assert_accessible
from tests.data_rights.test_follow_up_retention_impact import _seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded(db):
    categories_ensure(HelpCategory)
    return _seed(6, minutes_to_response=(10, 20, 30), done={0, 1, 2})


def test_the_impact_page_shows_figures_a_chart_and_the_same_in_tables(seeded, asgi_server, browser):
    page = browser.new_context(locale="en-GB", base_url=f"http://{asgi_server}").new_page()
    page.goto("/impact/")
    expect(page.locator("#overall-posted")).to_have_text("6")
    expect(page.locator("#overall-fulfilled")).to_have_text("3")
    expect(page.locator("svg.chart rect.bar-posted")).to_have_count(1)
    expect(page.locator("svg.chart rect.bar-fulfilled")).to_have_count(1)
    expect(page.locator("table.impact-table").first).to_contain_text("6")
    expect(page.get_by_role("link", name="figures (CSV)")).to_have_attribute("href", "/impact.csv")
    expect(page.locator("a[rel=license]")).to_contain_text("Licence Ouverte")
    assert_accessible(page)
    csv = page.request.get("/impact.csv")
    assert csv.ok and csv.text().splitlines()[1].startswith("overall,,False,12,6,3")
    french = browser.new_context(locale="fr-FR", base_url=f"http://{asgi_server}").new_page()
    french.goto("/impact/")
    expect(french.locator("h1")).not_to_have_text("What help happened")
