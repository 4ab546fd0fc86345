"""Finding the new part of a follow-up: quoted history and signatures cut away.

Only the text shown on the ticket is shortened; the full original stays with the
message. Recognised history markers are the ones Russian users' programs write:
Gmail/Thunderbird/Apple ("On ... wrote:"), Yandex and Mail.ru ("... пишет:",
"... от Имя <адрес>:"), Outlook ("-----Original Message-----", "-----Исходное
сообщение-----", and the "From:/Sent:" or "От:/Отправлено:" header block), and
lines quoted with ">".
"""

from __future__ import annotations

import re

_SEPARATOR = re.compile(
    r"^\s*-{2,}\s*(original message|исходное сообщение|оригинальное сообщение)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_ATTRIBUTION = re.compile(
    r"(\bwrote:|\bпишет:|\bнаписал\(а\):|\bнаписала?:|@[^\s>]+>?\s*:)\s*$", re.IGNORECASE
)
_ATTRIBUTION_START = re.compile(r"^\s*(on\s|\d|\w+,\s|\w+\s\d)", re.IGNORECASE)
_HEADER_FROM = re.compile(r"^\s*\*?(from|от|отправитель)\s*:\*?\s", re.IGNORECASE)
_HEADER_FOLLOWING = re.compile(
    r"^\s*\*?(sent|date|to|subject|cc|отправлено|дата|кому|тема|копия)\s*:", re.IGNORECASE
)
_UNDERSCORE_RULE = re.compile(r"^\s*_{10,}\s*$")
_SIGNATURE = re.compile(r"^-- ?$")
_MOBILE_FOOTER = re.compile(
    r"^\s*(sent from my \w+|отправлено (с|из) .{1,60}|get outlook for \w+)\s*$", re.IGNORECASE
)
_QUOTED = re.compile(r"^\s*>")


def _is_attribution(lines: list[str], index: int) -> bool:
    """An "On <date>, <someone> wrote:" line, possibly wrapped over two lines."""
    line = lines[index].strip()
    if not line:
        return False
    joined = line
    if not _ATTRIBUTION.search(line) and index + 1 < len(lines):
        joined = f"{line} {lines[index + 1].strip()}"
    if not _ATTRIBUTION.search(joined) or len(joined) > 300:
        return False
    # "Мой коллега пишет:" is content; an attribution carries a date or an address.
    has_date_or_address = "@" in joined or bool(re.search(r"\d", joined))
    return has_date_or_address and bool(_ATTRIBUTION_START.match(joined))


def _is_outlook_header_block(lines: list[str], index: int) -> bool:
    """A "From:" / "От:" line followed within four lines by Sent/To/Subject-style headers."""
    if not _HEADER_FROM.match(lines[index]):
        return False
    following = lines[index + 1 : index + 5]
    return sum(1 for line in following if _HEADER_FOLLOWING.match(line)) >= 2


def _history_start(lines: list[str]) -> int | None:
    for index, line in enumerate(lines):
        if _SEPARATOR.match(line) or _is_outlook_header_block(lines, index):
            if index and _UNDERSCORE_RULE.match(lines[index - 1]):
                return index - 1
            return index
        if _UNDERSCORE_RULE.match(line) and index + 1 < len(lines) and (
            _is_outlook_header_block(lines, index + 1)
        ):
            return index
        if _is_attribution(lines, index):
            return index
    return None


def _strip_trailing(lines: list[str]) -> list[str]:
    """Drop a trailing block of '>' quotes, a '-- ' signature and "sent from my phone" lines."""
    lines = list(lines)
    for index, line in enumerate(lines):
        if _SIGNATURE.match(line):
            lines = lines[:index]
            break
    while lines and (not lines[-1].strip() or _QUOTED.match(lines[-1])
                     or _MOBILE_FOOTER.match(lines[-1])):
        lines.pop()
    return lines


def strip_quoted_history(text: str) -> str:
    """The new text a person wrote above (or between) the quotes, without signature.

    Falls back to the whole text when stripping would leave nothing, so a reply
    that is only a quote is never shown empty.
    """
    lines = text.replace("\r\n", "\n").split("\n")
    start = _history_start(lines)
    if start is not None:
        lines = lines[:start]
    lines = _strip_trailing(lines)
    stripped = "\n".join(lines).strip()
    return stripped or text.strip()
