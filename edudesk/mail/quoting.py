"""Finding the new part of a follow-up: quoted history and signatures cut away.

Only the text shown on the ticket is shortened; the full original stays with the
message. Recognised history markers are the ones Russian users' programs write:
Gmail/Thunderbird/Apple ("On ... wrote:", "… написал(а):", Gmail's "вт, 24 нояб. 2026 г. в
18:03, Имя <адрес>:"), Yandex and Mail.ru ("... пишет:", "... от Имя <адрес>:"), Yahoo
("--- On ... wrote:"), The Bat! ("Вы писали …:"), Outlook ("-----Original Message-----",
"-------- Исходное сообщение --------", and the "From:/Sent:" or "От:/Отправлено:/Кому:/Тема:"
header block, also when it starts with "Date:"/"Дата:"), and lines quoted with ">" — above
the answer (top posting) or below it (bottom posting). Mobile footers ("Отправлено с iPhone",
"Отправлено из мобильной Почты Mail.ru") and the "-- " signature go too. The corpus of
quoting styles is ``tests/mail/corpus/quoting``.
"""

from __future__ import annotations

import re

_SEPARATOR = re.compile(
    r"^\s*-{2,}\s*(original message|исходное сообщение|оригинальное сообщение|"
    r"начальное сообщение)\s*-{2,}\s*$",
    re.IGNORECASE,
)
# A forwarded mail pasted into the text: content of the message, not history, but not
# what its sender wrote either (``own_text``).
_FORWARD = re.compile(
    r"^\s*(-{2,}\s*(forwarded message|пересланное сообщение|пересылаемое сообщение|"
    r"перенаправленное сообщение|переадресованное сообщение)\s*-{2,}|"
    r"(begin forwarded message|начало переадресованного сообщения|"
    r"начало пересылаемого сообщения)\s*:)\s*$",
    re.IGNORECASE,
)
_ATTRIBUTION = re.compile(
    r"(\bwrote:|\bпишет:|\bнаписал\(а\):|\bнаписала?:|\bschrieb:|\ba écrit\s*:|\bescribió:|"
    r"@[^\s>]+>?\s*:)\s*$", re.IGNORECASE
)
# The line may open with Yahoo's "--- " and end its date on the next line.
_ATTRIBUTION_START = re.compile(r"^\s*(-{2,}\s*)?(on\s|am\s|le\s|el\s|\d|\w+,\s|\w+\s\d)",
                                re.IGNORECASE)
# The Bat!: "Вы писали 24 ноября 2026 г., 18:03:" / "You wrote on 24.11.2026 18:03:"
_YOU_WROTE = re.compile(r"^\s*(вы писали|you wrote)\b.{0,80}:\s*$", re.IGNORECASE)
_HEADER_FROM = re.compile(r"^\s*\*?(from|от|отправитель|von|de)\s*:\*?\s", re.IGNORECASE)
_HEADER_LINE = re.compile(
    r"^\s*\*?(from|sent|date|to|subject|cc|от|отправитель|отправлено|дата|кому|тема|копия|"
    r"von|gesendet|an|betreff|de|envoyé|à|objet)\s*:", re.IGNORECASE
)
_UNDERSCORE_RULE = re.compile(r"^\s*_{10,}\s*$")
_SIGNATURE = re.compile(r"^-- ?$")
_MOBILE_FOOTER = re.compile(
    r"^\s*(sent from (my )?.{1,60}|отправлено (с|из) .{1,60}|get outlook for \w+|"
    r"получить outlook для \w+|скачайте outlook для \w+|sent with .{1,40}|"
    r"(отправлено|послано) (с|из|через) .{1,60})\s*$",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"^\s*>")


def _is_attribution(lines: list[str], index: int) -> bool:
    """An "On <date>, <someone> wrote:" line, possibly wrapped over two lines."""
    line = lines[index].strip()
    if not line:
        return False
    if _YOU_WROTE.match(line):
        return True
    joined = line
    if not _ATTRIBUTION.search(line) and index + 1 < len(lines):
        joined = f"{line} {lines[index + 1].strip()}"
    if not _ATTRIBUTION.search(joined) or len(joined) > 300:
        return False
    # "Мой коллега пишет:" is content; an attribution carries a date or an address.
    has_date_or_address = "@" in joined or bool(re.search(r"\d", joined))
    return has_date_or_address and bool(_ATTRIBUTION_START.match(joined))


def _is_header_block(lines: list[str], index: int) -> bool:
    """A quoted mail's header block as Outlook, Apple Mail or webmail write it.

    "From:"/"От:" (or "Date:"/"Дата:", "Sent:"…) followed within four lines by two more
    header lines, one of them naming the sender: data lines such as "Дата: 23.11" are not.
    """
    if not _HEADER_LINE.match(lines[index]):
        return False
    block = lines[index : index + 5]
    headers = [line for line in block if _HEADER_LINE.match(line)]
    return len(headers) >= 3 and any(_HEADER_FROM.match(line) for line in headers)


def _history_start(lines: list[str]) -> int | None:
    for index, line in enumerate(lines):
        if _SEPARATOR.match(line) or _is_header_block(lines, index):
            if index and _UNDERSCORE_RULE.match(lines[index - 1]):
                return index - 1
            return index
        if _UNDERSCORE_RULE.match(line) and index + 1 < len(lines) and (
            _is_header_block(lines, index + 1)
        ):
            return index
        if _is_attribution(lines, index):
            return index
    return None


def _cut_signature(lines: list[str]) -> list[str]:
    for index, line in enumerate(lines):
        if _SIGNATURE.match(line):
            return lines[:index]
    return lines


def _strip_trailing(lines: list[str]) -> list[str]:
    """Drop a trailing block of '>' quotes, a '-- ' signature and "sent from my phone" lines."""
    lines = _cut_signature(list(lines))
    while lines and (not lines[-1].strip() or _QUOTED.match(lines[-1])
                     or _MOBILE_FOOTER.match(lines[-1])):
        lines.pop()
    return lines


def _is_quote_or_blank(line: str) -> bool:
    return not line.strip() or bool(_QUOTED.match(line))


def _attribution_length(lines: list[str], index: int) -> int:
    line = lines[index]
    return 1 if _ATTRIBUTION.search(line.strip()) or _YOU_WROTE.match(line) else 2


def _answer_below_quote(lines: list[str], index: int) -> list[str] | None:
    """The answer written below the '>' block that starts at ``index`` (bottom posting).

    None when there is no such block, nothing below it, or more quotes follow: several
    quoted blocks with answers between them are inline answers, and the questions stay.
    """
    while index < len(lines) and not lines[index].strip():
        index += 1
    if index >= len(lines) or not _QUOTED.match(lines[index]):
        return None
    while index < len(lines) and _is_quote_or_blank(lines[index]):
        index += 1
    answer = lines[index:]
    start = _history_start(answer)
    if start is not None:
        answer = answer[:start]
    kept = _strip_trailing(answer)
    if not any(line.strip() for line in kept) or any(_QUOTED.match(line) for line in kept):
        return None
    return answer


def _forwarded_from(lines: list[str], start: int) -> bool:
    """The header block at ``start`` opens a forwarded mail (content, not history)."""
    before = [line for line in lines[:start] if line.strip()]
    return bool(before) and bool(_FORWARD.match(before[-1]))


def _around_history(lines: list[str], start: int) -> list[str]:
    """The text above the history at ``start``, and the answer below its quote if any."""
    above = lines[:start]
    while above and not above[-1].strip():
        above.pop()
    if not _is_attribution(lines, start):
        return above
    after = lines[start + _attribution_length(lines, start):]
    below = _answer_below_quote(after, 0)
    if below is not None:
        return [*above, "", *below] if above else below
    if not above and any(line.strip() and not _QUOTED.match(line)
                         for line in _strip_trailing(after)):
        return after  # answers between the quotes: the questions stay for context
    return above


def strip_quoted_history(text: str) -> str:
    """The new text a person wrote above (or below, or between) the quotes, without signature.

    Falls back to the whole text when stripping would leave nothing, so a reply
    that is only a quote is never shown empty.
    """
    lines = text.replace("\r\n", "\n").split("\n")
    below = _answer_below_quote(lines, 0)
    if below is not None:
        lines = below
    start = _history_start(lines)
    if start is not None and not _forwarded_from(lines, start):
        lines = _around_history(lines, start)
    lines = _strip_trailing(lines)
    stripped = "\n".join(lines).strip()
    return stripped or text.strip()


def own_text(text: str) -> str:
    """What the sender wrote themselves: without quoted history and without forwarded mails."""
    lines = strip_quoted_history(text).split("\n")
    for index, line in enumerate(lines):
        if _FORWARD.match(line):
            return "\n".join(lines[:index]).strip()
    return "\n".join(lines).strip()
