"""The pipeline applies one schema and one screenshot policy to every channel."""

import pytest
from django.core.exceptions import ValidationError

from edudesk.accounts.models import Contact
from edudesk.intake import services
from edudesk.intake.models import FormSchema, IntakeDecision
from edudesk.intake.pipeline import check, submit
from edudesk.intake.submission import IncomingFile, OutcomeKind, RequesterData, Submission
from edudesk.intake.tests import files
from edudesk.testing import factories
from edudesk.tickets.models import Attachment, Message, Ticket
from edudesk.tickets.status import Status
from edudesk.tickets.types import Actor

pytestmark = pytest.mark.django_db

FORM = {
    "region": "Республика Татарстан",
    "full_name": "Иванова Мария Петровна",
    "institution": "МБОУ «Средняя школа № 12», г. Казань",
    "initiator_login": "m.ivanova",
    "affected_login": "m.ivanova",
    "email": "m.ivanova@school12.example",
    "phone": "8 843 555-12-34",
    "browser": "Chrome 120",
    "steps": "Открываю журнал 5А, ставлю оценку, нажимаю «Сохранить» — ошибка 500.",
}


def web(service, *, category="error", fields=None, files_=(), description=None, **extra):
    return Submission(
        service=service, channel="web", requester=RequesterData(),
        description=description if description is not None else "Не сохраняются оценки в журнале 5А.",
        category=category, fields=dict(FORM if fields is None else fields),
        files=[IncomingFile(name, data) for name, data in files_], **extra,
    )


def test_complete_web_request_is_registered_with_its_screenshot(eschool):
    outcome = submit(web(eschool, files_=[("ошибка.png", files.png())]))
    assert outcome.kind == OutcomeKind.CREATED, outcome.errors
    ticket = outcome.ticket
    assert ticket.category == "error"
    assert ticket.fields["browser"] == "Chrome 120"
    assert ticket.fields["phone"] == "+78435551234"
    assert ticket.requester.email == "m.ivanova@school12.example"
    assert ticket.requester.login == "m.ivanova"
    assert ticket.organisation.name == "МБОУ «Средняя школа № 12», г. Казань"
    attachment = ticket.attachments.get()
    assert attachment.display_name == "картинка1"
    assert attachment.content_type == "image/png"


def test_web_request_with_a_missing_field_is_refused_and_nothing_is_stored(eschool):
    outcome = submit(web(eschool, fields=dict(FORM, browser=""), files_=[("s.png", files.png())]))
    assert outcome.kind == OutcomeKind.REFUSED
    assert "Наименование и версия браузера" in outcome.errors["browser"][0]
    assert Ticket.objects.count() == 0 and Attachment.objects.count() == 0


def test_web_request_with_a_zip_is_refused_quoting_the_rule(eschool):
    outcome = submit(web(eschool, files_=[("скрины.zip", files.zip_archive())]))
    assert outcome.kind == OutcomeKind.REFUSED
    assert "не принимаются к рассмотрению" in outcome.errors["screenshots"][0]
    assert outcome.refused_files[0][0] == "скрины.zip"
    assert Ticket.objects.count() == 0


def test_mail_request_is_registered_and_lists_whats_missing(eschool):
    submission = Submission(
        service=eschool, channel="email", requester=RequesterData(email="parent@example.ru"),
        description="Не открывается дневник ребёнка.", register_incomplete=True,
        files=[IncomingFile("скрины.rar", files.rar5_empty_archive()),
               IncomingFile("экран.jpg", files.jpeg())],
    )
    outcome = submit(submission)
    assert outcome.kind == OutcomeKind.CREATED
    assert "Регион" in outcome.missing and "Телефон" in outcome.missing
    assert "Снимки экрана" not in outcome.missing  # the .rar is reported as refused instead
    assert [name for name, _message in outcome.refused_files] == ["скрины.rar"]
    assert outcome.ticket.attachments.count() == 1
    # Mail has no category chooser: the category is inferred and kept with its confidence.
    created = outcome.ticket.events.get(kind="created")
    assert outcome.ticket.category == created.data["category_suggestion"]["category"]


def test_agent_registering_a_call_is_lenient_but_keeps_the_screenshot_policy(eschool, line1_agent):
    submission = Submission(
        service=eschool, channel="phone", requester=RequesterData(phone="8 843 555-00-11"),
        description="Позвонила завуч: не формируется отчёт.", actor=Actor.agent(line1_agent),
        files=[IncomingFile("отчёт.pdf", files.pdf_one_page())],
    )
    outcome = submit(submission)
    assert outcome.kind == OutcomeKind.CREATED
    assert outcome.ticket.attachments.count() == 0
    assert "документ PDF" in outcome.refused_files[0][1]


def test_widget_values_are_locked_against_the_typed_ones(uchipro):
    requester = RequesterData(full_name="Петров Олег", role="learner", email="petrov@uc.example",
                              phone="+79123456789", organisation="ООО «Учебный центр»")
    submission = Submission(
        service=uchipro, channel="widget", requester=requester, category="other",
        description="Не приходят уведомления.",
        fields={"full_name": "Администратор", "role": "administrator",
                "lms_url": "https://sdo.uc.example"},
        locked_fields=frozenset({"full_name", "role", "email", "phone", "organisation"}),
    )
    outcome = submit(submission)
    assert outcome.ok, outcome.errors
    assert outcome.ticket.requester.full_name == "Петров Олег"
    assert outcome.ticket.requester.role == "learner"
    assert outcome.ticket.fields["role"] == "learner"


def test_reply_with_a_docx_is_refused_and_the_ticket_is_unchanged(ticket, teacher):
    submission = Submission(
        service=ticket.service, channel="web", requester=RequesterData(), ticket=ticket,
        description="Вот снимок", actor=Actor.customer(teacher),
        files=[IncomingFile("снимок.docx", files.docx_with_picture())],
    )
    outcome = submit(submission)
    assert outcome.kind == OutcomeKind.REFUSED
    assert "документ Word (.docx)" in outcome.errors["screenshots"][0]
    assert ticket.messages.count() == 1


def test_reply_screenshots_continue_the_tickets_numbering(ticket, teacher):
    def reply(*names):
        return submit(Submission(
            service=ticket.service, channel="web", requester=RequesterData(), ticket=ticket,
            description="Ещё снимки", actor=Actor.customer(teacher),
            files=[IncomingFile(name, files.png()) for name in names]))

    reply("a.png")
    outcome = reply("b.png", "c.png")
    assert outcome.kind == OutcomeKind.ADDED
    names = [a.display_name for a in Attachment.objects.filter(ticket=ticket)]
    assert names == ["картинка1", "картинка2", "картинка3"]


def test_schema_for_a_seed_service_is_stored_once(eschool):
    first = services.schema_for(eschool)
    assert first.service == "eschool" and first.has_category("error")
    services.schema_for(eschool)
    assert FormSchema.objects.filter(service=eschool).count() == 1


def test_schema_for_an_unknown_service_is_generic(db):
    university = factories.service("university")
    schema = services.schema_for(university)
    assert [c.key for c in schema.categories] == ["error", "suggestion", "other"]


def test_admin_edited_schema_is_used_by_the_pipeline(eschool):
    document = services.schema_for(eschool).to_json()
    row = FormSchema.objects.get(service=eschool)
    document["common"] = [f for f in document["common"] if f["key"] != "region"]
    row.document = document
    row.full_clean()
    row.save()
    fields = {k: v for k, v in FORM.items() if k != "region"}
    assert submit(web(eschool, fields=fields, files_=[("s.png", files.png())])).ok


def test_broken_schema_is_refused_by_the_admin_with_its_path(eschool):
    row = FormSchema(service=eschool, document={"service": "eschool", "categories": [{"key": "x"}]})
    with pytest.raises(ValidationError) as caught:
        row.full_clean()
    assert "categories[0].label" in str(caught.value)


def test_similar_open_tickets_of_the_user_are_found(eschool, teacher):
    factories.ticket(eschool, teacher, subject="Не выставляются оценки в журнале 5А",
                     description="Оценки по математике в журнал 5А не выставляются.")
    factories.ticket(eschool, teacher, subject="Не входит ученик", description="Пароль неверный.")
    found = services.similar_open_tickets(teacher, "В журнале 5А не получается выставить оценку")
    assert len(found) == 1 and found[0].can_add and "оценки" in found[0].subject


def test_colleagues_similar_ticket_shows_its_number_but_not_its_subject(eschool, teacher,
                                                                          another_teacher):
    theirs = factories.ticket(eschool, another_teacher, subject="Не выставляются оценки в журнале 5А",
                              description="Оценки в журнал 5А не выставляются.")
    found = services.similar_open_tickets(teacher, "В журнале 5А не выставляются оценки")
    assert [(f.number, f.subject, f.can_add) for f in found] == [(theirs.number, "", False)]


def test_closed_and_other_users_tickets_outside_the_organisation_are_not_suggested(eschool, teacher):
    stranger = factories.contact(eschool, full_name="Чужой", org=factories.organisation(eschool, "Лицей"))
    factories.ticket(eschool, stranger, subject="Не выставляются оценки в журнале 5А")
    assert services.similar_open_tickets(teacher, "Не выставляются оценки в журнале 5А") == []


def test_adding_to_an_existing_ticket_writes_into_it(eschool, teacher, ticket):
    submission = web(eschool, fields={**FORM, "email": teacher.email}, files_=[("s.png", files.png())])
    outcome = services.add_to_existing(submission, teacher, ticket.number)
    assert outcome.kind == OutcomeKind.ADDED and outcome.ticket == ticket
    assert ticket.messages.filter(kind=Message.Kind.PUBLIC).count() == 2
    assert ticket.attachments.count() == 1


def test_split_registers_one_linked_ticket_per_problem(eschool):
    outcomes = services.submit_split(
        web(eschool, files_=[("s.png", files.png())]),
        ["Не выставляются оценки в 5А.", "Пропало расписание 7Б."],
        ["Не выставляются оценки", "Пропало расписание"],
    )
    first, second = (o.ticket for o in outcomes)
    assert first.subject == "Не выставляются оценки" and second.description == "Пропало расписание 7Б."
    assert first.links_out.get().target == second
    assert second.attachments.count() == 1 and second.status == Status.REGISTERED


def test_a_split_request_from_a_new_address_makes_one_requester(eschool):
    """The pipeline looks a requester up once per submission: the second ticket of a split
    finds the contact the first one made."""
    submission = web(eschool, files_=[("s.png", files.png())])
    submission.requester = RequesterData(email="A.Novikova@School5.example", full_name="Новикова Анна")
    outcomes = services.submit_split(submission, ["Не выставляются оценки в 5А.", "Пропало расписание 7Б."],
                                     ["Не выставляются оценки", "Пропало расписание"])
    assert all(o.ok for o in outcomes), outcomes[0].errors
    first, second = (o.ticket for o in outcomes)
    assert first.requester_id == second.requester_id
    assert Contact.objects.filter(email__iexact="a.novikova@school5.example").count() == 1


def test_split_is_all_or_nothing(eschool):
    outcomes = services.submit_split(web(eschool, files_=[("s.png", files.png())]),
                                     ["Не выставляются оценки.", "   "], ["a", "b"])
    assert outcomes[0].kind == OutcomeKind.REFUSED
    assert Ticket.objects.count() == 0


def test_draft_keeps_the_submission_and_its_screenshots(eschool, teacher):
    submission = web(eschool, files_=[("s.png", files.png())])
    checked = check(submission)
    draft = services.save_draft(submission, checked.images, teacher)
    restored = services.submission_from_draft(services.load_draft(draft.pk, eschool))
    assert restored.fields["browser"] == "Chrome 120"
    assert len(restored.files) == 1
    assert submit(restored).ok


def test_decisions_are_recorded(eschool, teacher):
    services.record_decision(eschool, teacher, IntakeDecision.Kind.SPLIT, ["INC1", "INC2"],
                             {"problems": 2})
    assert IntakeDecision.objects.get().get_kind_display() == "разделено на несколько обращений"
