"""Imported history looks exactly like history made through the product, and sends nothing."""

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from edudesk.imports.models import ImportedTicket
from edudesk.imports.services import import_lines
from edudesk.mail.models import OutboundMail
from edudesk.reports.models import Fact
from edudesk.reports.tests import brute_force
from edudesk.reports.tests.test_exactness import stored_figures
from edudesk.search.services import search_tickets
from edudesk.sla import autoclose, escalation
from edudesk.sla.models import Notification, SlaClock
from edudesk.testing import factories
from edudesk.tickets import services
from edudesk.tickets.models import Event, PendingEffect, Ticket
from edudesk.tickets.types import Actor

MSK = ZoneInfo("Europe/Moscow")
T0 = datetime(2025, 3, 3, 9, 0, tzinfo=MSK)  # a Monday
NOW = datetime(2025, 6, 2, 12, 0, tzinfo=MSK)


def at(minutes: int) -> datetime:
    """A moment as the product has it at run time (``timezone.now()``: UTC)."""
    return (T0 + timedelta(minutes=minutes)).astimezone(UTC)


def iso(minutes: int) -> str:
    """The same moment as an export writes it, in local time."""
    return (T0 + timedelta(minutes=minutes)).isoformat()


def line(ref: str, requester: dict, *, messages=(), history=(), **extra) -> str:
    return json.dumps({
        "version": 1, "ref": ref, "service": "eschool", "created_at": iso(0), "channel": "web",
        "subject": "Не сохраняются оценки", "description": "При сохранении оценок ошибка.",
        "requester": requester, "messages": list(messages), "history": list(history), **extra,
    }, ensure_ascii=False)


def made_through_the_product(eschool, teacher, agent) -> Ticket:
    """GIVEN a request handled in the desk: reviewed, a question, the answer, the solution."""
    ticket = services.open_ticket(service=eschool, requester=teacher, subject="Не сохраняются оценки",
                                  description="При сохранении оценок ошибка.", channel="web", now=at(0))
    me, them = Actor.agent(agent), Actor.customer(teacher)
    services.transition(ticket, "in_processing", actor=me, now=at(20))
    services.add_message(ticket, actor=me, body="Какой у вас браузер?", now=at(30))
    services.transition(ticket, "needs_clarification", actor=me, now=at(30))
    services.add_message(ticket, actor=them, body="Яндекс Браузер 24", now=at(24 * 60))
    services.transition(ticket, "in_work", actor=me, now=at(24 * 60 + 40))
    services.add_message(ticket, actor=me, body="Исправили, проверьте.", now=at(2 * 24 * 60))
    services.transition(ticket, "answered", actor=me, now=at(2 * 24 * 60))
    services.transition(ticket, "resolved", actor=them, now=at(3 * 24 * 60), reason="answer_helped")
    return Ticket.objects.get(pk=ticket.pk)


def the_same_history(teacher, agent, ref="OLD-1") -> str:
    who = {"email": teacher.email, "full_name": teacher.full_name}
    return line(ref, who, messages=[
        {"at": iso(30), "by": "agent", "agent": agent.username, "body": "Какой у вас браузер?"},
        {"at": iso(24 * 60), "by": "customer", "body": "Яндекс Браузер 24"},
        {"at": iso(2 * 24 * 60), "by": "agent", "agent": agent.username, "body": "Исправили, проверьте."},
    ], history=[
        {"at": iso(20), "by": "agent", "agent": agent.username, "status": "in_processing"},
        {"at": iso(30), "by": "agent", "agent": agent.username, "status": "needs_clarification"},
        # the product moves the status itself when the customer answers: the export says so too
        {"at": iso(24 * 60), "by": "customer", "status": "clarification_sent"},
        {"at": iso(24 * 60 + 40), "by": "agent", "agent": agent.username, "status": "in_work"},
        {"at": iso(2 * 24 * 60), "by": "agent", "agent": agent.username, "status": "answered"},
        {"at": iso(3 * 24 * 60), "by": "customer", "status": "resolved", "reason": "answer_helped"},
    ])


TICKET_COLUMNS = ("status", "service_id", "organisation_id", "requester_id", "subject", "description",
                  "category", "priority", "channel", "group_id", "assignee_id", "fields", "review_due_at",
                  "due_at", "sla_flag", "reviewed_at", "answered_at", "closed_at", "created_at",
                  "updated_at")
CLOCK_COLUMNS = ("kind", "state", "target", "started_at", "paused_at", "paused_working", "due_at",
                 "warn_at", "stopped_at", "breached", "warned_at", "escalated_at")


def timeline(ticket: Ticket) -> list[tuple]:
    """The ticket's events with ids replaced by positions (ids differ between two tickets)."""
    events = list(Event.objects.filter(ticket=ticket).order_by("id"))
    position = {e.pk: n for n, e in enumerate(events)}
    messages = {m.pk: n for n, m in enumerate(ticket.messages.order_by("created_at", "id"))}
    out = []
    for e in events:
        data = {k: v for k, v in e.data.items() if k != "imported"}
        if "cause" in data:
            data["cause"] = position[data["cause"]]
        if "message_id" in data:
            data["message_id"] = messages[data["message_id"]]
        out.append((e.kind, e.actor_kind, e.actor_user_id, e.actor_contact_id, e.old, e.new, data,
                    e.created_at))
    return out


def facts(ticket: Ticket) -> Counter:
    return Counter((f.day, f.metric, f.bucket, f.count, f.group_id, f.agent_id, f.channel, f.priority,
                    f.organisation_id, f.region) for f in Fact.objects.filter(ticket_id=ticket.pk))


@pytest.mark.django_db
def test_an_imported_ticket_looks_exactly_like_one_made_through_the_product(
        eschool, teacher, line1_agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # its after-commit work (search) runs
        made = made_through_the_product(eschool, teacher, line1_agent)

    result = import_lines([the_same_history(teacher, line1_agent)], now=NOW)

    assert result.errors == [] and result.imported == 1
    imported = ImportedTicket.objects.get(reference="OLD-1").ticket
    assert [getattr(imported, c) for c in TICKET_COLUMNS] == [getattr(made, c) for c in TICKET_COLUMNS]
    assert imported.status == "resolved" and imported.requester_id == teacher.pk
    assert timeline(imported) == timeline(made)
    assert ([[getattr(c, f) for f in CLOCK_COLUMNS] for c in SlaClock.objects.filter(ticket=imported)]
            == [[getattr(c, f) for f in CLOCK_COLUMNS] for c in SlaClock.objects.filter(ticket=made)])
    assert facts(imported) == facts(made)
    assert stored_figures() == +brute_force.expected_figures(eschool)
    assert {t.pk for t in search_tickets(line1_agent, "браузер")} == {made.pk, imported.pk}


@pytest.mark.django_db
def test_imported_history_queues_no_mail_no_notification_and_no_after_commit_work(
        eschool, teacher, line1_agent, supervisor):
    first_line = eschool.groups.get(is_default=True)
    first_line.supervisor = supervisor
    first_line.save()
    PendingEffect.objects.all().delete()
    mails = OutboundMail.objects.count()
    overdue = line("OLD-2", {"email": teacher.email}, history=[
        {"at": iso(10), "by": "agent", "agent": line1_agent.username, "status": "in_work"}])

    import_lines([the_same_history(teacher, line1_agent), overdue], now=NOW)

    assert OutboundMail.objects.count() == mails
    assert not PendingEffect.objects.exists()
    assert not Notification.objects.exists()
    # The open ticket's clocks ran out long ago: flagged as the sweep would have, and the sweep
    # finds nothing of the past left to announce.
    ticket = ImportedTicket.objects.get(reference="OLD-2").ticket
    assert ticket.sla_flag == "breached"
    assert {"sla_warning", "sla_breached"} <= set(ticket.events.values_list("kind", flat=True))
    assert escalation.sweep(NOW) == escalation.SweepResult(warned=0, escalated=0)
    assert not Notification.objects.exists() and not PendingEffect.objects.exists()


@pytest.mark.django_db
def test_an_open_ticket_is_flagged_as_the_escalation_sweep_would_have_flagged_it(
        eschool, teacher, line1_agent):
    made = services.open_ticket(service=eschool, requester=teacher, subject="Не сохраняются оценки",
                                description="При сохранении оценок ошибка.", channel="web", now=at(0))
    services.transition(made, "in_processing", actor=Actor.agent(line1_agent), now=at(10))
    services.transition(made, "in_work", actor=Actor.agent(line1_agent), now=at(12))
    history = [{"at": iso(10), "by": "agent", "agent": line1_agent.username, "status": "in_processing"},
               {"at": iso(12), "by": "agent", "agent": line1_agent.username, "status": "in_work"}]
    import_lines([line("OLD-3", {"email": teacher.email}, history=history)], now=NOW)
    imported = ImportedTicket.objects.get(reference="OLD-3").ticket

    # WHEN the sweep runs at every moment a clock of the product's ticket falls due
    for moment in sorted({m for c in SlaClock.objects.filter(ticket=imported) for m in (c.warn_at, c.due_at)
                          if c.state == "running"}):
        escalation.sweep(moment)

    made.refresh_from_db()
    assert timeline(imported) == timeline(made)
    assert imported.sla_flag == made.sla_flag == "breached"


@pytest.mark.django_db
def test_a_second_run_of_the_same_file_imports_nothing_again(eschool, teacher, line1_agent, tmp_path):
    path = tmp_path / "history.jsonl"
    path.write_text(the_same_history(teacher, line1_agent) + "\n", encoding="utf-8")
    call_command("import_tickets", str(path), verbosity=0)
    counts = (Ticket.objects.count(), Event.objects.count(), Fact.objects.count(), SlaClock.objects.count())

    call_command("import_tickets", str(path), verbosity=0)

    assert (Ticket.objects.count(), Event.objects.count(), Fact.objects.count(),
            SlaClock.objects.count()) == counts


@pytest.mark.django_db
def test_a_bad_line_is_reported_by_number_and_nothing_of_it_is_written(eschool, teacher, line1_agent):
    good = the_same_history(teacher, line1_agent)
    # registered → resolved by the customer: not a move the status table allows
    bad = line("OLD-BAD", {"email": teacher.email},
               history=[{"at": iso(5), "by": "customer", "status": "resolved"}])
    contacts = teacher.service.contacts.count()

    result = import_lines(["", good, bad, "{not json"], now=NOW)

    assert result.imported == 1
    assert [n for n, _message in result.errors] == [3, 4]
    assert "registered → resolved" in result.errors[0][1] and "customer" in result.errors[0][1]
    assert "JSON" in result.errors[1][1]
    assert not ImportedTicket.objects.filter(reference="OLD-BAD").exists()
    assert Ticket.objects.count() == 1 and teacher.service.contacts.count() == contacts


@pytest.mark.django_db
def test_the_command_names_the_bad_line_and_fails(eschool, tmp_path, capsys):
    path = tmp_path / "history.jsonl"
    path.write_text(line("OLD-4", {"email": "a@school.example"}, created_at="2025-03-03T09:00:00")
                    + "\n", encoding="utf-8")

    with pytest.raises(Exception, match="1 lines were not imported"):
        call_command("import_tickets", str(path), verbosity=0)

    assert "line 1: created_at" in capsys.readouterr().err
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_numbers_come_from_the_numbering_service_and_live_numbering_continues_after_them(
        eschool, teacher, line1_agent):
    before = factories.ticket(eschool, teacher)
    import_lines([the_same_history(teacher, line1_agent, ref=f"OLD-{n}") for n in range(3)], now=NOW)
    after = factories.ticket(eschool, teacher)

    numbers = list(Ticket.objects.order_by("number").values_list("number", flat=True))
    assert len(set(numbers)) == 5
    assert numbers[0] == before.number and numbers[-1] == after.number
    assert ImportedTicket.objects.get(reference="OLD-0").ticket.number.startswith(eschool.number_prefix)


@pytest.mark.django_db
def test_requesters_and_organisations_are_matched_or_created_as_the_intake_does(eschool, teacher):
    lines = [line(f"OLD-{n}", {"email": "new.teacher@school5.example", "full_name": "Новикова Ирина",
                               "organisation": "МБОУ «Основная школа № 5»", "city": "Тверь"})
             for n in range(2)]
    local, domain = teacher.email.split("@")
    lines.append(line("OLD-9", {"email": f"{local.upper()}@{domain.upper()}"}))

    import_lines(lines, now=NOW)

    newcomer = ImportedTicket.objects.get(reference="OLD-0").ticket.requester
    assert ImportedTicket.objects.get(reference="OLD-1").ticket.requester == newcomer
    assert newcomer.organisation.name == "МБОУ «Основная школа № 5»" and newcomer.organisation.city == "Тверь"
    assert ImportedTicket.objects.get(reference="OLD-9").ticket.requester_id == teacher.pk


@pytest.mark.django_db
def test_the_sample_file_imports(eschool):
    from pathlib import Path

    sample = Path(__file__).resolve().parents[1] / "fixtures" / "sample.jsonl"
    factories.agent(eschool, username="line1")

    result = import_lines(sample.read_text(encoding="utf-8").splitlines())

    assert result.errors == [] and result.imported == 3


@pytest.mark.django_db
def test_chunk_after_chunk_ids_follow_on_and_the_live_desk_writes_after_them(eschool, teacher, line1_agent):
    overdue = [{"at": iso(10), "by": "agent", "agent": line1_agent.username, "status": "in_processing"}]
    lines = [line(f"OLD-{n}", {"email": teacher.email}, history=overdue) for n in range(5)]

    result = import_lines(lines, chunk_size=2, now=NOW)
    live = factories.ticket(eschool, teacher)
    services.add_message(live, actor=Actor.agent(line1_agent), body="Смотрим.")

    assert result.imported == 5
    ids = list(Event.objects.order_by("id").values_list("ticket_id", flat=True))
    imported = [t.pk for t in Ticket.objects.exclude(pk=live.pk).order_by("pk")]
    # every ticket's events in one run of ids, in the order the tickets were imported, then live
    assert [ticket for n, ticket in enumerate(ids) if n == 0 or ids[n - 1] != ticket] == [*imported, live.pk]


@pytest.mark.django_db
def test_a_file_that_grew_imports_only_its_new_lines_and_a_repeated_reference_once(
        eschool, teacher, line1_agent):
    first = [the_same_history(teacher, line1_agent, ref="OLD-1")]
    import_lines(first, now=NOW)

    result = import_lines([*first, the_same_history(teacher, line1_agent, ref="OLD-2"),
                           the_same_history(teacher, line1_agent, ref="OLD-2")], now=NOW)

    assert (result.imported, result.skipped, result.errors) == (1, 2, [])
    assert set(ImportedTicket.objects.values_list("reference", flat=True)) == {"OLD-1", "OLD-2"}


@pytest.mark.django_db
def test_an_answer_left_without_reply_is_closed_when_the_auto_close_job_would_have_closed_it(
        eschool, teacher, line1_agent):
    me = Actor.agent(line1_agent)
    made = services.open_ticket(service=eschool, requester=teacher, subject="Не сохраняются оценки",
                                description="При сохранении оценок ошибка.", channel="web", now=at(0))
    services.transition(made, "in_processing", actor=me, now=at(10))
    services.transition(made, "answered", actor=me, now=at(60))
    history = [{"at": iso(10), "by": "agent", "agent": line1_agent.username, "status": "in_processing"},
               {"at": iso(60), "by": "agent", "agent": line1_agent.username, "status": "answered"}]
    import_lines([line("OLD-5", {"email": teacher.email}, history=history, status="answered")], now=NOW)
    imported = ImportedTicket.objects.get(reference="OLD-5").ticket
    closing = imported.events.get(kind="status_changed", new__status="resolved")

    autoclose.close_silent_answers(closing.created_at)  # the job, when it closes the product's one

    made.refresh_from_db()
    assert made.status == imported.status == "resolved"
    assert closing.data == {"reason": "no_customer_reply"} and closing.created_at > at(3 * 24 * 60)
    assert timeline(imported) == timeline(made)
    assert autoclose.close_silent_answers(NOW) == []  # nothing of the past left to close (and mail)


@pytest.mark.django_db
def test_an_agents_reply_names_its_author_who_may_have_left(eschool, teacher, line1_agent):
    line1_agent.is_active = False
    line1_agent.save()
    nameless = line("OLD-6", {"email": teacher.email},
                    messages=[{"at": iso(30), "by": "agent", "body": "Проверьте, пожалуйста."}])

    result = import_lines([nameless, the_same_history(teacher, line1_agent)], now=NOW)

    assert result.imported == 1
    assert result.errors == [(1, "messages[0]: an agent's message needs the agent's username")]


@pytest.mark.django_db
def test_a_change_at_the_moment_a_clock_falls_due_meets_it_before_the_sweep_would_breach_it(
        eschool, teacher, line1_agent):
    on_time = [{"at": iso(60), "by": "agent", "agent": line1_agent.username, "status": "in_processing"}]

    import_lines([line("OLD-7", {"email": teacher.email}, history=on_time)], now=NOW)

    review = SlaClock.objects.get(ticket__imported_from__reference="OLD-7", kind="review")
    assert (review.state, review.breached, review.escalated_at) == ("met", False, None)
