"""«Вопрос решён» → the customer rates the solution by a signed link, without signing in."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from edudesk.mail.models import OutboundMail
from edudesk.reports import satisfaction
from edudesk.reports.models import Rating, RatingFollowUp, SatisfactionSetting
from edudesk.testing import factories
from edudesk.tickets import services
from edudesk.tickets.types import Actor


@pytest.fixture
def solved(eschool, teacher, line1_agent, django_capture_on_commit_callbacks):
    ticket = factories.ticket(eschool, teacher)
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(ticket, "resolved", actor=Actor.agent(line1_agent))
    return ticket



@pytest.mark.django_db
def test_the_solved_mail_asks_for_a_rating_with_a_signed_link(solved):
    mail = OutboundMail.objects.filter(ticket=solved).order_by("-id").first()

    assert "/support/rate/" in mail.body_text


@pytest.mark.django_db
def test_the_customer_rates_without_signing_in_and_may_change_it(client, solved):
    path = reverse("rate", kwargs={"token": satisfaction.rating_url(solved).rsplit("/", 1)[1]})

    assert client.get(path).status_code == 200
    client.post(path, {"score": "4", "comment": "Помогли быстро"})
    client.post(path, {"score": "5", "comment": ""})

    rating = Rating.objects.get(ticket=solved)
    assert (rating.score, rating.comment) == (5, "")


@pytest.mark.django_db
def test_a_rating_cannot_be_changed_after_the_days_allowed(solved):
    now = timezone.now()
    satisfaction.rate(solved, 3, now=now)

    with pytest.raises(satisfaction.RatingRefused):
        satisfaction.rate(solved, 5, now=now + timedelta(days=satisfaction.CHANGE_DAYS + 1))
    assert Rating.objects.get(ticket=solved).score == 3


@pytest.mark.django_db
def test_a_forged_link_and_a_score_out_of_range_are_refused_with_a_message(client, solved):
    forged = client.get(reverse("rate", kwargs={"token": "abc"}))
    token = satisfaction.rating_url(solved).rsplit("/", 1)[1]
    bad = client.post(reverse("rate", kwargs={"token": token}), {"score": "9"})

    assert forged.status_code == 400 and "повреждена" in forged.content.decode()
    assert bad.status_code == 400 and "от 1 до 5" in bad.content.decode()
    assert not Rating.objects.exists()


@pytest.fixture
def supervisors(supervisor, uchipro):
    """The e-school's supervisor (with an address) and one of another service."""
    from edudesk.accounts.models import User

    supervisor.email = "volkova@support.example"
    supervisor.save()
    other = factories.agent(uchipro, username="other-boss", kind=User.Kind.SUPERVISOR)
    other.email = "boss@uchipro.example"
    other.save()
    return supervisor, other


@pytest.mark.django_db
def test_a_low_rating_opens_a_follow_up_and_mails_the_services_supervisors(
        supervisors, solved, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rating = satisfaction.rate(solved, 2, "Долго ждали")

    follow_up = RatingFollowUp.objects.get()
    assert (follow_up.rating, follow_up.score, follow_up.state) == (rating, 2, "open")
    mails = OutboundMail.objects.filter(template="low_rating")
    assert [m.to_address for m in mails] == ["volkova@support.example"]
    assert "2 из 5" in mails[0].subject and "Долго ждали" in mails[0].body_text


@pytest.mark.django_db
def test_a_good_rating_opens_nothing_and_a_raised_score_closes_the_follow_up(supervisors, solved):
    satisfaction.rate(solved, 1)
    satisfaction.rate(solved, 4)

    follow_up = RatingFollowUp.objects.get()
    assert follow_up.state == "done" and "изменил оценку на 4" in follow_up.note
    # lowered again: a new follow-up, the closed one kept
    satisfaction.rate(solved, 2)
    assert RatingFollowUp.objects.filter(state="open").count() == 1
    assert RatingFollowUp.objects.count() == 2


@pytest.mark.django_db
def test_a_supervisor_closes_a_follow_up_with_a_note_and_it_leaves_the_board(client, supervisors, solved):
    satisfaction.rate(solved, 1, "Так и не заработало")
    follow_up = RatingFollowUp.objects.get()
    client.force_login(supervisors[0])
    listed = client.get(reverse("reports:follow_ups")).content.decode()
    assert "Так и не заработало" in listed and solved.number in listed
    assert "Так и не заработало" in client.get(reverse("reports:board")).content.decode()

    client.post(reverse("reports:close_follow_up", args=[follow_up.pk]),
                {"note": "Позвонили, настроили журнал"})

    follow_up.refresh_from_db()
    assert (follow_up.state, follow_up.closed_by, follow_up.note) == (
        "done", supervisors[0], "Позвонили, настроили журнал")
    assert "Так и не заработало" not in client.get(reverse("reports:board")).content.decode()
    closed = client.get(reverse("reports:follow_ups")).content.decode().split('id="closed-follow-ups"')[1]
    assert "Позвонили, настроили журнал" in closed


@pytest.mark.django_db
def test_closing_without_a_note_or_for_another_service_changes_nothing(client, supervisors, solved):
    satisfaction.rate(solved, 1)
    follow_up = RatingFollowUp.objects.get()
    client.force_login(supervisors[0])
    empty = client.post(reverse("reports:close_follow_up", args=[follow_up.pk]), {"note": "  "},
                        follow=True)
    assert "Напишите, что сделано" in empty.content.decode()
    client.force_login(supervisors[1])
    client.post(reverse("reports:close_follow_up", args=[follow_up.pk]), {"note": "Не моё"})

    follow_up.refresh_from_db()
    assert follow_up.state == "open" and follow_up.note == ""


@pytest.mark.django_db
def test_the_rating_shows_on_the_ticket_in_the_desk(client, line1_agent, solved):
    satisfaction.rate(solved, 4, "Спасибо")
    client.force_login(line1_agent)

    page = client.get(reverse("desk:ticket", kwargs={"number": solved.number})).content.decode()

    assert 'id="ticket-rating"' in page and "Спасибо" in page


@pytest.mark.django_db
def test_a_service_that_turned_ratings_off_asks_nothing(eschool, solved):
    SatisfactionSetting.objects.create(service=eschool, enabled=False)

    assert satisfaction.rating_url(solved) is None
    with pytest.raises(satisfaction.RatingRefused):
        satisfaction.rate(solved, 5)
