"""The desk's knowledge base: the list with search, an article, writing and editing one (also
from a good answer in a ticket), its history; and the composer's article picker."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edudesk.desk.access import agent_required, get_ticket, served_services, ticket_scope
from edudesk.kb import markdown, search, services
from edudesk.kb.forms import ArticleForm
from edudesk.kb.models import Article
from edudesk.tickets.models import Message

LISTED = 200


def get_article(user, pk: int) -> Article:
    """The article if this agent serves its service; otherwise a 404."""
    article = (Article.objects.select_related("service", "category", "created_by", "updated_by")
               .filter(pk=pk, service_id__in=user.served_service_ids()).first())
    if article is None:
        raise Http404
    return article


@agent_required
def article_list(request):
    query = " ".join(request.GET.get("q", "").split())[:200]
    service_ids = [s.pk for s in served_services(request.user)]
    if query:
        articles = search.search(query, service_ids, public_only=False, drafts=True, limit=LISTED)
    else:
        articles = (Article.objects.filter(service_id__in=service_ids)
                    .select_related("service", "category")
                    .order_by("service__name", "category__position", "category__name", "title")[:LISTED])
    return render(request, "kb/desk_list.html", {"articles": articles, "kb_query": query})


@agent_required
def article_view(request, pk: int):
    article = get_article(request.user, pk)
    return render(request, "kb/desk_article.html", {
        "article": article, "revisions_count": article.revisions.count()})


def _data(form: ArticleForm) -> services.ArticleData:
    cleaned = form.cleaned_data
    return services.ArticleData(
        service_id=cleaned["service"].pk, title=cleaned["title"], body=cleaned["body"],
        category=form.chosen_category(), visibility=cleaned["visibility"], status=cleaned["status"])


def _edit(request, article: Article | None, initial: dict, source: Message | None = None):
    services_qs = served_services(request.user)
    form = ArticleForm(request.POST if request.method == "POST" else None, services=services_qs,
                       initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = services.save_article(request.user, _data(form), article)
        messages.success(request, _("Статья сохранена."))
        return redirect("kb:article", pk=saved.pk)
    return render(request, "kb/desk_edit.html", {"form": form, "article": article, "source": source},
                  status=400 if request.method == "POST" else 200)


@agent_required
def article_new(request):
    """A new article; from a good answer in a ticket (``?message=``) its form comes filled in."""
    services_qs = served_services(request.user)
    initial = {"service": services_qs.first(), "visibility": Article.Visibility.PUBLIC,
               "status": Article.Status.DRAFT}
    source = _answer(request.user, request.GET.get("message", ""))
    if source is not None:
        initial.update(service=source.ticket.service, title=source.ticket.subject, body=source.body)
    return _edit(request, None, initial, source=source)


def _answer(user, message_id: str) -> Message | None:
    """An agent's public answer in a ticket this agent may see."""
    if not message_id.isdigit():
        return None
    return (Message.objects.select_related("ticket", "ticket__service")
            .filter(pk=int(message_id), kind=Message.Kind.PUBLIC, author_user__isnull=False,
                    ticket__in=ticket_scope(user)).first())


@agent_required
def article_edit(request, pk: int):
    article = get_article(request.user, pk)
    return _edit(request, article, {
        "service": article.service, "category": article.category, "title": article.title,
        "body": article.body, "visibility": article.visibility, "status": article.status})


@agent_required
def article_history(request, pk: int):
    article = get_article(request.user, pk)
    return render(request, "kb/desk_history.html", {
        "article": article, "revisions": article.revisions.select_related("author")[:100]})


# --- the composer: find an article, put its link or its text into the reply -------------------

PICKED = 8


@agent_required
def pick(request, number: str):
    """Articles of the ticket's service matching what the agent typed (the composer's picker)."""
    ticket = get_ticket(request.user, number)
    query = request.GET.get("kb_q", "")
    found = (search.search(query, [ticket.service_id], public_only=False, limit=PICKED)
             if query.strip() else [])
    return render(request, "kb/partials/picker_results.html",
                  {"ticket": ticket, "found": found, "kb_query": query})


@agent_required
@require_POST
def insert(request, number: str):
    """The composer's text with the article's public link, or its text, appended."""
    ticket = get_ticket(request.user, number)
    article = (search.published([ticket.service_id], public_only=False)
               .filter(pk=request.POST.get("article") or 0).first())
    body = request.POST.get("body") or ""
    if article is not None:
        addition = reply_text(request, article, as_link=request.POST.get("as") == "link")
        if addition:
            body = f"{body.rstrip()}\n\n{addition}" if body.strip() else addition
    return render(request, "desk/partials/composer_body.html", {
        "body": body, "presence_url": reverse("desk:presence", args=[ticket.number])})


def reply_text(request, article: Article, *, as_link: bool) -> str:
    """What goes into a reply: the public article's address, or the article as plain text.
    An internal article has no address a customer could open: only its text is offered."""
    if as_link:
        if not article.is_public:
            return ""
        url = request.build_absolute_uri(
            reverse("kb_public:article", args=[article.service.code, article.pk]))
        return f"{article.title}: {url}"
    return f"{article.title}\n\n{markdown.plain(article.body)}"
