"""axe-core on every page of the URL configuration, as every kind of user.

The pages are not listed by hand: they come from walking
`django.urls.get_resolver()`. Each route is either visited, its path
parameters filled with ids of the objects `scene` creates (`FILL`), or
skipped for a stated reason (`SKIPPED_PREFIXES`, `DOWNLOADS`). A route with
path parameters and no entry in `FILL` fails the test, and so does a route
whose GET answers something other than an HTML page, or a 405 for the
actions that only take a POST: no new page escapes it. The `/ws/` websocket
is routed by config/asgi.py, outside the URL configuration, so the walk
never meets it.

Every page is checked as an anonymous visitor, the requester, a volunteer
who responded, the accepted helper and a moderator, on a 320 px phone (in
French) and on a desktop at 200 % zoom (in English), with every rule
axe-core runs by default (the copy bundled with axe-playwright-python) that
can report a serious or critical violation. Any serious or critical
violation fails the test, after the whole crawl, with every finding listed.

Kept fast: the pages do not depend on the database, so the crawl runs in
the SpatiaLite suite only (`one_backend`); one browser; one context per role
and language, a few at a time; axe injected once per document (an init
script, not a 500 kB evaluate per check); each page loaded once. axe runs
once per distinct page: within a context, a redirect to a page already
checked or another error page of the same status is not checked again; and a
page whose rendered DOM is identical to one already checked in the same
language and viewport (a settings page that does not depend on who is
signed in, say) takes that page's result rather than running axe again on
the same input."""

import asyncio
import time
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.core.management import call_command
from django.test import Client, RequestFactory, override_settings
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from chat.models import Conversation, Message
from chat.services import message_send
from config import views as error_views
from geo.models import Zone
from moderation import services as moderation_services
from moderation.models import Report, TargetType
from neighbors.categories import categories_ensure
from neighbors.models import HelpCategory
from neighbors.services import email_stop_url
from relays.services import kept_neighbour_add
from requests_board import services
from requests_board.models import FollowUp
from safety import services as safety_services
from tests.conftest import AXE_JS, AXE_RUN, BLOCKING, CANNOT_BLOCK_JS, CHROMIUM, CHROMIUM_ARGS
from tests.factories import UserFactory, resident_at

pytestmark = [
    pytest.mark.slow(60),
    pytest.mark.browser,
    pytest.mark.one_backend,
    pytest.mark.django_db(transaction=True),
]

ROLES = ("anonymous", "requester", "volunteer", "helper", "moderator")
LANGUAGES = {"fr": "fr-FR", "en": "en-GB"}
# The narrowest a page must reflow to (WCAG 1.4.10): a 320 CSS px phone, and
# a 1280 x 800 desktop at 200 % zoom, which lays pages out at 640 x 400 CSS px.
VIEWPORTS = {
    "phone 320 px": {"viewport": {"width": 320, "height": 640}, "device_scale_factor": 2},
    "desktop at 200 %": {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2},
}
# Each language on one size: every page is checked on a phone (in French, the
# first language of most users) and on a zoomed desktop (in English); axe's
# findings do not depend on the language, and this halves the crawl.
VIEWPORT_OF = {"fr": "phone 320 px", "en": "desktop at 200 %"}
# Sideways scrolling, measured on every page checked.
OVERFLOW_JS = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return null;
  const over = (el) => el.getBoundingClientRect().right > root.clientWidth + 1;
  // The outermost elements that stick out: their parent fits.
  const wide = [...document.querySelectorAll("body *")]
    .filter((el) => over(el) && !over(el.parentElement))
    .slice(0, 3)
    .map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
      (el.className && typeof el.className === "string" ? "." + el.className.split(" ").join(".") : ""));
  return {scroll: root.scrollWidth, client: root.clientWidth, wide};
}"""
# Browser contexts crawling at the same time: the page loads, the server and
# axe keep two cores busy.
CONCURRENCY = 3

# Whole parts of the URL configuration that are not the app's pages.
SKIPPED_PREFIXES = {
    "api/": "the JSON API; its /api/docs/ is drf-spectacular's Swagger UI, not our templates",
    "admin/": "Django's admin, for operators: Django's templates, not ours",
    settings.STATIC_URL.lstrip("/"): "static files, not pages",
    "manifest.webmanifest": "the app's manifest (JSON): tests/chat/test_browser_offline.py",
    "sw.js": "the service worker's script: tests/chat/test_browser_offline.py",
    "healthz": "the health check (JSON) for load balancers: tests/config/test_health.py",
    "metrics": "Prometheus's text format, for the machine itself: tests/config/test_metrics.py",
}
# Routes whose GET answers a file to save, not a page (checked to stay so).
DOWNLOADS = {
    "data_rights:account-export": "the user's data as a JSON file",
    "board:impact-csv": "the impact figures as a CSV file",
    "board:impact-geojson": "the impact grid as a GeoJSON file",
}

# What axe sees, less what changes on every load without changing the page:
# hidden inputs (CSRF tokens, client ids, `next`), scripts (axe skips them; the
# inline JSON holds the user's id) and the live socket's flag.
SIGNATURE_JS = """async () => {
  const root = document.documentElement.cloneNode(true);
  root.removeAttribute("data-live");
  root.querySelectorAll("input[type=hidden]").forEach((i) => i.removeAttribute("value"));
  root.querySelectorAll("script").forEach((s) => s.remove());
  const bytes = new TextEncoder().encode(root.outerHTML);
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}"""
SETTLED_JS = "() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)))"
# Before the page's own scripts, in every document: axe, and a list of the
# page's sockets, for LOAD_JS to close.
INIT_JS = (
    AXE_JS
    + CANNOT_BLOCK_JS
    + """
;(() => {
  const Native = window.WebSocket;
  window.__sockets = [];
  window.WebSocket = function WebSocket(...args) {
    const socket = new Native(...args);
    window.__sockets.push(socket);
    return socket;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
})();
"""
)
# The next page, in the same window: what the browser does on a navigation
# (the previous page's sockets closed, its timers and frames cancelled, the
# response parsed into a new document, its styles and scripts loaded and run,
# `load` awaited), but axe and its compiled code stay, which halves the cost
# of a check. Returns the status and the URL after redirects.
LOAD_JS = """async ([url, html, status]) => {
  for (const socket of window.__sockets) socket.close();
  window.__sockets = [];
  for (let id = setTimeout(() => {}, 0); id > 0; id--) { clearTimeout(id); clearInterval(id); }
  for (let id = requestAnimationFrame(() => {}); id > 0; id--) cancelAnimationFrame(id);
  let final = url;
  if (html === null) {
    const response = await fetch(url, {credentials: "same-origin"});
    [status, final, html] = [response.status, response.url, await response.text()];
  }
  history.replaceState(null, "", final);
  await new Promise((done) => {
    document.open();
    window.addEventListener("load", () => done(), {once: true});
    document.write(html);
    document.close();
  });
  window.scrollTo(0, 0);
  return [status, final];
}"""


@dataclass
class Scene:
    users: dict
    requests: list  # Alice's: responded to, fresh (asked to Bruno first), matched, done
    offer: object
    message: object
    conversations: list
    report: object  # open, in the moderator's queue
    follow_up: object
    stranger: object  # blocked by Alice, never signs in
    neighbour: object  # Martine, without internet, kept by Modo as a relay


@pytest.fixture
def scene(db):
    """Alice asks; Bruno responded to one request; Chloé helped with two;
    Modo moderates the zone, with a decided report and an open one."""
    categories_ensure(HelpCategory)
    groceries = HelpCategory.objects.get(slug="groceries")
    alice = resident_at(48.8600, 2.3700, display_name="Alice", email="alice@example.org")
    bruno = resident_at(48.8654, 2.3700, display_name="Bruno", email="bruno@example.org")
    chloe = resident_at(48.8636, 2.3712, display_name="Chloé", email="chloe@example.org")
    modo = resident_at(48.8610, 2.3750, display_name="Modo", email="modo@example.org")
    sam = UserFactory(display_name="Sam", email="sam@example.org")
    for volunteer in (bruno, chloe):
        volunteer.skills.add(groceries)
    offer = services.offer_create(
        volunteer=bruno, categories=[groceries], availability="Le matin", note="À pied"
    )
    services.offer_create(volunteer=chloe, categories=[groceries])
    Zone.objects.create(
        name="Paris 11", area=MultiPolygon(Polygon.from_bbox((2.36, 48.85, 2.39, 48.87)), srid=4326)
    )
    call_command("moderator", "add", modo.email, "--zone", "Paris 11")
    # Modo is also a relay: Martine, without internet, is kept by Modo.
    call_command("relay", "add", modo.email, "--zone", "Paris 11")
    martine = kept_neighbour_add(
        relay_user=modo,
        first_name="Martine",
        phone="06 48 59 60 37",
        place=Point(2.3705, 48.8603, srid=4326),
        languages=["fr"],
        texts=True,
        consent_given_at=date(2026, 12, 1),
        consent_how="in_person",
    )

    def ask(title, description="", **extra):
        return services.help_request_create(
            author=alice,
            title=title,
            description=description,
            category=groceries,
            location=Point(2.3701, 48.8601, srid=4326),
            **extra,
        )

    responded = ask("Courses au marché", "Du lait et des légumes.\nMerci !")
    services.help_request_respond(request=responded, volunteer=bruno, message="Je peux à 10 h")
    fresh = ask("Porter un colis", addressed_to=offer.pk)  # "Ask Bruno"
    matched = ask("Pharmacie")
    services.help_request_respond(request=matched, volunteer=chloe, message="J'y vais")
    services.help_request_accept(request=matched, requester=alice, helper_id=chloe.pk)
    done = ask("Arroser les plantes")
    services.help_request_respond(request=done, volunteer=chloe, message="Avec plaisir")
    services.help_request_accept(request=done, requester=alice, helper_id=chloe.pk)
    services.help_request_complete(request=done, user=alice)

    conversations = list(Conversation.objects.order_by("pk"))
    first = conversations[0]
    message_send(user=alice, conversation_id=first.pk, body="Merci Bruno !", client_id="a-1")
    message = Message.objects.filter(conversation=first, sender=bruno).first()
    message_send(user=bruno, conversation_id=first.pk, body="Ton numéro ?", client_id="b-1")
    removed = Message.objects.filter(conversation=first, sender=bruno).last()
    decided, _created = moderation_services.report_create(
        reporter=alice, target_type="message", target_id=removed.pk, reason="harassment"
    )
    moderation_services.moderation_act(
        moderator=modo, report_id=decided.pk, action="hide", reason="Pas de numéro ici."
    )
    report, _created = moderation_services.report_create(
        reporter=bruno,
        target_type="request",
        target_id=responded.pk,
        reason="spam",
        details="Rien à voir.",
    )
    for_martine = services.help_request_create(
        author=modo, title="Courses pour Martine", category=groceries, on_behalf_of=martine.pk
    )
    services.help_request_respond(request=for_martine, volunteer=bruno, message="Jeudi ?")
    safety_services.user_block(user=alice, other_id=sam.pk)
    assert Report.objects.filter(status="open").count() == 1
    return Scene(
        users={"requester": alice, "volunteer": bruno, "helper": chloe, "moderator": modo},
        requests=[responded, fresh, matched, done, for_martine],
        offer=offer,
        message=message,
        conversations=conversations,
        report=report,
        follow_up=FollowUp.objects.get(request=done, user=chloe),
        stranger=sam,
        neighbour=martine,
    )


def _report_targets(scene: Scene, role: str) -> list[dict]:
    ids = {
        TargetType.REQUEST: scene.requests[0].pk,
        TargetType.OFFER: scene.offer.pk,
        TargetType.MESSAGE: scene.message.pk,
        TargetType.USER: scene.users["volunteer"].pk,
    }
    # A new kind of target without an object here fails the test (KeyError).
    return [{"target_type": kind.value, "target_id": ids[kind]} for kind in TargetType]


def _password_reset_key(scene: Scene, role: str) -> list[dict]:
    # The user's own link (another user's would sign this one out), made
    # after signing in: a key depends on the last login.
    user = scene.users.get(role, scene.stranger)
    valid = {"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)}
    return [valid, {**valid, "key": "not-a-valid-key"}]


def _follow_up_link(scene: Scene, role: str) -> list[dict]:
    path = services.follow_up_link(scene.follow_up, 4)
    return [{"token": path.rstrip("/").split("/")[-2], "score": 4}]


# The path parameters of each route, by name: a function of the scene and the
# role, giving the keyword arguments of each URL to visit.
FILL = {
    "board:request": lambda s, role: [{"pk": r.pk} for r in s.requests],
    "board:request-edit": lambda s, role: [{"pk": s.requests[0].pk}],
    "board:request-respond": lambda s, role: [{"pk": s.requests[1].pk}],
    "board:request-accept": lambda s, role: [{"pk": s.requests[0].pk}],
    "board:request-complete": lambda s, role: [{"pk": s.requests[2].pk}],
    "board:request-cancel": lambda s, role: [{"pk": s.requests[0].pk}],
    "board:request-decline": lambda s, role: [{"pk": s.requests[1].pk}],
    "board:follow-up": lambda s, role: [{"pk": s.follow_up.request_id}],
    "board:follow-up-link": _follow_up_link,
    "chat:conversation": lambda s, role: [{"pk": c.pk} for c in s.conversations],
    "relays:neighbour-edit": lambda s, role: [{"pk": s.neighbour.pk}],
    "data_rights:kept-neighbour-withdraw": lambda s, role: [{"pk": s.neighbour.pk}],
    "sms:hand-over": lambda s, role: [{"pk": s.requests[4].pk}],
    "sms:neighbour-texts": lambda s, role: [{"pk": s.neighbour.pk}],
    "moderation:block": lambda s, role: [{"user_id": s.users["volunteer"].pk}],
    "moderation:report": _report_targets,
    "moderation:act": lambda s, role: [{"report_id": s.report.pk}],
    "account_reset_password_from_key": _password_reset_key,
    "neighbors:email-stop": lambda s, role: [
        {"token": email_stop_url(s.users["requester"]).rstrip("/").split("/")[-1]}
    ],
}


def url_routes() -> list[tuple[str, str | None]]:
    """(route, name) of every view in the URL configuration, in order."""

    def walk(resolver, prefix, namespace):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry, prefix + str(entry.pattern), inner)
            else:
                assert isinstance(entry, URLPattern), entry
                yield prefix + str(entry.pattern), namespace + entry.name if entry.name else None

    return list(walk(get_resolver(), "", ""))


def _skipped(route: str) -> bool:
    return any(route.removeprefix("^").startswith(prefix) for prefix in SKIPPED_PREFIXES)


def pages_to_visit(scene: Scene, role: str) -> list[tuple[str, str]]:
    """(route name, URL) of every URL to open as `role`, downloads aside."""
    routes = url_routes()
    names = {name for route, name in routes if not _skipped(route)}
    for table in (FILL, DOWNLOADS):
        stale = set(table) - names
        assert not stale, f"no such route any more: {stale}"
    visits = []
    for route, name in routes:
        if _skipped(route) or name in DOWNLOADS:
            continue
        assert name is not None, f"{route} has no name: name it, or skip it with a reason"
        if name in FILL:
            visits += [(name, reverse(name, kwargs=kwargs)) for kwargs in FILL[name](scene, role)]
            continue
        try:
            visits.append((name, reverse(name)))
        except NoReverseMatch:
            pytest.fail(f"{route} ({name}) has path parameters: fill them in FILL")
    return visits


def post_only_routes(client: Client, visits) -> set[str]:
    """The routes that refuse a GET (405): a form's action, not a page.
    Asked in-process before the crawl (Chromium turns an empty 405 into a
    network error). Every other GET must answer an HTML page, and the
    DOWNLOADS must stay downloads."""
    post_only = set()
    for name, url in visits:
        response = client.get(url)
        if response.status_code == 405:
            post_only.add(name)
            continue
        kind = response.headers.get("Content-Type", "")
        assert kind.startswith("text/html"), (
            f"{url} ({name}) answers a GET with {response.status_code} {kind}: not a page; "
            "if it is a download, add it to DOWNLOADS with the reason"
        )
    for name in DOWNLOADS:
        response = client.get(reverse(name))
        assert response.status_code == 200, (name, response.status_code)
        assert response.headers.get("Content-Disposition", "").startswith("attachment"), name
    return post_only


def redirects_to_visited(client: Client, visits) -> set[str]:
    """The URLs that redirect (an anonymous visitor, to the login page) to a
    page visited anyway, or are not found (the 404 page is checked at
    /404.html): not worth a page load each."""
    paths = {urlsplit(url).path for _name, url in visits}
    redirecting = set()
    for _name, url in visits:
        response = client.get(url)
        if response.status_code == 404 or (
            response.status_code in (301, 302) and urlsplit(response.url).path in paths
        ):
            redirecting.add(url)
    return redirecting


def error_pages(client: Client, user, language: str) -> dict[str, tuple[int, str]]:
    """The error pages the handlers render outside development mode, where
    the live server shows Django's technical 404 page instead. They are
    served to the browser at made-up paths (`_crawl_context`)."""
    with override_settings(DEBUG=False):
        not_found = client.get("/no-such-page/")
    assert not_found.status_code == 404, not_found.status_code
    # A bad request or a crash rarely gets past the middleware: render the handlers.
    request = RequestFactory().get("/", HTTP_ACCEPT_LANGUAGE=language)
    request.user = user or AnonymousUser()
    with translation.override(language):
        bad_request = error_views.bad_request(request)
        server_error = error_views.server_error(request)
    return {
        f"/{response.status_code}.html": (response.status_code, response.content.decode())
        for response in (bad_request, not_found, server_error)
    }


@dataclass
class Job:
    """One browser context: a role in a language, signed in with its own session."""

    role: str
    language: str
    cookies: list = field(default_factory=list)
    errors: dict = field(default_factory=dict)
    visits: list = field(default_factory=list)


def make_job(role: str, language: str, user, host: str) -> Job:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    job = Job(role, language)
    if user is not None:
        client.force_login(user)
        name = settings.SESSION_COOKIE_NAME
        job.cookies = [
            {"name": name, "value": client.cookies[name].value, "domain": host, "path": "/"}
        ]
    job.errors = error_pages(client, user, language)
    return job


@dataclass
class Crawl:
    findings: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    results: dict = field(default_factory=dict)  # (language, viewport, DOM) -> blocking violations
    opened: set = field(default_factory=set)  # route names that answered a page
    pages: dict = field(default_factory=dict)  # (role, language) -> pages checked
    axe_runs: int = 0
    not_run: set = field(default_factory=set)  # axe's rules that cannot report a serious finding
    checked: int = 0  # (page, role, language, viewport) combinations


async def _check(page, crawl: Crawl, job: Job, url: str, viewport: str) -> None:
    signature = (job.language, viewport, await page.evaluate(SIGNATURE_JS))
    if signature not in crawl.results:
        crawl.results[signature] = None  # another context may be checking the same page
        # Without selectors and HTML; a page with a serious violation is run
        # again with them, for the report.
        violations = await page.evaluate(AXE_RUN, False)
        crawl.axe_runs += 1
        if any(v["impact"] in BLOCKING for v in violations):
            violations = await page.evaluate(AXE_RUN, True)
        crawl.results[signature] = [v for v in violations if v["impact"] in BLOCKING]
    while crawl.results[signature] is None:
        await asyncio.sleep(0.05)
    crawl.checked += 1
    for violation in crawl.results[signature]:
        node = violation["nodes"][0]
        crawl.findings.append(
            {
                "rule": violation["id"],
                "impact": violation["impact"],
                "page": urlsplit(page.url).path,
                "url": url,
                "role": job.role,
                "language": job.language,
                "viewport": viewport,
                "targets": [n["target"] for n in violation["nodes"]],
                "html": node["html"][:200],
                "summary": node["failureSummary"],
            }
        )


def _fulfiller(status: int, html: str):
    async def fulfill(route):
        await route.fulfill(status=status, content_type="text/html; charset=utf-8", body=html)

    return fulfill


async def _crawl_context(browser, base: str, job: Job, crawl: Crawl) -> None:
    context = await browser.new_context(
        base_url=base,
        locale=LANGUAGES[job.language],
        **VIEWPORTS[VIEWPORT_OF[job.language]],
    )
    await context.add_cookies(job.cookies)
    await context.add_init_script(INIT_JS)
    page = await context.new_page()
    page.set_default_timeout(30_000)
    # The page's own API calls (the map's features) land before axe runs.
    in_flight = set()
    page.on("request", lambda r: r.resource_type in ("fetch", "xhr") and in_flight.add(r))
    page.on("requestfinished", lambda r: in_flight.discard(r))
    page.on("requestfailed", lambda r: in_flight.discard(r))
    seen = set()
    for index, (name, url) in enumerate(job.visits):
        if index == 0:  # a real navigation first; LOAD_JS needs axe in the window
            if url in job.errors:  # routed only while needed: interception slows every request
                await page.route(base + url, _fulfiller(*job.errors[url]))
                response = await page.goto(url)
                await page.unroute(base + url)
            else:
                response = await page.goto(url)
            status, final = response.status, page.url
            crawl.not_run = set(await page.evaluate("Object.keys(window.__axeCannotBlock)"))
        else:
            status, html = job.errors.get(url, (0, None))
            status, final = await page.evaluate(LOAD_JS, [url, html, status])
        if status == 404 and url not in job.errors:
            # The live server runs in development mode (server_base_env), where a 404 is
            # Django's technical page; our 404.html is checked at /404.html.
            continue
        crawl.opened.add(name)
        # A redirect to a page checked already, or the same error page again.
        key = status if status >= 400 else urlsplit(final).path
        if key in seen:
            continue
        seen.add(key)
        crawl.pages[job.role, job.language] = len(seen)
        lang = await page.evaluate("document.documentElement.lang")
        if lang != job.language and status != 500:  # 500.html is bilingual, on purpose
            crawl.problems.append(f"{url} as {job.role} in {job.language}: <html lang={lang}>")
        while in_flight:
            await asyncio.sleep(0.02)
        await page.evaluate(SETTLED_JS)
        overflow = await page.evaluate(OVERFLOW_JS)
        if overflow:
            crawl.problems.append(
                f"{urlsplit(page.url).path} scrolls sideways as {job.role} "
                f"({VIEWPORT_OF[job.language]}): {overflow}"
            )
        await _check(page, crawl, job, url, VIEWPORT_OF[job.language])
    await context.close()


async def _crawl(base: str, jobs: list[Job]) -> Crawl:
    from playwright.async_api import async_playwright

    crawl = Crawl()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        queue = list(jobs)

        async def worker():
            while queue:
                await _crawl_context(browser, base, queue.pop(0), crawl)

        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        await browser.close()
    return crawl


def test_every_page_has_no_serious_accessibility_violation(scene, asgi_server):
    started = time.monotonic()
    host = asgi_server.split(":")[0]
    jobs = [
        make_job(role, language, scene.users.get(role), host)
        for role in (*ROLES[1:], ROLES[0])  # the shortest last: no worker idles at the end
        for language in LANGUAGES
    ]
    client = Client()
    client.force_login(scene.users["requester"])
    post_only = post_only_routes(client, pages_to_visit(scene, "requester"))
    anonymous = [(n, u) for n, u in pages_to_visit(scene, "anonymous") if n not in post_only]
    redirecting = redirects_to_visited(Client(), anonymous)
    for job in jobs:  # after the logins: password reset keys depend on them
        job.visits = [
            (n, u)
            for n, u in pages_to_visit(scene, job.role)
            if n not in post_only and not (job.role == "anonymous" and u in redirecting)
        ]
        job.visits += [
            (f"error page {status}", path) for path, (status, _html) in job.errors.items()
        ]

    crawl = asyncio.run(_crawl(f"http://{asgi_server}", jobs))

    per_role = {role: [crawl.pages.get((role, lang), 0) for lang in LANGUAGES] for role in ROLES}
    print(
        f"\naccessibility: {crawl.checked} (page, role, language, viewport) combinations "
        f"checked with {crawl.axe_runs} axe runs in {time.monotonic() - started:.1f} s "
        f"({len(crawl.not_run)} rules that cannot report a serious finding not run); "
        f"pages per role (fr, en): {per_role}"
    )
    # The rules left out are those that cannot fail the test, and only those.
    assert {"region", "heading-order", "landmark-one-main"} <= crawl.not_run, crawl.not_run
    serious = {"color-contrast", "image-alt", "label", "button-name", "link-name", "target-size"}
    assert not serious & crawl.not_run, crawl.not_run
    never = {name for job in jobs for name, _url in job.visits} - crawl.opened
    assert not never, f"no role could open these routes with the scene's ids: {never}"
    assert not crawl.problems, "\n".join(crawl.problems)
    lines = sorted(
        {
            f"{f['impact']} {f['rule']} on {f['page']} as {f['role']} ({f['language']}, "
            f"{f['viewport']}): {f['targets']} {f['html']!r}"
            for f in crawl.findings
        }
    )
    assert not lines, f"{len(lines)} serious or critical violations:\n" + "\n".join(lines)
