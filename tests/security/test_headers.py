"""Headers and content: a Content-Security-Policy everywhere, framing only by the service's own
LMS, the usual hardening headers, Secure cookies over HTTPS, remote mail images not loaded.

Before: no Content-Security-Policy anywhere; any site could frame the widget; remote images in
HTML mail were loaded as soon as an agent opened the ticket (tracking pixels).
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from edudesk.mail.htmltext import sanitise_html
from edudesk.portal.tests.test_widget import open_widget
from edudesk.portal.tests.test_widget import token_for as widget_token
from edudesk.security.models import ServiceProtection
from edudesk.testing import factories
from edudesk.tickets import services as tickets
from edudesk.tickets.models import Channel
from edudesk.tickets.types import Actor

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.fixture
def ticket(eschool, teacher):
    return factories.ticket(eschool, teacher)


@pytest.mark.parametrize("url", ["/", "/support/eschool/new", "/support/eschool/signin",
                                 "/desk/sign-in", "/admin/login/", "/api/v1/docs"])
def test_every_page_carries_a_strict_policy(client, eschool, url):
    response = client.get(url)
    rules = policy(response)
    assert response.status_code == 200
    assert rules["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in rules["script-src"] and "'unsafe-eval'" not in rules["script-src"]
    assert rules["object-src"] == ["'none'"]
    assert rules["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"


def test_desk_pages_carry_the_policy_too(client, line1_agent, ticket):
    client.force_login(line1_agent)
    for url in ("/desk/", f"/desk/t/{ticket.number}/"):
        rules = policy(client.get(url))
        assert rules["script-src"][0] == "'self'" and rules["frame-ancestors"] == ["'none'"]


def test_only_the_services_lms_may_frame_the_widget(client, uchipro):
    ServiceProtection.objects.create(service=uchipro, lms_origins="https://sdo.uc.example.ru\n"
                                                                  "https://lms.partner.example/\n")
    response = open_widget(client, uchipro, widget_token(uchipro))
    assert response.status_code == 200
    assert policy(response)["frame-ancestors"] == ["'self'", "https://sdo.uc.example.ru",
                                                   "https://lms.partner.example"]
    assert "X-Frame-Options" not in response


def test_a_service_without_configured_lms_lets_no_other_site_frame_its_widget(client, uchipro):
    response = open_widget(client, uchipro, widget_token(uchipro))
    assert policy(response)["frame-ancestors"] == ["'self'"]


def test_hardening_headers_are_sent(client, eschool):
    response = client.get("/support/eschool/new")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def settings_under(site_url: str, var_dir: Path) -> str:
    code = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'edudesk.settings'; django.setup();"
            "from django.conf import settings as s;"
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE, "
            "s.SECURE_HSTS_SECONDS)")
    env = {"PATH": "/usr/bin:/bin", "SITE_URL": site_url, "EDUDESK_VAR_DIR": str(var_dir)}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True, check=True).stdout.split()


def test_cookies_are_secure_when_the_site_is_served_over_https(tmp_path):
    assert settings_under("https://support.eschool.example", tmp_path) == ["True", "True", "True", "31536000"]
    assert settings_under("http://127.0.0.1:8000", tmp_path) == ["False", "False", "False", "0"]


def test_no_template_holds_inline_script_event_handlers_or_styles():
    """The policy forbids them; a template that adds one would silently stop working."""
    offenders = []
    for template in (ROOT / "edudesk").rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", text) or \
                re.search(r"\son[a-z]+\s*=", text) or re.search(r"\sstyle\s*=", text) or \
                "javascript:" in text:
            offenders.append(str(template.relative_to(ROOT)))
    assert offenders == []


# --- remote images in HTML mail -------------------------------------------------------------------

TRACKED_MAIL = ('<p>Добрый день! Журнал не открывается.</p>'
                '<img src="https://track.mailer.example/open.gif?id=42" alt="">'
                '<img src="http://cdn.mailer.example/logo.png" alt="Логотип школы">')


def mail_message(ticket, teacher, html=TRACKED_MAIL):
    return tickets.add_message(ticket, actor=Actor.customer(teacher), body="Журнал не открывается.",
                               body_html=sanitise_html(html), channel=Channel.EMAIL)


def test_remote_images_of_a_mail_are_not_loaded_when_the_agent_opens_the_ticket(
        client, line1_agent, ticket, teacher):
    message = mail_message(ticket, teacher)
    client.force_login(line1_agent)
    response = client.get(f"/desk/t/{ticket.number}/")
    page = response.content.decode()
    assert "track.mailer.example" not in page and "cdn.mailer.example" not in page
    assert "Внешние изображения не загружены (2)" in page
    assert f'href="?images={message.pk}#m{message.pk}"' in page
    assert "Логотип школы" in page  # the alt text stays
    assert "https:" not in policy(response)["img-src"]


def test_show_images_loads_them_for_that_message_only(client, line1_agent, ticket, teacher):
    first = mail_message(ticket, teacher)
    mail_message(ticket, teacher, html='<p>Ещё</p><img src="https://other.mailer.example/x.gif">')
    client.force_login(line1_agent)
    response = client.get(f"/desk/t/{ticket.number}/", {"images": first.pk})
    page = response.content.decode()
    assert "https://track.mailer.example/open.gif?id=42" in page
    assert "other.mailer.example" not in page
    assert "https:" in policy(response)["img-src"]
