"""The only functions that write articles and deflections.

``save_article`` keeps the version it replaces (``ArticleRevision``) in the same transaction,
and refuses an author who does not serve the article's service, whoever calls it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from edudesk.kb import markdown
from edudesk.kb.models import Article, ArticleRevision, Category, Deflection
from edudesk.search import lemmas


@dataclass(frozen=True)
class ArticleData:
    service_id: int
    title: str
    body: str
    category: Category | None = None
    visibility: str = Article.Visibility.PUBLIC
    status: str = Article.Status.DRAFT


def search_text(title: str, body: str) -> str:
    """What article search compares: the title and the text without Markdown, folded."""
    return lemmas.fold(f"{title}\n{markdown.plain(body)}")


def _may_write(user, service_id: int) -> bool:
    return bool(user and user.is_authenticated and user.is_active
                and service_id in user.served_service_ids())


@transaction.atomic
def save_article(user, data: ArticleData, article: Article | None = None, *, now=None) -> Article:
    """Create an article, or change one keeping its previous version with its author and time."""
    now = now or timezone.now()
    if not _may_write(user, data.service_id) or (
            article is not None and not _may_write(user, article.service_id)):
        raise PermissionDenied
    if data.category is not None and data.category.service_id != data.service_id:
        raise ValueError("category of another service")
    if article is None:
        article = Article(created_at=now, created_by=user)
    else:
        article = (Article.objects.select_for_update(of=("self",)).select_related("category")
                   .get(pk=article.pk))
        ArticleRevision.objects.create(
            article=article, title=article.title, body=article.body,
            category_name=article.category.name if article.category else "",
            visibility=article.visibility, status=article.status,
            author=article.updated_by, written_at=article.updated_at, replaced_at=now)
    article.service_id = data.service_id
    article.category = data.category
    article.title = data.title.strip()
    article.body = data.body
    article.visibility = data.visibility
    article.status = data.status
    article.html = markdown.render(data.body)
    article.search_text = search_text(article.title, data.body)
    article.updated_at, article.updated_by = now, user
    article.save()
    return article


def record_deflection(article: Article, channel: str, *, now=None) -> Deflection:
    """«Это помогло» on a public article: one request the customer did not need to send."""
    if not article.is_public:
        raise PermissionDenied
    return Deflection.objects.create(article=article, service_id=article.service_id,
                                     channel=channel, created_at=now or timezone.now())
