"""An article's Markdown as safe HTML: rendered by markdown-it (CommonMark and tables, raw HTML
switched off) and then sanitised by nh3, so that neither a typo nor a pasted script reaches a
customer's page."""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "del",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"},
                      "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_renderer.enable("table").enable("strikethrough")
# An article's headings start at h2: the page's h1 is the article's title.
_HEADING = re.compile(r"<(/?)h1>")


def render(text: str) -> str:
    html = _HEADING.sub(r"<\1h2>", _renderer.render(text or ""))
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel="noopener noreferrer nofollow")


_MARKUP = re.compile(r"[`*_#>|~\[\]]+|\((https?://|/)[^)]*\)|^\s*[-+]\s+|^\s*\d+\.\s+", re.MULTILINE)


def plain(text: str) -> str:
    """The Markdown without its markup: for search, summaries and text inserted into replies."""
    text = re.sub(r"[ \t]+", " ", _MARKUP.sub(" ", text or ""))
    return re.sub(r"\s*\n\s*", "\n", text).strip()
