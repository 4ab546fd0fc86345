"""The request form /support/<service>/new: category first, then exactly its fields."""

import pytest

from edudesk.intake.models import IntakeDecision
from edudesk.intake.tests import files
from edudesk.portal.tests.helpers import CHROME_UA, form, screenshot, upload
from edudesk.testing import factories
from edudesk.tickets.models import Attachment, Ticket

pytestmark = pytest.mark.django_db

URL = "/support/eschool/new"


def post(client, data, **extra):
    return client.post(URL, data, HTTP_USER_AGENT=CHROME_UA, **extra)


def test_form_asks_for_the_category_first(client, eschool):
    page = client.get(URL).content.decode()
    assert "Сообщение об ошибке" in page and "Предложение по доработке платформы" in page
    assert 'name="region"' not in page


def test_choosing_a_category_shows_exactly_its_fields_with_the_seed_advice(client, eschool):
    page = client.get(URL + "?category=error", HTTP_USER_AGENT=CHROME_UA).content.decode()
    assert 'name="steps"' in page and 'name="screenshots"' in page
    assert "Изображения, вставленные в файлы .doc, .zip или .rar" in page
    assert 'value="Chrome 120.0.6099.109"' in page
    suggestion = client.get(URL + "?category=suggestion").content.decode()
    assert 'name="screenshots"' not in suggestion and 'name="steps"' not in suggestion


def test_category_step_works_without_javascript(client, eschool):
    page = client.post(URL, {"category": "error", "step": "category"}).content.decode()
    assert 'name="browser"' in page


def test_complete_request_shows_number_priority_and_due_date(client, eschool):
    response = post(client, form(screenshots=screenshot()))
    assert response.status_code == 302, response.content.decode()[:2000]
    ticket = Ticket.objects.get()
    receipt = client.get(response["Location"]).content.decode()
    assert ticket.number in receipt
    assert "обычный" in receipt
    assert "Срок исполнения" in receipt
    assert "Обязательно зафиксируйте номер и дату созданного инцидента!" in receipt
    assert ticket.attachments.get().display_name == "картинка1"
    assert ticket.channel == "web"


def test_missing_field_is_refused_with_an_error_summary_and_nothing_stored(client, eschool):
    response = post(client, form(browser="", screenshots=screenshot()))
    page = response.content.decode()
    assert response.status_code == 400
    assert 'role="alert"' in page and 'href="#field-browser"' in page
    assert 'aria-invalid="true"' in page
    assert Ticket.objects.count() == 0 and Attachment.objects.count() == 0
    assert "Республика Татарстан" in page  # what was typed is kept


def test_zip_instead_of_screenshot_is_refused_quoting_the_rule(client, eschool):
    response = post(client, form(screenshots=upload("скрины.zip", files.zip_archive())))
    assert response.status_code == 400
    assert "не принимаются к рассмотрению" in response.content.decode()
    assert Ticket.objects.count() == 0


def test_png_named_doc_is_accepted_by_content(client, eschool):
    response = post(client, form(screenshots=upload("снимок.doc", files.png())))
    assert response.status_code == 302
    assert Ticket.objects.get().attachments.get().content_type == "image/png"


def test_several_problems_are_offered_a_one_click_split(client, eschool):
    text = ("1. Не сохраняются оценки в журнале 5А.\n"
            "2. Пропало расписание уроков у 7Б класса.")
    response = post(client, form(description=text, screenshots=screenshot()))
    page = response.content.decode()
    assert "несколько проблем" in page
    draft = page.split('action="/support/eschool/review/')[1].split('"')[0]
    done = client.post(f"/support/eschool/review/{draft}", {"choice": "split"})
    assert done.status_code == 302
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == [
        "Не сохраняются оценки в журнале 5А", "Пропало расписание уроков у 7Б класса"]
    assert IntakeDecision.objects.get().kind == IntakeDecision.Kind.SPLIT


def test_signed_in_user_is_shown_a_similar_open_ticket_and_can_write_into_it(client, eschool,
                                                                            teacher):
    existing = factories.ticket(eschool, teacher, subject="Не сохраняются оценки в журнале 5А",
                                description="Оценки по математике в журнал 5А не сохраняются.")
    session = client.session
    session["portal_contact_id"] = teacher.pk
    session.save()
    page = post(client, form(screenshots=screenshot())).content.decode()
    assert existing.number in page and "не пытайтесь создать новый инцидент" in page
    draft = page.split('action="/support/eschool/review/')[1].split('"')[0]
    response = client.post(f"/support/eschool/review/{draft}", {"choice": f"add:{existing.number}"})
    assert response.status_code == 302
    assert Ticket.objects.count() == 1
    assert existing.messages.count() == 2
    decision = IntakeDecision.objects.get()
    assert decision.kind == IntakeDecision.Kind.ADDED_TO_EXISTING
    assert decision.tickets == [existing.number]
    assert "Сообщение добавлено" in client.get(response["Location"]).content.decode()


def test_user_may_register_a_new_ticket_despite_a_similar_one(client, eschool, teacher):
    factories.ticket(eschool, teacher, subject="Не сохраняются оценки в журнале 5А")
    session = client.session
    session["portal_contact_id"] = teacher.pk
    session.save()
    page = post(client, form(screenshots=screenshot())).content.decode()
    draft = page.split('action="/support/eschool/review/')[1].split('"')[0]
    client.post(f"/support/eschool/review/{draft}", {"choice": "single"})
    assert Ticket.objects.count() == 2
    assert IntakeDecision.objects.get().kind == IntakeDecision.Kind.CREATED_DESPITE_SIMILAR


def test_another_users_draft_cannot_be_used(client, eschool, teacher, another_teacher):
    factories.ticket(eschool, teacher, subject="Не сохраняются оценки в журнале 5А")
    session = client.session
    session["portal_contact_id"] = teacher.pk
    session.save()
    page = post(client, form(screenshots=screenshot())).content.decode()
    draft = page.split('action="/support/eschool/review/')[1].split('"')[0]
    session = client.session
    session["portal_contact_id"] = another_teacher.pk
    session.save()
    assert client.post(f"/support/eschool/review/{draft}", {"choice": "single"}).status_code == 404


def test_receipt_cannot_be_forged(client, eschool):
    assert client.get("/support/eschool/submitted/forged:token").status_code == 404


def test_unknown_service_is_404(client, db):
    assert client.get("/support/nowhere/new").status_code == 404


def test_form_speaks_english_when_asked(client, eschool):
    page = client.get(URL + "?category=error", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Browser name and version" in page


def test_registration_notice_is_composed_for_the_web_request(client, eschool,
                                                             django_capture_on_commit_callbacks):
    from edudesk.mail.models import OutboundMail

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, form(screenshots=screenshot()))
    assert response.status_code == 302
    notice = OutboundMail.objects.get(ticket=Ticket.objects.get(), template="registered")
    assert notice.to_address == "m.ivanova@school12.example"
    assert Ticket.objects.get().number in notice.subject + notice.body_text


def test_oversized_upload_is_refused_without_reading_it_whole(client, eschool, settings):
    from edudesk.intake.attachments import DEFAULT_POLICY

    huge = files.png() + b"\x00" * DEFAULT_POLICY.max_bytes
    response = post(client, form(screenshots=upload("огромный.png", huge)))
    assert response.status_code == 400
    assert "слишком большой" in response.content.decode()
    assert Ticket.objects.count() == 0


def test_refusal_speaks_english_when_asked(client, eschool):
    response = post(client, form(browser="", screenshots=screenshot()), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 400
    assert "Fill in «Browser name and version»." in page


def test_adding_to_a_ticket_the_user_cannot_see_is_404(client, eschool, teacher, another_teacher):
    factories.ticket(eschool, teacher, subject="Не сохраняются оценки в журнале 5А")
    theirs = factories.ticket(eschool, another_teacher, subject="Пропало расписание")
    session = client.session
    session["portal_contact_id"] = teacher.pk
    session.save()
    page = post(client, form(screenshots=screenshot())).content.decode()
    draft = page.split('action="/support/eschool/review/')[1].split('"')[0]
    response = client.post(f"/support/eschool/review/{draft}", {"choice": f"add:{theirs.number}"})
    assert response.status_code == 404
    assert theirs.messages.count() == 1
