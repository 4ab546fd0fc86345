"""«Вопрос решён» → the customer rates the solution by a signed link, without signing in."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from edudesk.mail.models import OutboundMail
from edudesk.reports import satisfaction
from edudesk.reports.models import Rating, SatisfactionSetting
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


@pytest.mark.django_db
def test_a_low_rating_waits_on_the_board_until_a_supervisor_reviews_it(client, supervisor, solved):
    rating = satisfaction.rate(solved, 1, "Так и не заработало")
    client.force_login(supervisor)

    assert "Так и не заработало" in client.get(reverse("reports:board")).content.decode()
    client.post(reverse("reports:rating_reviewed", kwargs={"pk": rating.pk}))
    assert "Так и не заработало" not in client.get(reverse("reports:board")).content.decode()


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
