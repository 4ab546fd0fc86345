"""The seeds' words in what the customer is told by mail: number and date, priority and due
date, the next working day out of hours, the advice to users, every status the customer must
act on, the merge, a repeat, several problems in one request."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from edudesk.testing import factories
from edudesk.tickets import services as tickets
from edudesk.tickets.status import Status

pytestmark = pytest.mark.django_db(transaction=True)
MSK = ZoneInfo("Europe/Moscow")
SATURDAY = datetime(2026, 11, 28, 14, 0, tzinfo=MSK)
WEDNESDAY = datetime(2026, 11, 25, 10, 0, tzinfo=MSK)
# Seed 1, «Важные рекомендации при взаимодействии с технической поддержкой».
SEED_ADVICE = [
    "Необходимо четко отвечать на вопросы технической поддержки и придерживаться темы инцидента.",
    "После создания инцидента не пытайтесь решить проблему самостоятельно, это мешает работе "
    "специалиста технической поддержки.",
    "Если на инцидент долго нет ответа, не пытайтесь создать новый инцидент с идентичной "
    "проблемой.",
    "Необходимо четко следовать инструкции специалиста по решению проблемы.",
]


def plain(mail) -> str:
    return " ".join(mail.get_body(("plain",)).get_content().split())


def subject(mail) -> str:
    return " ".join(str(mail["Subject"]).split())


def test_registration_mail_gives_number_date_priority_due_date_and_the_advice(
    eschool, teacher, smtp_capture
):
    with time_machine.travel(WEDNESDAY, tick=False):
        ticket = factories.ticket(eschool, teacher)
    text = plain(smtp_capture.messages()[-1])
    assert f"{ticket.number} от 25.11.2026 10:00" in text
    assert "Приоритет: обычный. Срок исполнения: " in text
    assert "Обязательно зафиксируйте номер и дату созданного инцидента!" in text
    for advice in SEED_ADVICE:
        assert advice in text
    assert "нерабочее время" not in text


def test_registration_out_of_hours_says_a_specialist_contacts_on_the_next_working_day(
    eschool, teacher, smtp_capture
):
    with time_machine.travel(SATURDAY, tick=False):
        factories.ticket(eschool, teacher)
    assert ("специалист свяжется с вами в ближайший рабочий день — 30.11.2026 с 08:00"
            in plain(smtp_capture.messages()[-1]))


def test_several_problems_found_in_a_request_are_explained_in_the_registration_mail(
    eschool, teacher, smtp_capture
):
    factories.ticket(eschool, teacher, event_data={"problems": [
        "Не сохраняются оценки в журнале 5А.", "Не открывается расписание."]})
    text = plain(smtp_capture.messages()[-1])
    assert "- Не сохраняются оценки в журнале 5А. - Не открывается расписание." in text
    assert "В одном обращении должна быть описана одна проблема" in text


@pytest.mark.parametrize("target", [Status.NEEDS_CLARIFICATION, Status.ANSWERED])
def test_a_move_the_customer_must_act_on_is_mailed_even_without_a_message(
    eschool, teacher, line1_agent, smtp_capture, target
):
    ticket = factories.ticket(eschool, teacher)
    tickets.transition(ticket, target, actor=factories.as_agent(line1_agent))
    notice = smtp_capture.messages()[-1]
    assert len(smtp_capture.received) == 2
    assert subject(notice) == f"[{ticket.number}] Статус обращения: {Status(target).label}"


def test_an_answer_with_the_status_move_is_one_mail_naming_the_status(
    eschool, teacher, line1_agent, smtp_capture
):
    from django.db import transaction
    from django.utils import timezone

    ticket = factories.ticket(eschool, teacher)
    agent, now = factories.as_agent(line1_agent), timezone.now()
    with transaction.atomic():
        tickets.add_message(ticket, actor=agent, body="Очистите кэш браузера.", now=now)
        tickets.transition(ticket, Status.ANSWERED, actor=agent, now=now)
    assert len(smtp_capture.received) == 2, "the answer's own mail tells the new status"
    assert "«Ответ техподдержки»" in plain(smtp_capture.messages()[-1])


def test_a_clarification_request_is_one_mail(eschool, teacher, line1_agent, smtp_capture):
    ticket = factories.ticket(eschool, teacher)
    tickets.request_clarification(ticket, actor=factories.as_agent(line1_agent),
                                  body="Пришлите снимок экрана.", missing=["Снимок экрана"])
    assert len(smtp_capture.received) == 2


def test_a_merged_tickets_notice_says_merged_with_the_original(
    eschool, teacher, line1_agent, smtp_capture
):
    original = factories.ticket(eschool, teacher)
    duplicate = factories.ticket(eschool, teacher)
    tickets.merge(duplicate, original, actor=factories.as_agent(line1_agent))
    notice = smtp_capture.messages()[-1]
    assert f"объединено с обращением {original.number}" in subject(notice)
    assert "отменено" not in plain(notice).lower()


def test_a_desk_reply_marked_answered_is_one_mail_and_a_bare_move_is_another(
    eschool, teacher, line1_agent, smtp_capture
):
    from django.test import Client

    from edudesk.desk.views.ticket import latest_event_id

    ticket = factories.ticket(eschool, teacher)
    desk = Client()
    desk.force_login(line1_agent)
    response = desk.post(f"/desk/t/{ticket.number}/compose", {
        "mode": "reply", "body": "Очистите кэш браузера.", "then_status": "answered",
        "seen_event": latest_event_id(ticket)})
    assert response.status_code == 302
    assert len(smtp_capture.received) == 2
    assert "Очистите кэш браузера." in plain(smtp_capture.messages()[-1])
    # The customer reopens it; the agent marks it answered again without a message.
    tickets.add_message(ticket, actor=factories.as_customer(teacher), body="Не помогло.")
    desk.post(f"/desk/t/{ticket.number}/status", {"status": "answered"})
    assert subject(smtp_capture.messages()[-1]) == (
        f"[{ticket.number}] Статус обращения: Ответ техподдержки")


def test_a_converted_consultation_tells_the_agent_and_the_caller_number_date_and_next_day(
    eschool, teacher, line1_agent, smtp_capture
):
    from django.contrib.messages import get_messages
    from django.test import Client
    from django.urls import reverse

    from edudesk.tickets.models import Consultation, Ticket

    desk = Client()
    desk.force_login(line1_agent)
    with time_machine.travel(SATURDAY, tick=False):
        consultation = Consultation.objects.create(
            service=eschool, agent=line1_agent, contact=teacher, topic="Не открывается журнал",
            notes="Ошибка 500")
        form = desk.get(reverse("desk:convert", args=[consultation.pk])).context["form"]
        data = {name: form[name].value() or "" for name in form.fields}
        data.update({"category": "other", "f_region": "Республика Татарстан"})
        response = desk.post(reverse("desk:convert", args=[consultation.pk]), data)
    assert response.status_code == 302
    ticket = Ticket.objects.get(consultation=consultation)
    told = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert f"Обращение {ticket.number} от 28.11.2026 14:00." in told
    assert "Приоритет: обычный." in told and "ближайший рабочий день — 30.11.2026" in told
    mail = plain(smtp_capture.messages()[-1])
    assert f"{ticket.number} от 28.11.2026 14:00" in mail and "ближайший рабочий день" in mail


def test_a_new_ticket_continuing_a_closed_one_says_so(eschool, teacher, smtp_capture):
    ticket = factories.ticket(eschool, teacher, event_data={"continues": "INC0000042"})
    text = plain(smtp_capture.messages()[-1])
    assert f"под номером {ticket.number}" in text
    assert "Обращение INC0000042 уже закрыто" in text


def test_a_mailed_request_registered_incomplete_out_of_hours_says_all_of_it(
    support_mailbox, smtp_capture
):
    from email.message import EmailMessage

    from edudesk.mail.ingest import ingest
    from edudesk.tickets.models import Ticket

    letter = EmailMessage()
    letter["From"] = "Смирнова Анна <a.smirnova@school5-tver.example>"
    letter["To"] = support_mailbox.address
    letter["Subject"] = "Не открывается журнал"
    letter["Message-ID"] = "<incomplete.1@school5-tver.example>"
    letter.set_content("Здравствуйте! Не открывается журнал 7Б, пишет ошибку.")
    with time_machine.travel(SATURDAY, tick=False):
        ingest(letter.as_bytes(), service=support_mailbox.service, source="test",
               mailbox=support_mailbox)
    ticket = Ticket.objects.get()
    [notice] = smtp_capture.messages()
    text = plain(notice)
    assert subject(notice).startswith(f"[{ticket.number}] Обращение зарегистрировано, требуется")
    assert f"{ticket.number} от 28.11.2026 14:00" in text and "Приоритет: обычный." in text
    assert "не хватает данных: - " in text
    assert "специалист свяжется с вами в ближайший рабочий день — 30.11.2026 с 08:00" in text
    for advice in SEED_ADVICE:
        assert advice in text
