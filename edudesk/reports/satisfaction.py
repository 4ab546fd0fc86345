"""Customer satisfaction: «Вопрос решён» → the customer rates the solution 1–5 by a signed link.

No sign-in: the link carries the ticket's id, signed. One rating per ticket, which the
customer may change for CHANGE_DAYS days after first rating it. A rating of LOW or less
opens a follow-up (`RatingFollowUp`) and mails the service's supervisors; it waits in their
list until one of them closes it with a note, or the customer raises the score. A service
can turn the question off (`SatisfactionSetting`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from edudesk.reports import metrics as m
from edudesk.reports.facts import rating_facts
from edudesk.reports.models import Fact, Rating, RatingFollowUp, SatisfactionSetting
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
        rating = Rating.objects.create(ticket=ticket, score=score, comment=comment.strip()[:2000],
                                       rated_at=now, changed_at=now)
    else:
        Fact.objects.bulk_create(rating_facts(counted, score, rating.rated_at))
        rating.score, rating.comment, rating.changed_at = score, comment.strip()[:2000], now
        rating.save()
    _follow_up(rating, now)
    return rating


def _follow_up(rating: Rating, now: datetime) -> None:
    """A low score opens a follow-up (one open per rating) and tells the supervisors after
    commit; a score raised above LOW closes the open one."""
    open_one = RatingFollowUp.objects.filter(rating=rating, state=RatingFollowUp.State.OPEN)
    if rating.score > LOW:
        open_one.update(state=RatingFollowUp.State.DONE, closed_at=now, note=_(
            "Заявитель изменил оценку на %(score)s.") % {"score": rating.score})
        return
    if open_one.update(score=rating.score):
        return
    follow_up = RatingFollowUp.objects.create(rating=rating, score=rating.score, opened_at=now)
    transaction.on_commit(lambda: notify_supervisors(follow_up.pk))


def service_supervisors(service_id: int):
    """Who hears of a low rating: the service's supervisors and its lines' supervisors."""
    from edudesk.accounts.models import User

    return (User.objects.filter(Q(services=service_id) | Q(supervised_groups__service_id=service_id),
                                kind=User.Kind.SUPERVISOR, is_active=True)
            .exclude(email="").distinct().order_by("id"))


def notify_supervisors(follow_up_id: int) -> int:
    """Mail each supervisor of the service about the low rating; how many mails were queued."""
    from edudesk.mail.staff_notices import desk_url, send_low_rating

    follow_up = (RatingFollowUp.objects.select_related(
        "rating__ticket__service", "rating__ticket__group", "rating__ticket__assignee")
        .filter(pk=follow_up_id).first())
    if follow_up is None:
        return 0
    ticket = follow_up.rating.ticket

    def context() -> dict:
        return {"score": follow_up.score, "comment": follow_up.rating.comment,
                "group": ticket.group.name if ticket.group_id else "—",
                "assignee": str(ticket.assignee) if ticket.assignee_id else "—",
                "desk_url": desk_url(ticket),
                "follow_ups_url": settings.SITE_URL + reverse("reports:follow_ups")}

    return sum(1 for user in service_supervisors(ticket.service_id)
               if send_low_rating(user, ticket, context) is not None)


def open_follow_ups(service_ids, limit: int = 20):
    """Low ratings not yet looked into, newest first."""
    return (RatingFollowUp.objects.filter(rating__ticket__service_id__in=service_ids,
                                          state=RatingFollowUp.State.OPEN)
            .select_related("rating__ticket").order_by("-opened_at", "-id")[:limit])


def closed_follow_ups(service_ids, limit: int = 50):
    return (RatingFollowUp.objects.filter(rating__ticket__service_id__in=service_ids,
                                          state=RatingFollowUp.State.DONE)
            .select_related("rating__ticket", "closed_by").order_by("-closed_at", "-id")[:limit])


def close_follow_up(follow_up_id: int, user, note: str, now: datetime | None = None) -> None:
    """Close an open follow-up of a service this supervisor serves, with what was done."""
    note = note.strip()[:2000]
    if not note:
        raise RatingRefused(_("Напишите, что сделано по оценке: без этого разбор не закрыть."))
    closed = RatingFollowUp.objects.filter(
        pk=follow_up_id, state=RatingFollowUp.State.OPEN,
        rating__ticket__service_id__in=user.served_service_ids(),
    ).update(state=RatingFollowUp.State.DONE, closed_at=now or timezone.now(), closed_by=user,
             note=note)
    if not closed:
        raise RatingRefused(_("Этот разбор уже закрыт или вам недоступен."))
