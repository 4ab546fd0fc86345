"""«Одна заявка — одна проблема»: find several distinct problems in one request, and split them.

A request is a candidate for splitting when it holds a numbered or bulleted list (one item per
line, or inline «1) … 2) …») whose items read as separate problems: each says something is
wrong (a negated verb, «ошибка», «не работает», «пропал» …), they do not repeat each other,
and the list is not introduced as the steps to reproduce one problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from edudesk.intake.similarity import morph_analyzer, similarity

MIN_ITEM_WORDS = 3
# Items this similar describe the same problem twice rather than two problems.
SAME_PROBLEM_SCORE = 0.6
SUBJECT_LENGTH = 80

_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?:(?P<number>\d{1,2})[.)]|(?P<bullet>[-*•·—–]))\s+(?P<body>\S.*)$")
# Inline items: «1) …» after a space or punctuation; «1. …» only after «:» or «;», because
# «1. ноября» inside a sentence is a date, not an item.
_INLINE_NUMBER = re.compile(
    r"(?:(?:^|(?<=[\s;:,]))(?P<number>\d{1,2})\)|(?:^|(?<=[:;])\s*)(?P<dotted>\d{1,2})\.)\s+"
)
_STEPS_HEADING = re.compile(
    r"(шаг|порядок действий|последовательность|воспроизве|как повторить|что делаю|делаю так|"
    r"действия)[^\n]*[:\-—]?\s*$",
    re.IGNORECASE,
)
_PROBLEM_WORDS = re.compile(
    r"(ошибк|не\s+работа|невозможно|нельзя|не\s+получается|не\s+удается|не\s+удаётся|пропал|"
    r"исчез|сбой|завис|неправильн|неверн|некорректн|пуст(ой|ая|ое)|белый экран|вылета|"
    r"не\s+отображ|не\s+открыва|не\s+сохраня|не\s+загружа|не\s+приход|не\s+виден|не\s+видн|"
    r"долго|медленно|не\s+могу|не\s+может|не\s+могут)",
    re.IGNORECASE,
)
_NEGATABLE = {"VERB", "INFN", "PRTS", "PRTF", "ADJS", "GRND"}


@dataclass(frozen=True)
class ProblemSplit:
    intro: str
    items: tuple[str, ...]
    outro: str

    def ticket_texts(self) -> list[str]:
        """One text per problem, each keeping the request's greeting and signature."""
        return [
            "\n\n".join(part for part in (self.intro, item, self.outro) if part)
            for item in self.items
        ]

    def subjects(self) -> list[str]:
        return [_subject(item) for item in self.items]


def detect_problems(text: str) -> ProblemSplit | None:
    """The request split into its problems, or None when it reads as one problem."""
    split = _line_list(text) or _inline_list(text)
    if split is None or len(split.items) < 2:
        return None
    if _STEPS_HEADING.search(split.intro):
        return None
    if not all(_reads_as_problem(item) for item in split.items):
        return None
    for index, item in enumerate(split.items):
        for other in split.items[index + 1 :]:
            if similarity(item, other) >= SAME_PROBLEM_SCORE:
                return None
    return split


def _line_list(text: str) -> ProblemSplit | None:
    lines = text.replace("\r\n", "\n").split("\n")
    intro: list[str] = []
    items: list[list[str]] = []
    outro: list[str] = []
    style: tuple[str, bool] | None = None  # (indent, numbered) of the top-level items
    previous_blank = False
    for line in lines:
        match = _ITEM.match(line)
        if outro:
            outro.append(line)
        elif match and (style is None or style == _style(match)):
            style = style or _style(match)
            items.append([match["body"].strip()])
        elif not items:
            intro.append(line)
        elif previous_blank and line.strip() and not line[:1].isspace() and not match:
            outro.append(line)
        elif line.strip():
            items[-1].append(line.strip())
        previous_blank = not line.strip()
    if len(items) < 2:
        return None
    return ProblemSplit(
        intro="\n".join(intro).strip(),
        items=tuple(" ".join(item).strip() for item in items),
        outro="\n".join(outro).strip(),
    )


def _style(match: re.Match[str]) -> tuple[str, bool]:
    return match["indent"], match["number"] is not None


def _inline_list(text: str) -> ProblemSplit | None:
    """«1) не открывается журнал; 2) пропали оценки» — numbers must run 1, 2, 3 …"""
    markers = []
    expected = 1
    for match in _INLINE_NUMBER.finditer(text):
        if int(match["number"] or match["dotted"]) == expected:
            markers.append(match)
            expected += 1
    if len(markers) < 2:
        return None
    bodies = []
    for index, marker in enumerate(markers):
        end = markers[index + 1].start() if index + 1 < len(markers) else len(text)
        bodies.append(text[marker.end() : end].strip().rstrip(";,").strip())
    return ProblemSplit(intro=text[: markers[0].start()].strip(), items=tuple(bodies), outro="")


def _reads_as_problem(item: str) -> bool:
    words = re.findall(r"\w+", item)
    if len(words) < MIN_ITEM_WORDS:
        return False
    return bool(_PROBLEM_WORDS.search(item)) or _has_negated_verb(words)


def _has_negated_verb(words: list[str]) -> bool:
    lowered = [word.lower() for word in words]
    return any(
        word in ("не", "нет") and following and _is_verb_like(following)
        for word, following in zip(lowered, [*lowered[1:], ""], strict=True)
    )


@lru_cache(maxsize=10_000)
def _is_verb_like(word: str) -> bool:
    return morph_analyzer().parse(word)[0].tag.POS in _NEGATABLE


def _subject(item: str) -> str:
    first_line = item.split("\n")[0].strip().rstrip(".;,")
    if len(first_line) <= SUBJECT_LENGTH:
        return first_line
    return first_line[: SUBJECT_LENGTH - 1].rsplit(" ", 1)[0] + "…"
