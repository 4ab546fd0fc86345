import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from edudesk.desk import presence
from edudesk.desk.models import CannedResponse
from edudesk.desk.tests.conftest import png_bytes
from edudesk.desk.views.ticket import latest_event_id
from edudesk.mail.models import InboundMail
from edudesk.testing import factories
from edudesk.tickets import services
from edudesk.tickets.models import Message
from edudesk.tickets.status import Status
from edudesk.tickets.types import Actor, NewAttachment

pytestmark = pytest.mark.django_db


def _page(client, ticket, **params):
    return client.get(reverse("desk:ticket", args=[ticket.number]), params)


def _compose(client, ticket, **data):
    data.setdefault("seen_event", latest_event_id(ticket))
    data.setdefault("mode", "reply")
    return client.post(reverse("desk:compose", args=[ticket.number]), data)


def test_header_offers_the_allowed_next_statuses_by_their_one_name(agent_client, ticket):
    response = _page(agent_client, ticket)
    labels = [b["label"] for b in response.context["status_buttons"]]
    assert response.context["status_label"] == "Обращение зарегистрировано"
    assert "Обращение в обработке" in labels
    # One name per status (seed 2's), whatever the service.
    assert "Предложения по СДО" in labels
    assert "Вопрос решён" in labels and "Уточнение техподдержке отправлено" not in labels


def test_reviewing_a_new_ticket_moves_it_to_in_processing(agent_client, ticket):
    response = agent_client.post(reverse("desk:status", args=[ticket.number]),
                                 {"status": Status.IN_PROCESSING})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROCESSING
    assert ticket.reviewed_at is not None


def test_an_agent_cannot_open_or_change_tickets_of_services_it_does_not_serve(outsider_client, ticket):
    services.add_message(ticket, actor=Actor.customer(ticket.requester), body="Снимок",
                         attachments=[NewAttachment("s.png", png_bytes(), "image/png")])
    number = ticket.number
    assert outsider_client.get(reverse("desk:ticket", args=[number])).status_code == 404
    assert outsider_client.get(reverse("desk:attachment", args=[number, 1])).status_code == 404
    for name in ("compose", "status", "assign", "priority", "merge", "split", "link", "presence"):
        response = outsider_client.post(reverse(f"desk:{name}", args=[number]),
                                        {"status": "resolved", "body": "x", "mode": "reply"})
        assert response.status_code == 404, name
    ticket.refresh_from_db()
    assert ticket.status == Status.REGISTERED
    assert ticket.messages.count() == 2


def test_a_public_reply_can_mark_the_ticket_answered(agent_client, ticket):
    response = _compose(agent_client, ticket, body="Очистите кэш браузера.", then_status="answered")
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.ANSWERED
    reply = ticket.messages.order_by("id").last()
    assert reply.kind == Message.Kind.PUBLIC and reply.body == "Очистите кэш браузера."


def test_an_internal_note_stays_internal_and_keeps_the_status(agent_client, ticket):
    services.transition(ticket, Status.IN_WORK, actor=Actor.agent(factories.agent(ticket.service)))
    _compose(agent_client, ticket, mode="note", body="Проверить на стенде.", then_status="answered")
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_WORK
    assert ticket.messages.order_by("id").last().kind == Message.Kind.INTERNAL


def test_the_clarification_checklist_lists_what_the_services_form_still_needs(agent_client, error_ticket):
    response = _page(agent_client, error_ticket)
    form = response.context["composer"]
    offered = dict(form.fields["missing"].choices)
    ticked = form.initial["missing"]
    assert offered["browser"] == "Наименование и версия браузера"
    assert {"browser", "screenshots"} <= set(ticked)
    assert "region" not in ticked and "steps" not in ticked


def test_requesting_clarification_sends_the_list_and_waits_for_the_customer(agent_client, error_ticket):
    response = _compose(agent_client, error_ticket, mode="clarify", body="Здравствуйте!",
                        missing=["browser", "screenshots"])
    assert response.status_code == 302
    error_ticket.refresh_from_db()
    assert error_ticket.status == Status.NEEDS_CLARIFICATION
    question = error_ticket.messages.filter(kind=Message.Kind.PUBLIC).order_by("id").last()
    assert question.body.startswith("Здравствуйте!")
    assert "— Наименование и версия браузера" in question.body
    assert "— Снимки экрана" in question.body
    event = error_ticket.events.get(kind="clarification_requested")
    assert event.data["missing"] == ["Снимки экрана", "Наименование и версия браузера"]


def test_a_reply_is_not_sent_over_a_change_it_did_not_see_and_its_text_comes_back(
        agent_client, ticket, teacher):
    seen = latest_event_id(ticket)
    services.add_message(ticket, actor=Actor.customer(teacher), body="Уже не нужно, разобралась.")
    response = _compose(agent_client, ticket, body="Мой длинный ответ", seen_event=seen)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Мой длинный ответ" in html
    assert "Пока вы писали, обращение изменилось" in html
    assert not ticket.messages.filter(body="Мой длинный ответ").exists()
    again = response.context["composer"]
    assert again["seen_event"].value() == str(latest_event_id(ticket))
    resend = _compose(agent_client, ticket, body="Мой длинный ответ", seen_event=latest_event_id(ticket),
                      send_anyway="on")
    assert resend.status_code == 302
    assert ticket.messages.filter(body="Мой длинный ответ").exists()


def test_a_refused_transition_keeps_the_reply_unsent_and_on_screen(agent_client, ticket):
    services.transition(ticket, Status.RESOLVED, actor=Actor.agent(factories.agent(ticket.service)))
    response = _compose(agent_client, ticket, body="Текст ответа", then_status="suggestion")
    assert response.status_code in (409, 422)
    assert "Текст ответа" in response.content.decode()
    assert not ticket.messages.filter(body="Текст ответа").exists()


def test_screenshots_follow_the_policy_and_are_named_kartinka(agent_client, ticket):
    good = SimpleUploadedFile("screen.png", png_bytes(size=(1280, 960)), content_type="image/png")
    response = agent_client.post(reverse("desk:compose", args=[ticket.number]), {
        "mode": "reply", "body": "Смотрите картинку", "seen_event": latest_event_id(ticket),
        "files": [good]})
    assert response.status_code == 302
    attachment = ticket.attachments.get()
    assert str(attachment.display_name) == "картинка1"
    image = agent_client.get(reverse("desk:attachment", args=[ticket.number, 1]))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert "картинка1" in _page(agent_client, ticket).content.decode()
    preview = agent_client.get(reverse("desk:attachment", args=[ticket.number, 1]), {"size": "thumb"})
    assert preview.status_code == 200 and preview["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(b"".join(preview.streaming_content))).size == (320, 240)


def test_an_archive_is_refused_with_the_rule_and_the_text_is_kept(agent_client, ticket):
    archive = SimpleUploadedFile("screens.zip", b"PK\x03\x04" + b"\0" * 40, content_type="application/zip")
    response = agent_client.post(reverse("desk:compose", args=[ticket.number]), {
        "mode": "reply", "body": "Ответ со скриншотом", "seen_event": latest_event_id(ticket),
        "files": [archive]})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Ответ со скриншотом" in html and "screens.zip" in html
    assert ticket.messages.count() == 1


def test_a_refused_send_keeps_its_accepted_screenshot_and_the_next_send_attaches_it(
        agent_client, ticket):
    from edudesk.intake.models import PendingUpload

    good = SimpleUploadedFile("ошибка.png", png_bytes(size=(640, 480)), content_type="image/png")
    archive = SimpleUploadedFile("screens.zip", b"PK\x03\x04" + b"\0" * 40, content_type="application/zip")
    # WHEN a clarification request is sent with nothing to ask, a screenshot and an archive
    response = _compose(agent_client, ticket, mode="clarify", body="", missing=[],
                        files=[good, archive])
    # THEN it is refused, and the screenshot (not the archive) stays attached, removable
    assert response.status_code == 422
    token = response.context["upload_token"]
    assert [u.original_name for u in response.context["pending_uploads"]] == ["ошибка.png"]
    html = response.content.decode()
    assert "ошибка.png" in html and "Убрать" in html and f'value="{token}"' in html
    # WHEN the agent sends a reply with the same form, picking nothing again
    response = _compose(agent_client, ticket, body="Смотрите картинку1", upload_token=token)
    # THEN the screenshot is checked again and attached, and nothing is left pending
    assert response.status_code == 302
    assert [str(a.display_name) for a in ticket.attachments.all()] == ["картинка1"]
    assert not PendingUpload.objects.filter(token=token).exists()


def test_a_kept_screenshot_is_removed_and_the_draft_stays(agent_client, ticket):
    good = SimpleUploadedFile("ошибка.png", png_bytes(size=(640, 480)), content_type="image/png")
    refused = _compose(agent_client, ticket, mode="clarify", body="", files=[good])
    token, [kept] = refused.context["upload_token"], refused.context["pending_uploads"]
    response = _compose(agent_client, ticket, body="Черновик ответа", upload_token=token,
                        remove_upload=str(kept.pk))
    assert response.status_code == 200
    assert response.context["pending_uploads"] == []
    assert "Черновик ответа" in response.content.decode()
    assert ticket.messages.count() == 1


def test_a_stale_send_keeps_the_screenshot(agent_client, ticket, colleague):
    seen = latest_event_id(ticket)
    services.assign(ticket, actor=Actor.agent(colleague), assignee=colleague)
    good = SimpleUploadedFile("ошибка.png", png_bytes(size=(640, 480)), content_type="image/png")
    response = _compose(agent_client, ticket, body="Ответ", seen_event=seen, files=[good])
    assert response.status_code == 409
    assert [u.original_name for u in response.context["pending_uploads"]] == ["ошибка.png"]


def test_a_canned_response_fills_in_number_name_and_due(agent_client, ticket, eschool):
    canned = CannedResponse.objects.create(
        service=eschool, title="Принято", body="{name}, обращение {number} принято. Срок: {due}. {other}")
    response = agent_client.post(reverse("desk:canned", args=[ticket.number]),
                                 {"canned": canned.pk, "body": "Здравствуйте!"})
    html = response.content.decode()
    assert "Здравствуйте!" in html
    assert f"Иванова Мария Петровна, обращение {ticket.number} принято." in html
    assert "{other}" in html and "{due}" not in html


def test_another_agent_on_the_same_ticket_is_shown(agent_client, ticket, colleague):
    presence.mark(ticket, colleague, "replying")
    response = agent_client.post(reverse("desk:presence", args=[ticket.number]),
                                 {"body": "", "seen_event": latest_event_id(ticket)})
    assert "Морозов Илья сейчас пишет ответ по этому обращению." in response.content.decode()
    assert "Морозов Илья" in _page(agent_client, ticket).content.decode()


def test_the_heartbeat_says_when_the_ticket_changed_meanwhile(agent_client, ticket, teacher):
    seen = latest_event_id(ticket)
    services.add_message(ticket, actor=Actor.customer(teacher), body="Дополнение")
    response = agent_client.post(reverse("desk:presence", args=[ticket.number]),
                                 {"body": "черновик", "seen_event": seen})
    assert "Обращение изменилось" in response.content.decode()


def test_the_raw_mail_of_a_message_is_shown_on_demand(agent_client, ticket, eschool):
    message = ticket.messages.get()
    InboundMail.objects.create(message_id="<m1@school12.example>", service=eschool, source="imap",
                               raw=b"Subject: test\r\n\r\nhello", size=22, state="created",
                               ticket=ticket, ticket_message=message)
    assert "исходное письмо" in _page(agent_client, ticket).content.decode()
    raw = agent_client.get(reverse("desk:raw_mail", args=[ticket.number, message.pk]))
    assert raw.status_code == 200 and b"Subject: test" in raw.content


def test_the_requester_card_shows_intake_fields_and_other_tickets(agent_client, error_ticket, teacher):
    older = factories.ticket(error_ticket.service, teacher, subject="Старый вопрос")
    html = _page(agent_client, error_ticket).content.decode()
    assert "Республика Татарстан" in html and "Регион" in html
    assert "МБОУ «Средняя школа № 12»" in html or "МБОУ &laquo;" in html or "Средняя школа" in html
    assert older.number in html


def test_the_sla_clocks_own_notes_do_not_hold_a_reply_back(agent_client, ticket):
    seen = latest_event_id(ticket)
    services.record_sla(ticket, flag="at_risk")
    response = _compose(agent_client, ticket, body="Ответ", seen_event=seen, then_status="")
    assert response.status_code == 302
    assert ticket.messages.filter(body="Ответ").exists()


def test_an_undelivered_reply_is_shown_in_the_conversation(agent_client, ticket):
    from edudesk.tickets.events import EventKind, record

    record(ticket, EventKind.MAIL_FAILED, Actor.system(),
           data={"to": "m.ivanova@school12.example", "error": "550 mailbox unavailable"})
    html = _page(agent_client, ticket).content.decode()
    assert "Письмо на адрес m.ivanova@school12.example не отправлено: 550 mailbox unavailable" in html
