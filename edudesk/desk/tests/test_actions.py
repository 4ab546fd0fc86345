import pytest
from django.urls import reverse

from edudesk.desk.tests.conftest import png_bytes
from edudesk.testing import factories
from edudesk.tickets import services, versions
from edudesk.tickets.models import Message, Priority, TicketLink
from edudesk.tickets.selectors import with_description
from edudesk.tickets.status import Status
from edudesk.tickets.types import Actor, NewAttachment

pytestmark = pytest.mark.django_db


def _post(client, name, ticket, data):
    return client.post(reverse(f"desk:{name}", args=[ticket.number]), data)


def test_an_agent_takes_a_ticket_and_that_counts_as_reviewing_it(agent_client, ticket, line1_agent):
    _post(agent_client, "assign", ticket, {"to_me": "1"})
    ticket.refresh_from_db()
    assert ticket.assignee == line1_agent
    assert ticket.status == Status.IN_PROCESSING


def test_an_agent_gives_a_ticket_to_a_colleague_and_a_line(agent_client, ticket, colleague, eschool):
    second_line = eschool.groups.create(name="Вторая линия")
    _post(agent_client, "assign", ticket, {"assignee": colleague.pk, "group": second_line.pk})
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.group) == (colleague, second_line)
    page = agent_client.get(reverse("desk:ticket", args=[ticket.number])).content.decode()
    assert f'<option value="{colleague.pk}" selected>Морозов Илья</option>' in page
    assert f'<option value="{second_line.pk}" selected>Вторая линия</option>' in page


def test_an_agent_of_another_service_cannot_be_assigned(agent_client, ticket, outsider_agent):
    response = _post(agent_client, "assign", ticket, {"assignee": outsider_agent.pk})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_priority_and_category_change_through_the_domain(agent_client, ticket):
    _post(agent_client, "priority", ticket, {"priority": Priority.HIGH})
    _post(agent_client, "category", ticket, {"category": "error"})
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.category) == (Priority.HIGH, "error")
    assert ticket.events.filter(kind="priority_changed").exists()


def test_a_duplicate_is_merged_into_the_original_by_its_short_number(agent_client, eschool, teacher):
    original = factories.ticket(eschool, teacher, subject="Не сохраняются оценки")
    duplicate = factories.ticket(eschool, teacher, subject="Оценки опять не сохраняются")
    short = str(int(original.number[3:]))
    response = _post(agent_client, "merge", duplicate, {"number": short})
    assert response.url == reverse("desk:ticket", args=[original.number])
    duplicate.refresh_from_db()
    assert duplicate.merged_into == original and duplicate.status == Status.CANCELLED
    assert original.messages.filter(body__contains="При сохранении оценок").count() == 2
    told = duplicate.messages.get(kind=Message.Kind.SYSTEM).body
    assert original.number in told


def test_merging_into_a_ticket_of_another_service_is_impossible(agent_client, ticket, uchipro):
    learner = factories.contact(uchipro)
    foreign = factories.ticket(uchipro, learner)
    _post(agent_client, "merge", ticket, {"number": foreign.number})
    ticket.refresh_from_db()
    assert ticket.merged_into is None


def test_one_message_is_split_into_a_new_ticket_with_its_screenshots(agent_client, ticket, teacher):
    second = services.add_message(ticket, actor=Actor.customer(teacher), body="И ещё не печатается отчёт.",
                                  attachments=[NewAttachment("s.png", png_bytes(), "image/png")])
    response = _post(agent_client, "split", ticket, {"message": second.pk, "subject": "Не печатается отчёт",
                                                     "text": "И ещё не печатается отчёт."})
    new_number = response.url.rstrip("/").rsplit("/", 1)[-1]
    new_ticket = ticket.service.tickets.get(number=new_number)
    assert new_ticket.subject == "Не печатается отчёт"
    assert new_ticket.attachments.count() == 1
    assert TicketLink.objects.filter(source=ticket, target=new_ticket).exists()


def test_part_of_a_message_can_be_split_off(agent_client, ticket):
    first = ticket.messages.get()
    _post(agent_client, "split", ticket, {"message": first.pk, "text": "только вторая часть"})
    assert with_description(ticket.service.tickets.all()).filter(description="только вторая часть").exists()


def test_related_tickets_are_linked_both_ways(agent_client, eschool, teacher, another_teacher):
    first = factories.ticket(eschool, teacher)
    second = factories.ticket(eschool, another_teacher)
    _post(agent_client, "link", first, {"number": second.number})
    page = agent_client.get(reverse("desk:ticket", args=[second.number]))
    assert first in page.context["links"]


def test_marking_a_suggestion_shows_the_name_the_queue_filter_uses(agent_client, ticket):
    _post(agent_client, "status", ticket, {"status": Status.SUGGESTION})
    ticket.refresh_from_db()
    assert ticket.status == Status.SUGGESTION
    page = agent_client.get(reverse("desk:ticket", args=[ticket.number]))
    assert page.context["status_label"] == "Предложения по СДО"
    queue = agent_client.get(reverse("desk:queue"))
    assert (dict(queue.context["form"].fields["status"].choices)[Status.SUGGESTION]
            == page.context["status_label"])


def test_bulk_take_and_move_apply_to_each_ticket_and_report_refusals(agent_client, eschool, teacher,
                                                                     line1_agent, outsider_agent):
    first, second = factories.ticket(eschool, teacher), factories.ticket(eschool, teacher)
    services.transition(second, Status.RESOLVED, actor=Actor.agent(line1_agent))
    response = agent_client.post(reverse("desk:bulk"), {"action": "take",
                                                        "tickets": [first.number, second.number]})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.assignee == line1_agent
    response = agent_client.post(reverse("desk:bulk"), {"action": "status:in_work",
                                                        "tickets": [first.number, second.number]},
                                 follow=True)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Status.IN_WORK and second.status == Status.IN_WORK
    response = agent_client.post(reverse("desk:bulk"), {"action": "status:registered",
                                                        "tickets": [first.number]}, follow=True)
    assert f"{first.number}: Нельзя перевести" in response.content.decode()


def test_bulk_actions_skip_tickets_of_services_the_agent_does_not_serve(outsider_client, ticket):
    outsider_client.post(reverse("desk:bulk"), {"action": "priority:critical", "tickets": [ticket.number]})
    ticket.refresh_from_db()
    assert ticket.priority == Priority.NORMAL


# --- every action checks the version the agent saw -------------------------------------------

def test_take_from_a_stale_page_is_refused_and_says_who_changed_what(
        agent_client, ticket, colleague, line1_agent):
    seen = versions.current_version(ticket)
    services.assign(ticket, actor=Actor.agent(colleague), assignee=colleague)
    response = agent_client.post(reverse("desk:assign", args=[ticket.number]),
                                 {"to_me": "1", "seen_event": seen}, follow=True)
    ticket.refresh_from_db()
    assert ticket.assignee == colleague
    shown = [str(m) for m in response.context["messages"]]
    assert "изменилось после того, как вы его открыли" in shown[0]
    assert any(line.startswith("Морозов Илья, ") and line.endswith("Назначено: Морозов Илья")
               for line in shown[1:]), shown


@pytest.mark.parametrize("name, data", [
    ("status", {"status": Status.IN_WORK}),
    ("priority", {"priority": Priority.HIGH}),
    ("category", {"category": "error"}),
    ("link", {"number": "placeholder"}),
    ("split", {"text": "Второе"}),
])
def test_every_ticket_action_from_a_stale_page_changes_nothing(
        agent_client, ticket, teacher, eschool, name, data):
    other = factories.ticket(eschool, teacher)
    seen = versions.current_version(ticket)
    services.add_message(ticket, actor=Actor.customer(teacher), body="Уже не нужно.")
    before = ticket.events.count()
    if name == "link":
        data = {"number": other.number}
    _post(agent_client, name, ticket, {**data, "seen_event": seen})
    assert ticket.events.count() == before


def test_the_ticket_page_gives_every_action_the_version_it_shows(agent_client, ticket):
    page = agent_client.get(reverse("desk:ticket", args=[ticket.number])).content.decode()
    version = versions.current_version(ticket)
    for name in ("assign", "priority", "category", "link", "status"):
        form = page.split(f'action="{reverse(f"desk:{name}", args=[ticket.number])}"', 1)[1]
        assert f'name="seen_event" value="{version}"' in form.split("</form>", 1)[0], name


def test_a_bulk_action_leaves_a_ticket_changed_since_the_queue_was_shown(
        agent_client, eschool, teacher, colleague, line1_agent):
    fresh, taken = factories.ticket(eschool, teacher), factories.ticket(eschool, teacher)
    seen = versions.latest_version()
    services.assign(taken, actor=Actor.agent(colleague), assignee=colleague)
    response = agent_client.post(reverse("desk:bulk"), {
        "tickets": [fresh.number, taken.number], "action": "take", "seen_event": seen}, follow=True)
    fresh.refresh_from_db()
    taken.refresh_from_db()
    assert (fresh.assignee, taken.assignee) == (line1_agent, colleague)
    shown = " ".join(str(m) for m in response.context["messages"])
    assert f"{taken.number}: Обращение {taken.number} изменилось" in shown
    assert "Морозов Илья" in shown


# --- merge: a confirmation with both tickets --------------------------------------------------

def test_the_merge_form_shows_both_tickets_and_merges_nothing(agent_client, eschool, teacher):
    original = factories.ticket(eschool, teacher, subject="Не сохраняются оценки")
    duplicate = factories.ticket(eschool, teacher, subject="Оценки опять не сохраняются")
    response = agent_client.get(reverse("desk:merge", args=[duplicate.number]),
                                {"number": original.number})
    page = response.content.decode()
    assert response.status_code == 200
    for text in (original.number, duplicate.number, "Иванова Мария Петровна", "Казань",
                 "Не сохраняются оценки", "Оценки опять не сохраняются", "Объединить обращения"):
        assert text in page
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


def test_the_merge_form_refuses_different_requesters_and_offers_a_link(agent_client, eschool, teacher):
    other = factories.contact(eschool, full_name="Петров Сергей Иванович")
    mine, theirs = factories.ticket(eschool, teacher), factories.ticket(eschool, other)
    page = agent_client.get(reverse("desk:merge", args=[mine.number]),
                            {"number": theirs.number}).content.decode()
    assert "разные заявители" in page
    assert "Объединить обращения" not in page
    assert "Связать как одну проблему" in page
    agent_client.post(reverse("desk:merge", args=[mine.number]), {"number": theirs.number})
    mine.refresh_from_db()
    assert mine.merged_into is None
