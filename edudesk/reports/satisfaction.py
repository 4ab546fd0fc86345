"""Customer satisfaction: «Вопрос решён» → the customer rates the solution 1–5 by a signed link.

No sign-in: the link carries the ticket's id, signed. One rating per ticket, which the
customer may change for CHANGE_DAYS days after first rating it. A rating of LOW or less
waits on the supervisors' board until one of them marks it reviewed. A service can turn
the question off (`SatisfactionSetting`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from edudesk.reports import metrics as m
from edudesk.reports.facts import rating_facts
from edudesk.reports.models import Fact, Rating, SatisfactionSetting
from edudesk.tickets.models import Ticket
from edudesk.tickets.status import Status

SALT = "edudesk.reports.rating"
CHANGE_DAYS = 7
LOW = m.LOW_SCORE
SCORES = (1, 2, 3, 4, 5)


class RatingRefused(Exception):
    """The rating cannot be taken; the message says why, in the user's language."""


def asks(ticket: Ticket) -> bool:
    setting = SatisfactionSetting.objects.filter(service_id=ticket.service_id).first()
    return setting is None or setting.enabled


def rating_url(ticket: Ticket) -> str | None:
    """The signed link the customer rates with, or None when the service does not ask."""
    if not asks(ticket):
        return None
    token = signing.dumps({"t": ticket.pk}, salt=SALT)
    return settings.SITE_URL + reverse("rate", kwargs={"token": token})


def ticket_for(token: str) -> Ticket:
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature as error:
        raise RatingRefused(_("Ссылка для оценки повреждена: откройте её из письма ещё раз.")) from error
    ticket = Ticket.objects.select_related("service").filter(pk=data.get("t")).first()
    if ticket is None:
        raise RatingRefused(_("Обращение не найдено."))
    return ticket


def can_change(rating: Rating | None, now: datetime) -> bool:
    return rating is None or now < rating.rated_at + timedelta(days=CHANGE_DAYS)


@transaction.atomic
def rate(ticket: Ticket, score: int, comment: str = "", now: datetime | None = None) -> Rating:
    now = now or timezone.now()
    if score not in SCORES:
        raise RatingRefused(_("Выберите оценку от 1 до 5."))
    status = Ticket.objects.filter(pk=ticket.pk).values_list("status", flat=True).first()
    if status != Status.RESOLVED:
        raise RatingRefused(_("Оценить можно обращение со статусом «Вопрос решён»."))
    if not asks(ticket):
        raise RatingRefused(_("Этот сервис не собирает оценки."))
    rating = Rating.objects.select_for_update().filter(ticket=ticket).first()
    if not can_change(rating, now):
        raise RatingRefused(_("Оценку можно изменить в течение %(days)s дней; этот срок прошёл.")
                            % {"days": CHANGE_DAYS})
    counted = Ticket.objects.select_related("service", "organisation").get(pk=ticket.pk)
    if rating is None:
        Fact.objects.bulk_create(rating_facts(counted, score, now))
        return Rating.objects.create(ticket=ticket, score=score, comment=comment.strip()[:2000],
                                     rated_at=now, changed_at=now)
    Fact.objects.bulk_create(rating_facts(counted, score, rating.rated_at))
    rating.score, rating.comment, rating.changed_at = score, comment.strip()[:2000], now
    if score > LOW:
        rating.follow_up_done_at = rating.follow_up_done_at or now
    rating.save()
    return rating


def low_ratings(service_ids, limit: int = 20):
    """Low ratings not yet reviewed by a supervisor, newest first."""
    return (Rating.objects.filter(ticket__service_id__in=service_ids, score__lte=LOW,
                                  follow_up_done_at__isnull=True)
            .select_related("ticket").order_by("-changed_at")[:limit])


def mark_reviewed(rating_id: int, service_ids, now: datetime | None = None) -> bool:
    return bool(Rating.objects.filter(pk=rating_id, ticket__service_id__in=service_ids,
                                      follow_up_done_at__isnull=True)
                .update(follow_up_done_at=now or timezone.now()))
