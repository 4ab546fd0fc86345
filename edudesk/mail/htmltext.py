"""HTML from mail: readable plain text for tickets and search, sanitised HTML for display."""

from __future__ import annotations

import re
from collections.abc import Mapping
from html.parser import HTMLParser
from urllib.parse import quote, unquote

import nh3

_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "div", "dl", "dt", "dd", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tr", "ul",
}
_SKIPPED_TAGS = {"head", "script", "style", "title", "template", "noscript", "xml"}
_VOID_TAGS = {"br", "hr", "img", "meta", "link", "input", "col", "area", "base", "wbr", "source"}

# Tags and attributes a mail may keep when shown to agents and customers.
_ALLOWED_TAGS = set(nh3.ALLOWED_TAGS) | {"font"}
_ALLOWED_ATTRIBUTES = {
    "*": {"title", "lang", "dir", "align"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "font": {"color"},
    "ol": {"start"},
}
_URL_SCHEMES = {"http", "https", "mailto", "tel"}
_URL_ATTRIBUTES = {"href", "src"}
# Inline images («cid:» links) are stored as the ticket's attachments (картинкаN). The stored
# HTML names them by file name under this scheme; the page showing the HTML resolves each
# to its own permission-checked attachment URL (see ``resolve_inline_images``).
INLINE_SCHEME = "edudesk-inline"
_INLINE_PREFIX = f"{INLINE_SCHEME}:"


class _TextExtractor(HTMLParser):
    """Collects text with line breaks where the blocks were, quoting <blockquote> with '>'."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.skip_depth = 0
        self.quote_depth = 0
        self.pre_depth = 0
        self.link_href: str | None = None
        self.link_text: list[str] = []

    def _break(self) -> None:
        if self.lines[-1].strip():
            self.lines.append("")
        else:
            self.lines[-1] = ""

    def _write(self, text: str) -> None:
        if not self.lines[-1] and self.quote_depth:
            self.lines[-1] = "> " * self.quote_depth
        self.lines[-1] += text
        if self.link_href is not None:
            self.link_text.append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self.skip_depth += 1
            return
        if tag == "br":
            self.lines.append("")
        elif tag in _BLOCK_TAGS:
            self._break()
            if tag == "blockquote":
                self.quote_depth += 1
            elif tag == "pre":
                self.pre_depth += 1
            elif tag == "li":
                self._write("- ")
        elif tag == "a":
            self.link_href = dict(attrs).get("href") or None
            self.link_text = []
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self._write(f"[{alt}]")
        elif tag in {"td", "th"} and self.lines[-1].strip():
            self._write("\t")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if tag == "a" and self.link_href is not None:
            href, shown = self.link_href, "".join(self.link_text).strip()
            self.link_href = None
            if href.startswith(("http://", "https://")) and href not in shown:
                self._write(f" ({href})")
        elif tag in _BLOCK_TAGS:
            if tag == "blockquote":
                self.quote_depth = max(0, self.quote_depth - 1)
            elif tag == "pre":
                self.pre_depth = max(0, self.pre_depth - 1)
            self._break()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID_TAGS:
            self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        if self.pre_depth:
            first, *rest = data.split("\n")
            self._write(first)
            for line in rest:
                self.lines.append("")
                self._write(line)
            return
        text = re.sub(r"\s+", " ", data.replace("\u00a0", " "))
        if not self.lines[-1].strip() or self.lines[-1].endswith("> "):
            text = text.lstrip()
        if text:
            self._write(text)


def html_to_text(html: str) -> str:
    """Readable plain text of an HTML mail body: paragraphs, line breaks, lists, quotes, links."""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    lines = [line.rstrip() for line in extractor.lines]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def _clean(html: str, *, extra_scheme: str, attribute_filter, url_relative) -> str:
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        clean_content_tags={"script", "style", "title", "head"},
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=_URL_SCHEMES | {extra_scheme},
        link_rel="noopener noreferrer nofollow",
        attribute_filter=attribute_filter,
        url_relative=url_relative,
    ).strip()


def _content_id(url: str) -> str:
    return unquote(url[4:]).strip().strip("<>")


def sanitise_html(html: str, inline_images: Mapping[str, str] | None = None) -> str:
    """HTML safe to show in the desk and portal: no scripts, styles, handlers, foreign schemes
    or relative links (a mail has no base: they would point into edudesk itself).

    ``inline_images`` maps the mail's Content-IDs to its file names: ``<img src="cid:…">`` of
    one of them becomes a reference to that file; any other ``cid:`` link is dropped (the
    image's alt text stays).
    """
    names = dict(inline_images or {})

    def attribute_filter(tag: str, attribute: str, value: str) -> str | None:
        if attribute not in _URL_ATTRIBUTES:
            return value
        if value[:4].lower() == "cid:":
            name = names.get(_content_id(value)) if (tag, attribute) == ("img", "src") else None
            return _INLINE_PREFIX + quote(name[:255], safe="") if name else None
        if value.startswith(_INLINE_PREFIX):
            return None  # written by the mail's author, not by us
        return value

    return _clean(html, extra_scheme="cid", attribute_filter=attribute_filter, url_relative="deny")


def resolve_inline_images(html: str, urls_by_name: Mapping[str, str]) -> str:
    """Stored mail HTML for display: inline images point to the attachment URLs given (by the
    attachment's original file name); no other relative URL is let through."""
    allowed = set(urls_by_name.values())

    def attribute_filter(tag: str, attribute: str, value: str) -> str | None:
        if attribute in _URL_ATTRIBUTES and value.startswith(_INLINE_PREFIX):
            if (tag, attribute) != ("img", "src"):
                return None
            return urls_by_name.get(unquote(value[len(_INLINE_PREFIX):]))
        return value

    return _clean(html, extra_scheme=INLINE_SCHEME, attribute_filter=attribute_filter,
                  url_relative=lambda url: url if url in allowed else None)


def without_remote_images(html: str) -> tuple[str, int]:
    """Sanitised mail HTML with its remote images (``http(s)://`` sources) removed, and how many
    there were. Loading them would tell the sender when, and from where, the mail was read
    (tracking pixels); the desk shows them only when an agent asks, per message."""
    blocked = 0

    def attribute_filter(tag: str, attribute: str, value: str) -> str | None:
        nonlocal blocked
        if (tag, attribute) == ("img", "src") and value.lower().startswith(("http:", "https:", "//")):
            blocked += 1
            return None
        return value

    cleaned = _clean(html, extra_scheme=INLINE_SCHEME, attribute_filter=attribute_filter,
                     url_relative="deny")
    return cleaned, blocked
