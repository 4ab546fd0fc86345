"""Finding articles: the agent's search box, the portal's help search and the suggestions
beside the request form.

One scorer for all of them, the one that finds repeats and mass incidents
(``intake.similarity``): Russian lemmas with a verb's aspect pair read as one word
(«сохранилась» / «сохраняются»), character 4-grams that survive typos, and the service's
term weights, so that what every request says («электронный журнал») decides nothing. It runs
in Python over the articles' stored text, the same on SQLite and PostgreSQL; a service's
articles number in the hundreds, and beyond ``MAX_SCORED`` only those sharing the beginning
of a query's word are scored.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from edudesk.intake import term_weights
from edudesk.intake.similarity import scored
from edudesk.kb.models import Article
from edudesk.search import lemmas

MAX_SCORED = 400
# A search lists what reads at all like the query; a suggestion must read clearly like it.
SEARCH_FLOOR = 0.04
SUGGEST_THRESHOLD = 0.075
SUGGESTED = 3
# Fewer letters than this say too little about a request to suggest anything.
SUGGEST_MIN_LETTERS = 12
PREFIX = 5


def published(service_ids: Iterable[int], *, public_only: bool) -> QuerySet[Article]:
    articles = Article.objects.filter(service_id__in=list(service_ids),
                                      status=Article.Status.PUBLISHED)
    if public_only:
        articles = articles.filter(visibility=Article.Visibility.PUBLIC)
    return articles


def _candidates(articles: QuerySet[Article], text: str) -> list[tuple[int, str]]:
    rows = list(articles.order_by("-updated_at", "-id").values_list("pk", "search_text")[:MAX_SCORED + 1])
    if len(rows) <= MAX_SCORED:
        return rows
    shared = Q()
    for word in {w[:PREFIX] for w in lemmas.words(text) if len(w) >= 3}:
        shared |= Q(search_text__contains=word)
    if not shared:
        return []
    return list(articles.filter(shared).order_by("-updated_at", "-id")
                .values_list("pk", "search_text")[:MAX_SCORED])


def ranked(articles: QuerySet[Article], text: str, *, floor: float, limit: int,
           service_id: int | None = None) -> list[Article]:
    """The articles that read like ``text``, best first, each with its ``score``."""
    text = " ".join((text or "").split())[:2000]
    if not lemmas.words(text):
        return []
    weights = term_weights.for_service(service_id) if service_id else None
    matches = [m for m in scored(text, _candidates(articles, text), weights=weights)
               if m.score >= floor][:limit]
    found = articles.select_related("service", "category").in_bulk([m.key for m in matches])
    result = []
    for match in matches:
        article = found[match.key]
        article.score = match.score
        result.append(article)
    return result


def search(query: str, service_ids: Iterable[int], *, public_only: bool, limit: int = 30,
           drafts: bool = False) -> list[Article]:
    """Articles of these services for a search box (customers: public and published only)."""
    service_ids = list(service_ids)
    articles = (Article.objects.filter(service_id__in=service_ids) if drafts
                else published(service_ids, public_only=public_only))
    return ranked(articles, query, floor=SEARCH_FLOOR, limit=limit,
                  service_id=service_ids[0] if len(service_ids) == 1 else None)


def suggest(service, text: str) -> list[Article]:
    """Public articles offered beside the request form while the customer describes a problem."""
    if sum(ch.isalpha() for ch in text or "") < SUGGEST_MIN_LETTERS:
        return []
    return ranked(published([service.pk], public_only=True), text, floor=SUGGEST_THRESHOLD,
                  limit=SUGGESTED, service_id=service.pk)
