"""The results partial the desk includes: numbers link to the ticket, and an empty search says so."""

import pytest
from django.template.loader import render_to_string
from django.test import override_settings
from django.urls import NoReverseMatch, reverse

from edudesk.search.services import search_tickets

pytestmark = pytest.mark.django_db


def test_each_result_shows_its_number_subject_requester_and_seed_status(line1_agent, grades_ticket):
    html = render_to_string("search/results.html",
                            {"results": search_tickets(line1_agent, grades_ticket.number),
                             "query": grades_ticket.number})
    assert grades_ticket.number in html
    assert "Не сохраняются оценки" in html
    assert "Иванова Мария Петровна" in html
    assert "Обращение зарегистрировано" in html
    assert ">номер<" in html


def test_a_result_links_to_the_ticket_in_the_desk_when_the_desk_is_routed(line1_agent, grades_ticket):
    try:
        href = reverse("desk:ticket", args=[grades_ticket.number])
    except NoReverseMatch:
        pytest.skip("the desk's URLs are not routed in this tree")
    html = render_to_string("search/results.html",
                            {"results": search_tickets(line1_agent, "оценки"), "query": "оценки"})
    assert f'href="{href}"' in html


@override_settings(ROOT_URLCONF="edudesk.search.tests.no_desk_urls")
def test_without_the_desk_the_number_is_shown_as_text(line1_agent, grades_ticket):
    html = render_to_string("search/results.html",
                            {"results": search_tickets(line1_agent, "оценки"), "query": "оценки"})
    assert grades_ticket.number in html
    assert "href" not in html


def test_a_search_that_finds_nothing_says_what_to_try(line1_agent, grades_ticket):
    html = render_to_string("search/results.html", {"results": [], "query": "расписание"})
    assert "По запросу «расписание» ничего не найдено" in html
