"""What the intake noticed, on the ticket page: the inferred category with its confidence
(corrected or confirmed in one click) and several problems in one letter (split in one click)."""

import pytest
from django.urls import reverse

from edudesk.intake.models import CategoryExample
from edudesk.intake.pipeline import submit
from edudesk.intake.submission import RequesterData, Submission
from edudesk.tickets.models import Ticket, TicketLink

pytestmark = pytest.mark.django_db

SEVERAL = """Здравствуйте!
У нас несколько проблем:
1. Не открывается журнал 5А класса по математике.
2. У учеников 7Б пропало расписание на следующую неделю.
3. Не формируется отчёт по успеваемости за четверть.
С уважением, Петрова Анна Сергеевна"""


def letter(eschool, text):
    return submit(Submission(service=eschool, channel="email", description=text,
                             requester=RequesterData(email="a.petrova@school5.example",
                                                     full_name="Петрова Анна Сергеевна"),
                             register_incomplete=True)).ticket


def page(client, ticket) -> str:
    return client.get(reverse("desk:ticket", args=[ticket.number])).content.decode()


def test_agent_sees_the_inferred_category_and_its_confidence(agent_client, eschool):
    ticket = letter(eschool, "При сохранении оценок выходит сообщение об ошибке «Ошибка сохранения».")
    suggestion = ticket.events.get(kind="created").data["category_suggestion"]
    html = page(agent_client, ticket)
    assert "Категория определена автоматически" in html
    assert f"уверенность {round(suggestion['confidence'] * 100)} %" in html
    assert "по словам формы сервиса" in html


def test_one_click_correction_changes_the_category_and_teaches_the_model(agent_client, eschool):
    ticket = letter(eschool, "При сохранении оценок выходит сообщение об ошибке «Ошибка сохранения».")
    other = "suggestion" if ticket.category != "suggestion" else "other"
    agent_client.post(reverse("desk:category", args=[ticket.number]), {"category": other})
    ticket.refresh_from_db()
    assert ticket.category == other
    assert CategoryExample.objects.get(ticket=ticket).category == other
    assert "специалист её исправил" in page(agent_client, ticket)


def test_one_click_confirmation_is_recorded(agent_client, eschool):
    ticket = letter(eschool, "При сохранении оценок выходит сообщение об ошибке «Ошибка сохранения».")
    agent_client.post(reverse("desk:confirm_category", args=[ticket.number]))
    example = CategoryExample.objects.get(ticket=ticket)
    assert (example.category, example.source) == (ticket.category, CategoryExample.Source.CONFIRMED)


def test_letter_with_several_problems_is_one_ticket_flagged_with_its_items(agent_client, eschool):
    ticket = letter(eschool, SEVERAL)
    assert Ticket.objects.count() == 1
    items = ticket.events.get(kind="created").data["problems"]
    assert items[0] == "Не открывается журнал 5А класса по математике."
    assert len(items) == 3 and not any("Здравствуйте" in i or "уважением" in i for i in items)
    html = page(agent_client, ticket)
    assert "В обращении, похоже, несколько проблем (3)" in html
    assert "Разделить на отдельные обращения" in html


def test_one_click_split_makes_a_linked_ticket_per_further_problem(agent_client, eschool):
    ticket = letter(eschool, SEVERAL)
    agent_client.post(reverse("desk:split_problems", args=[ticket.number]))
    split_off = list(Ticket.objects.exclude(pk=ticket.pk).order_by("id"))
    assert len(split_off) == 2
    assert "пропало расписание" in split_off[0].description
    assert "Не открывается журнал" not in split_off[0].description
    assert split_off[0].description.startswith("Здравствуйте!")
    assert split_off[1].subject == "Не формируется отчёт по успеваемости за четверть"
    assert all(t.requester_id == ticket.requester_id for t in split_off)
    assert TicketLink.objects.filter(source=ticket).count() == 2
    html = page(agent_client, ticket)
    assert "Выделены в отдельные обращения" in html and split_off[0].number in html

    again = agent_client.post(reverse("desk:split_problems", args=[ticket.number]), follow=True)
    assert "уже выделены" in again.content.decode()
    assert Ticket.objects.count() == 3


def test_a_single_problem_letter_shows_no_split(agent_client, eschool):
    ticket = letter(eschool, "Не открывается журнал 5А класса по математике, белый экран.")
    assert "problems" not in ticket.events.get(kind="created").data
    assert "Разделить на отдельные обращения" not in page(agent_client, ticket)
