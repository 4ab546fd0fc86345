"""The ticket page's cached fragments (header, conversation, composer, requester and «Действия»
cards): never stale, never another person's, and the page's queries few and flat."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from edudesk.desk import fragments, presence
from edudesk.desk.models import CannedResponse, TicketPresence
from edudesk.desk.tests.conftest import png_bytes
from edudesk.reports import satisfaction
from edudesk.testing import factories
from edudesk.tickets import services
from edudesk.tickets.status import Status
from edudesk.tickets.types import Actor, NewAttachment
from edudesk.tickets.versions import current_version

pytestmark = pytest.mark.django_db

# session, user, the ticket (with service, requester, organisation, line, assignee; the
# agent's services a subquery of it); the ticket's state (newest event, events, version: one
# aggregate); SLA clocks; the customer's rating; the requester's other tickets; links;
# colleagues on the page; the mass incident covering the ticket. (The presence mark, just
# written, is not written again.)
WARM_QUERIES = 10


def _page(client, ticket, language=None, **params):
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    return client.get(reverse("desk:ticket", args=[ticket.number]), params, **headers)


def _queries(client, ticket) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert _page(client, ticket).status_code == 200
    return len(captured)


def test_a_seen_ticket_page_costs_few_queries_whatever_its_conversation(agent_client, ticket, teacher):
    def add(count: int) -> None:
        for n in range(count):
            services.add_message(ticket, actor=Actor.customer(teacher), body=f"Снимок {n}",
                                 attachments=[NewAttachment("s.png", png_bytes(), "image/png")])

    add(1)
    _queries(agent_client, ticket)  # fills the process caches (calendar, schema) and fragments
    warm_few = _queries(agent_client, ticket)
    add(15)
    cold_many = _queries(agent_client, ticket)  # the conversation changed: built again
    warm_many = _queries(agent_client, ticket)
    assert warm_few == warm_many <= WARM_QUERIES
    # Building the conversation costs a fixed number of queries, however long it is.
    add(1)
    assert _queries(agent_client, ticket) == cold_many


def test_the_conversation_shows_every_change_after_a_cached_view(agent_client, ticket, teacher):
    _page(agent_client, ticket)
    services.add_message(ticket, actor=Actor.customer(teacher), body="Новая подробность")
    assert "Новая подробность" in _page(agent_client, ticket).content.decode()
    # The SLA clocks' own note changes no version, yet the conversation shows it.
    services.record_sla(ticket, flag="at_risk")
    assert "SLA:" in _page(agent_client, ticket).content.decode()
    # A person renamed: the cached conversation names them anew.
    teacher.full_name = "Петрова Мария Ивановна"
    teacher.save()
    assert "Петрова Мария Ивановна" in _page(agent_client, ticket).content.decode()


def test_the_actions_card_follows_the_ticket_and_the_services_agents(agent_client, ticket, eschool):
    _page(agent_client, ticket)
    newcomer = factories.agent(eschool, username="newcomer", full_name="Новикова Ольга")
    html = _page(agent_client, ticket).content.decode()
    assert "Новикова Ольга" in html
    services.assign(ticket, assignee=newcomer, actor=Actor.agent(newcomer))
    html = _page(agent_client, ticket).content.decode()
    assert re.search(rf'<option value="{newcomer.pk}" selected>', html)
    newcomer.is_active = False
    newcomer.save(update_fields=["is_active"])
    assert f'<option value="{newcomer.pk}"' not in _page(agent_client, ticket).content.decode()


def test_a_cached_fragment_carries_the_viewers_own_csrf_token(agent_client, ticket, eschool, teacher):
    services.add_message(ticket, actor=Actor.customer(teacher), body="Текст")
    _page(agent_client, ticket)  # another agent's view fills the cache
    colleague = factories.agent(eschool, username="colleague2", full_name="Морозов Илья")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(colleague)
    html = _page(strict, ticket).content.decode()
    assert fragments.CSRF_MARK not in html and fragments.VERSION_MARK not in html
    # The «Взять себе» form of the cached card, posted with its token and version as they are.
    form = re.search(r'<form method="post" action="([^"]+/assign)">(.*?)</form>', html, re.S)
    fields = dict(re.findall(r'name="(csrfmiddlewaretoken|seen_event)" value="([^"]*)"', form.group(2)))
    response = strict.post(form.group(1), {**fields, "to_me": "1"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee == colleague


def test_the_requester_card_shows_changes_made_elsewhere_after_a_cached_view(
        agent_client, ticket, eschool, teacher, line1_agent):
    older = factories.ticket(eschool, teacher, subject="Старый вопрос")
    assert "Старый вопрос" in _page(agent_client, ticket).content.decode()
    # Another ticket of the requester moves: no event on this one, yet its card follows.
    services.transition(older, "in_processing", actor=Actor.agent(line1_agent))
    older.refresh_from_db()
    html = _page(agent_client, ticket).content.decode()
    shown = rf'{older.number}</a> Старый вопрос\s*<span class="muted">{older.status_label()}</span>'
    assert re.search(shown, html)
    ticket.organisation.name = "Лицей № 7"
    ticket.organisation.save()
    assert "Лицей № 7" in _page(agent_client, ticket).content.decode()


def test_fragments_live_briefly_in_a_processs_own_memory_and_a_day_in_a_shared_cache(settings):
    from edudesk.desk import directory

    assert directory.timeout() == directory.LOCAL_SECONDS  # the tests' cache: local memory
    # Any other backend is shared by the processes (Django renews the caches on this change).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert directory.timeout() == directory.SHARED_SECONDS


def test_the_header_follows_the_status_the_rating_and_the_language(agent_client, ticket, line1_agent):
    _page(agent_client, ticket)
    services.transition(ticket, Status.RESOLVED, actor=Actor.agent(line1_agent))
    html = _page(agent_client, ticket).content.decode()
    assert re.search(r'id="ticket-status" class="chip status-resolved">Вопрос решён<', html)
    assert 'id="ticket-rating"' not in html
    satisfaction.rate(ticket, 2, "Долго ждали")
    html = _page(agent_client, ticket).content.decode()
    assert re.search(r'id="ticket-rating">Оценка заявителя: <strong>2</strong> из 5 — «Долго ждали»', html)
    english = _page(agent_client, ticket, language="en").content.decode()
    assert "Status: <strong" in english and "Оценка заявителя" not in english
    assert "Статус: <strong" in _page(agent_client, ticket).content.decode()


def test_the_composer_follows_the_canned_responses_and_the_mode_asked(agent_client, ticket, eschool):
    assert 'id="canned-select"' not in _page(agent_client, ticket).content.decode()
    CannedResponse.objects.create(service=eschool, title="Сброс пароля", body="Нажмите «Забыли пароль».")
    html = _page(agent_client, ticket).content.decode()
    assert re.search(r'<option value="\d+">Сброс пароля</option>', html)
    clarify = _page(agent_client, ticket, compose="clarify").content.decode()
    assert re.search(r'value="clarify" id="[^"]+" checked', clarify)
    assert not re.search(r'value="reply" id="[^"]+" checked', clarify)


def test_each_cached_composer_carries_a_new_upload_token_and_the_viewers_csrf_token(
        agent_client, ticket, eschool):
    def token(html: str) -> str:
        return re.search(r'name="upload_token" value="([^"]+)"', html).group(1)

    first, second = (_page(agent_client, ticket).content.decode() for _ in range(2))
    assert token(first) != token(second)
    colleague = factories.agent(eschool, username="colleague3", full_name="Морозов Илья")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(colleague)
    html = _page(strict, ticket).content.decode()
    assert fragments.CSRF_MARK not in html and "__desk_fragment_" not in html
    composer = re.search(r'<form id="composer".*?</form>', html, re.S).group(0)
    fields = dict(re.findall(r'name="(csrfmiddlewaretoken|seen_event|upload_token)" value="([^"]*)"',
                             composer))
    assert fields["seen_event"] == str(current_version(ticket))
    response = strict.post(reverse("desk:compose", args=[ticket.number]),
                           {**fields, "mode": "note", "body": "Заметка коллеги"})
    assert response.status_code == 302
    assert ticket.messages.filter(body="Заметка коллеги").exists()


def test_a_page_shown_again_soon_does_not_write_the_presence_mark_again(agent_client, ticket, line1_agent):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _page(agent_client, ticket)
        seen_at = TicketPresence.objects.get(ticket=ticket, user=line1_agent).seen_at
        traveller.shift(timedelta(seconds=5))
        _page(agent_client, ticket)
        assert TicketPresence.objects.get(ticket=ticket, user=line1_agent).seen_at == seen_at
        # Typing is written at once; so is a view after REWRITE_AFTER.
        presence.mark(ticket, line1_agent, "replying")
        assert TicketPresence.objects.get(ticket=ticket, user=line1_agent).activity == "replying"
        _page(agent_client, ticket)
        assert TicketPresence.objects.get(ticket=ticket, user=line1_agent).activity == "viewing"
        traveller.shift(presence.REWRITE_AFTER)
        _page(agent_client, ticket)
        assert TicketPresence.objects.get(ticket=ticket, user=line1_agent).seen_at > seen_at


def _account(html: str) -> str:
    return re.search(r'<div class="desk-account">.*?</div>', html, re.S).group(0)


def test_the_desk_header_names_each_agent_with_their_role_and_language(
        agent_client, ticket, eschool, line1_agent):
    colleague = factories.agent(eschool, username="colleague4", full_name="Морозов Илья")
    html = _page(agent_client, ticket).content.decode()
    assert "Соколова Анна" in _account(html) and "специалист" in _account(html)
    assert "/reports/" not in html.split("</nav>")[0]
    # A second agent sees their own name and posts «Выйти» with their own token.
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(colleague)
    account = _account(_page(strict, ticket).content.decode())
    assert "Морозов Илья" in account and "Соколова Анна" not in account
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', account).group(1)
    assert strict.post(reverse("desk:logout"), {"csrfmiddlewaretoken": token}).status_code == 302
    # A new role shows at once, with what it opens; so does another language.
    line1_agent.kind = line1_agent.Kind.SUPERVISOR
    line1_agent.save(update_fields=["kind"])
    html = _page(agent_client, ticket).content.decode()
    assert "руководитель линии" in _account(html)
    assert reverse("reports:board") in html.split("</nav>")[0]
    english = _page(agent_client, ticket, language="en").content.decode()
    assert "Sign out" in _account(english) and ">Queues<" in english


def test_the_composer_and_actions_shared_by_two_tickets_show_each_ones_number(
        agent_client, ticket, eschool, teacher, monkeypatch):
    other = factories.ticket(eschool, teacher)
    built = []
    render_marked = fragments.render_marked
    monkeypatch.setattr(fragments, "render_marked",
                        lambda template, context: built.append(template) or render_marked(template, context))
    _page(agent_client, ticket)
    html = _page(agent_client, other).content.decode()
    # Built once, for the first ticket; the second's page reuses both.
    assert built.count("desk/partials/composer.html") == built.count("desk/partials/ticket_actions.html") == 1
    assert "__desk_fragment_" not in html
    composer = re.search(r'<form id="composer".*?</form>', html, re.S).group(0)
    actions = re.search(r'<section class="card ticket-actions".*?</section>', html, re.S).group(0)
    for part in (composer, actions):
        assert f"/desk/t/{other.number}/" in part and ticket.number not in part
