"""The ticket page's cached fragments (conversation, «Действия» card): never stale, never
another person's, and the page's queries few and flat."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from edudesk.desk import fragments
from edudesk.desk.tests.conftest import png_bytes
from edudesk.testing import factories
from edudesk.tickets import services
from edudesk.tickets.types import Actor, NewAttachment

pytestmark = pytest.mark.django_db

# session, user, served services, the ticket (with service, requester, organisation, line,
# assignee); the presence mark (BEGIN + upsert on SQLite); the ticket's state (newest event,
# events, version: one aggregate); SLA clocks; the requester's other tickets; links;
# colleagues on the page; the customer's rating; the mass incident covering the ticket.
WARM_QUERIES = 13


def _page(client, ticket, **params):
    return client.get(reverse("desk:ticket", args=[ticket.number]), params)


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
