"""The portal's help section (/support/<service>/help/): public articles by category, an
article, search; the suggestions beside the request form (JSON) and «Это помогло»."""

from __future__ import annotations

from itertools import groupby

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from edudesk.kb import markdown, search, services
from edudesk.kb.models import Article
from edudesk.portal import auth
from edudesk.portal.visitor import widget_visitor
from edudesk.security import throttle
from edudesk.security.framing import framed_by_service_lms
from edudesk.tickets.models import Channel

# The description typed so far; more says nothing more about which article fits.
MAX_TYPED = 2000


def _public_article(service, pk: int) -> Article:
    article = (search.published([service.pk], public_only=True).select_related("category")
               .filter(pk=pk).first())
    if article is None:
        raise Http404
    return article


def help_index(request, service: str):
    service_obj = auth.active_service(service)
    query = " ".join(request.GET.get("q", "").split())[:200]
    context = {"service": service_obj, "kb_query": query}
    if query:
        context["found"] = search.search(query, [service_obj.pk], public_only=True, limit=20)
    else:
        articles = (search.published([service_obj.pk], public_only=True).select_related("category")
                    .order_by("category__position", "category__name", "title"))
        context["sections"] = [(category, list(items)) for category, items
                               in groupby(articles, key=lambda a: a.category)]
    return render(request, "kb/help_index.html", context)


def help_article(request, service: str, pk: int):
    service_obj = auth.active_service(service)
    return render(request, "kb/help_article.html",
                  {"service": service_obj, "article": _public_article(service_obj, pk)})


@framed_by_service_lms
@require_GET
def suggest(request, service: str):
    """Public articles matching the description typed so far, for the form and the widget."""
    service_obj = auth.active_service(service)
    retry_after = throttle.kb_request(request, service_obj)
    if retry_after is not None:  # the form simply shows no suggestion
        response = JsonResponse({"articles": []}, status=429)
        response["Retry-After"] = str(retry_after)
        return response
    found = search.suggest(service_obj, request.GET.get("text", "")[:MAX_TYPED])
    return JsonResponse({"articles": [
        {"id": a.pk, "title": a.title, "summary": _summary(a),
         "url": reverse("kb_public:article", args=[service_obj.code, a.pk])} for a in found]})


def _summary(article: Article, length: int = 160) -> str:
    text = " ".join(markdown.plain(article.body).split())
    return text if len(text) <= length else text[:length].rsplit(" ", 1)[0] + "…"


@require_POST
def helped(request, service: str, pk: int):
    """«Это помогло» on the web form: counted; the request ends here, no ticket."""
    service_obj = auth.active_service(service)
    return _helped(request, service_obj, _public_article(service_obj, pk), Channel.WEB)


@csrf_exempt  # protected by the signed widget session, as the widget's form is
@framed_by_service_lms
@require_POST
def widget_helped(request, service: str, pk: int):
    service_obj = auth.active_service(service)
    visitor = widget_visitor(service_obj, request.POST.get("widget_session", ""))
    if visitor is None:
        raise Http404
    return _helped(request, service_obj, _public_article(service_obj, pk), Channel.WIDGET,
                   widget=True)


def _helped(request, service, article: Article, channel: str, widget: bool = False):
    retry_after = throttle.kb_request(request, service)
    if retry_after is not None:
        return throttle.too_many(request, throttle.kb_message(retry_after), retry_after, service)
    services.record_deflection(article, channel)
    return render(request, "kb/helped.html",
                  {"service": service, "article": article, "widget": widget})
