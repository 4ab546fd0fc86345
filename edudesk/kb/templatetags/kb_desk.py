"""The knowledge base beside other desk pages: the articles a ticket search's words find."""

from django import template

from edudesk.kb import search

register = template.Library()

SHOWN = 5


@register.inclusion_tag("kb/partials/search_articles.html", takes_context=True)
def kb_articles_for(context, query: str):
    """Articles of the agent's services matching the desk search (drafts and internal ones too)."""
    user = context["request"].user
    found = (search.search(query, user.served_service_ids(), public_only=False, limit=SHOWN)
             if (query or "").strip() else [])
    return {"found": found, "query": query}
