"""How many requests the knowledge base answered: «Это помогло» per service and per article over
a period, beside the tickets the service registered (the share of requests that ended at an
article)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count

from edudesk.kb.models import Deflection
from edudesk.tickets.models import Ticket


@dataclass(frozen=True)
class ServiceFigure:
    service: object
    deflected: int
    tickets: int

    @property
    def share(self) -> float | None:
        """Of the requests begun on a form, the part an article answered (web and widget)."""
        total = self.deflected + self.tickets
        return round(100 * self.deflected / total, 1) if total else None


def figures(services, since: datetime, until: datetime):
    """Per service (deflections, tickets from the web form and widget) and the articles, most
    helpful first. Costs three queries whatever the number of events."""
    services = list(services)
    ids = [s.pk for s in services]
    deflections = Deflection.objects.filter(service_id__in=ids, created_at__gte=since,
                                            created_at__lt=until)
    deflected = dict(deflections.values_list("service_id").annotate(n=Count("id")))
    tickets = dict(Ticket.objects.filter(service_id__in=ids, created_at__gte=since,
                                         created_at__lt=until, channel__in=["web", "widget"])
                   .values_list("service_id").annotate(n=Count("id")))
    per_service = [ServiceFigure(s, deflected.get(s.pk, 0), tickets.get(s.pk, 0)) for s in services]
    articles = (deflections.values("article_id", "article__title", "service__name")
                .annotate(n=Count("id")).order_by("-n", "article__title")[:50])
    return per_service, list(articles)
