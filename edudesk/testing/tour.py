"""Every page a customer or an agent sees, on the demo data: one list for `make screenshots`
(scripts/screenshots.py) and for the browser tests that check each page (axe-core, phone widths).

To add a page, add one line to PAGES: a name, who looks at it, and its address (a string, or a
function of the demo data returning one); `then` is an optional step run on the opened page
(e.g. submitting an empty form to show its errors).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core import signing

ANONYMOUS, CUSTOMER = "anonymous", "customer"
AGENT, SUPERVISOR, ADMIN = "agent", "supervisor", "admin"
DEMO_PASSWORD = "edudesk-demo"  # the demo data's password (core/management/commands/load_demo.py)
WIDTHS = (1280, 390)


@dataclass(frozen=True)
class TourPage:
    name: str
    who: str  # ANONYMOUS, CUSTOMER (signed in to the portal), AGENT, SUPERVISOR or ADMIN
    address: str | Callable[[], str]
    then: Callable | None = None  # then(page): a step on the opened page before it is looked at
    status: int = 200  # the HTTP status the page is served with

    def url(self, base_url: str) -> str:
        address = self.address() if callable(self.address) else self.address
        return f"{base_url}{address}"

    @property
    def customer_facing(self) -> bool:
        """A page of the customer side (the portal, the start page, the error pages)."""
        return not self.name.startswith(("desk-", "reports-", "admin-"))


# --- addresses that depend on the demo data -----------------------------------------------------


def _ticket(service_code: str):
    from edudesk.tickets.models import Ticket

    return Ticket.objects.filter(service__code=service_code).order_by("id").first()


def _receipt() -> str:
    from edudesk.portal.views_intake import RECEIPT_SALT

    receipt = signing.dumps({"t": [_ticket("eschool").pk], "added": False, "w": False},
                            salt=RECEIPT_SALT)
    return f"/support/eschool/submitted/{receipt}"


def _incident():
    from edudesk.incidents.models import Incident

    return Incident.objects.order_by("id").first()


def _widget() -> str:
    import secrets

    from edudesk.accounts.models import Service
    from edudesk.portal.widget_token import sign

    service = Service.objects.get(code="uchipro")
    now = int(time.time())
    token = sign(service.widget_secret, {
        "service": service.code, "iat": now, "exp": now + 600, "nonce": secrets.token_urlsafe(16),
        "full_name": "Петров Игорь Васильевич", "login": "ipetrov", "role": "learner",
        "organisation": "АНО ДПО «Академия навыков»", "platform_url": "https://sdo.academy.example",
        "email": "petrov@academy.example", "phone": "+73832223344"})
    return f"/support/uchipro/widget?token={token}"


def _merge(same_requester: bool) -> str:
    """The merge confirmation for two open tickets of one requester, or of two."""
    from edudesk.tickets.models import Ticket
    from edudesk.tickets.status import OPEN_STATUSES

    open_tickets = list(Ticket.objects.filter(status__in=OPEN_STATUSES, merged_into__isnull=True)
                        .order_by("id"))
    pairs = [(a, b) for a in open_tickets for b in open_tickets
             if a.pk < b.pk and a.service_id == b.service_id
             and (a.requester_id == b.requester_id) == same_requester]
    if pairs:
        original, duplicate = pairs[0]
    elif same_requester:  # the demo has one ticket per person: the first requester writes again
        from edudesk.tickets import services

        original = open_tickets[0]
        duplicate = services.open_ticket(
            service=original.service, requester=original.requester, channel=original.channel,
            subject=f"Снова: {original.subject}", description=original.description)
    else:
        original, duplicate = open_tickets[0], open_tickets[-1]
    return f"/desk/t/{duplicate.number}/merge?number={original.number}"


def _list_export() -> str:
    """The demo supervisor's export of the queue «Все», written, as its page shows it."""
    from datetime import timedelta

    from django.utils import timezone

    from edudesk.accounts.models import User
    from edudesk.reports import list_exports
    from edudesk.reports.models import ListExport

    now = timezone.now()
    job = ListExport.objects.create(user=User.objects.get(username="supervisor"), source="queue",
                                    query="queue=all", file_format="xlsx", created_at=now,
                                    expires_at=now + timedelta(hours=24))
    list_exports.run(job.pk)
    return f"/reports/exports/job/{job.pk}"


def _article(title_start: str = "Оценки не сохраняются") -> int:
    from edudesk.kb.models import Article

    return Article.objects.filter(title__startswith=title_start).order_by("id").first().pk


def _typed_description(page) -> None:
    """The request form with a description typed: matching articles appear beside it."""
    page.fill("textarea[name=description]", "Поставила оценку, после обновления страницы она не сохранилась")
    page.wait_for_selector("#kb-suggestions:not([hidden])")


def _dense_queue(page) -> None:
    """The denser queue: switched on once (the agent's preference), kept for the next width."""
    if page.get_attribute("#density-toggle", "aria-pressed") != "true":
        page.click("#density-toggle")
        page.wait_for_load_state()


def _bulk_close(page) -> None:
    """The queue's bulk bar: two tickets ticked, «Обращение отменено» chosen: the confirmation."""
    boxes = page.locator("#queue-list input[name=tickets]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.select_option("#bulk-action", "status:cancelled")
    page.click("#bulk-form button[type=submit]")
    page.wait_for_load_state()


def _submit_empty(page) -> None:
    page.get_by_role("button", name="Отправить обращение").click()
    page.wait_for_load_state()


# --- the pages ------------------------------------------------------------------------------------

PAGES: list[TourPage] = [
    TourPage("start", ANONYMOUS, "/"),
    TourPage("form-eschool", ANONYMOUS, "/support/eschool/new?category=error"),
    TourPage("form-uchipro", ANONYMOUS, "/support/uchipro/new?category=course"),
    TourPage("form-errors", ANONYMOUS, "/support/eschool/new?category=error", then=_submit_empty),
    TourPage("receipt", ANONYMOUS, _receipt),
    TourPage("portal-sign-in", ANONYMOUS, "/support/eschool/signin"),
    TourPage("portal-list", CUSTOMER, "/support/eschool/requests/"),
    TourPage("portal-ticket", CUSTOMER, lambda: f"/support/eschool/requests/{_ticket('eschool').number}/"),
    TourPage("portal-close", CUSTOMER,
             lambda: f"/support/eschool/requests/{_ticket('eschool').number}/close?action=cancel"),
    TourPage("widget", ANONYMOUS, _widget),
    TourPage("form-suggestions", ANONYMOUS, "/support/eschool/new?category=error", then=_typed_description),
    TourPage("help-eschool", ANONYMOUS, "/support/eschool/help/"),
    TourPage("help-search", ANONYMOUS, "/support/eschool/help/?q=не+сохраняются+оценки"),
    TourPage("help-article", ANONYMOUS, lambda: f"/support/eschool/help/{_article()}"),
    TourPage("desk-sign-in", ANONYMOUS, "/desk/sign-in"),
    TourPage("desk-queue", SUPERVISOR, "/desk/"),
    TourPage("desk-queue-dense", SUPERVISOR, "/desk/?queue=all", then=_dense_queue),
    TourPage("desk-ticket", SUPERVISOR, lambda: f"/desk/t/{_ticket('eschool').number}/"),
    TourPage("desk-ticket-uchipro", SUPERVISOR, lambda: f"/desk/t/{_ticket('uchipro').number}/"),
    TourPage("desk-close-confirm", SUPERVISOR,
             lambda: f"/desk/t/{_ticket('eschool').number}/close?status=cancelled"),
    TourPage("desk-bulk-close-confirm", SUPERVISOR, "/desk/?queue=all", then=_bulk_close),
    TourPage("desk-merge-confirm", SUPERVISOR, lambda: _merge(same_requester=True)),
    TourPage("desk-merge-refused", SUPERVISOR, lambda: _merge(same_requester=False)),
    TourPage("desk-consultations", SUPERVISOR, "/desk/consultations/"),
    TourPage("status-eschool", ANONYMOUS, "/status/eschool"),
    TourPage("desk-incidents", SUPERVISOR, "/desk/incidents/"),
    TourPage("desk-incident", SUPERVISOR, lambda: f"/desk/incidents/{_incident().pk}/"),
    TourPage("desk-incident-edit", SUPERVISOR, lambda: f"/desk/incidents/{_incident().pk}/edit"),
    TourPage("desk-incident-declare", SUPERVISOR,
             lambda: f"/desk/incidents/new?tickets={_ticket('eschool').number}"),
    TourPage("desk-search", SUPERVISOR, "/desk/search?q=Иванова"),
    TourPage("desk-kb", SUPERVISOR, "/desk/kb/"),
    TourPage("desk-kb-search", SUPERVISOR, "/desk/kb/?q=пароль"),
    TourPage("desk-kb-article", SUPERVISOR, lambda: f"/desk/kb/{_article()}/"),
    TourPage("desk-kb-edit", SUPERVISOR, lambda: f"/desk/kb/{_article()}/edit"),
    TourPage("desk-kb-history", SUPERVISOR, lambda: f"/desk/kb/{_article()}/history"),
    TourPage("desk-quarantine", SUPERVISOR, "/desk/mail/quarantine"),
    TourPage("reports-board", SUPERVISOR, "/reports/"),
    TourPage("reports-period", SUPERVISOR, "/reports/period"),
    TourPage("reports-list-export", SUPERVISOR, _list_export),
    TourPage("reports-follow-ups", SUPERVISOR, "/reports/follow-ups"),
    TourPage("reports-kb", SUPERVISOR, "/reports/kb"),
    TourPage("admin-index", ADMIN, "/admin/"),
    TourPage("error-404", ANONYMOUS, "/support/no-such-page", status=404),
    TourPage("error-500", ANONYMOUS, "/tour-errors/500", status=500),
    TourPage("error-400", ANONYMOUS, "/tour-errors/400", status=400),
    TourPage("error-403", ANONYMOUS, "/tour-errors/403", status=403),
    TourPage("error-400-characters", ANONYMOUS, "/support/eschool/new?school=%00", status=400),
]


# --- serving the site --------------------------------------------------------------------------


@contextmanager
def served() -> Iterator[str]:
    """The site served by Django's live-server thread (static files included); yields its URL.
    An in-memory SQLite test database is shared with the thread, as LiveServerTestCase does."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.db import connections
    from django.test.testcases import LiveServerThread

    shared = {conn.alias: conn for conn in connections.all()
              if conn.vendor == "sqlite" and conn.is_in_memory_db()}
    for conn in shared.values():
        conn.inc_thread_sharing()
    server = LiveServerThread("127.0.0.1", StaticFilesHandler, connections_override=shared, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    try:
        if server.error:
            raise server.error
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.terminate()
        for conn in shared.values():
            conn.dec_thread_sharing()


# --- signing in, once per browser context -------------------------------------------------------


def sign_in(context, who: str, base_url: str) -> None:
    """Signs the context's browser in as the demo person the pages of `who` are seen by."""
    page = context.new_page()
    if who == CUSTOMER:
        from edudesk.accounts.models import Contact
        from edudesk.portal import auth

        token = auth.issue_login_link(Contact.objects.get(login="ivanova_mp"))
        page.goto(f"{base_url}/support/eschool/signin/{token}")
        page.locator("main button[type=submit]").click()
        page.wait_for_url("**/requests/")
    elif who in (AGENT, SUPERVISOR):
        page.goto(f"{base_url}/desk/sign-in")
        page.fill("#id_username", "agent" if who == AGENT else "supervisor")
        page.fill("#id_password", DEMO_PASSWORD)
        page.locator("main button[type=submit]").click()
        page.wait_for_url(f"{base_url}/desk/")
    elif who == ADMIN:
        page.goto(f"{base_url}/admin/login/")
        page.fill("#id_username", "admin")
        page.fill("#id_password", DEMO_PASSWORD)
        page.locator("input[type=submit], button[type=submit]").last.click()
        page.wait_for_url(f"{base_url}/admin/")
    page.close()


def open_page(context, spec: TourPage, base_url: str, width: int, height: int = 800):
    """Opens the page at the width; returns (page, response status)."""
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": height})
    response = page.goto(spec.url(base_url))
    if spec.then:
        spec.then(page)
    return page, response.status if response else 0
