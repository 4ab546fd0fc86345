"""«Одна заявка — одна проблема»: find several distinct problems in one request, and split them.

A request is a candidate for splitting when it holds a numbered or bulleted list (one item per
line, or inline «1) … 2) …»), or prose that counts or adds its problems («во-первых …
во-вторых», «также», «кроме того», «и ещё», «помимо этого»), whose items read as separate
problems or requests: each says something is wrong (a negated verb, «ошибка», «не работает»,
«пропал» …) or asks for something («подскажите», «прошу», a question), they do not repeat each
other — also not when only the people differ («у Ивановой … Также у Петрова …» is one fault
reported for two people) — and the list is not introduced as the steps to reproduce one problem.
A sentence that adds to the same problem («также пробовали в другом браузере — ошибка та же»,
«также прикладываю скриншот») stays with it. Greetings and sign-offs («Здравствуйте», «С
уважением, …», «Спасибо») are never items: each split ticket keeps them around its problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from edudesk.intake.similarity import morph_analyzer, similarity

MIN_ITEM_WORDS = 3
# Items this similar describe the same problem twice rather than two problems.
SAME_PROBLEM_SCORE = 0.25
SUBJECT_LENGTH = 80

_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?:(?P<number>\d{1,2})[.)]|(?P<bullet>[-*•·—–]))\s+(?P<body>\S.*)$")
# Inline items: «1) …» after a space or punctuation; «1. …» only after «:» or «;», or after the
# end of a sentence and before a capital letter, because «1. ноября» inside a sentence is a
# date, not an item.
_INLINE_NUMBER = re.compile(
    r"(?:(?:^|(?<=[\s;:,]))(?P<number>\d{1,2})\)|(?:^|(?<=[:;])\s*)(?P<dotted>\d{1,2})\.)\s+"
    r"|(?:(?<=[.!?]\s)|^)(?P<sentence>\d{1,2})\.\s+(?=[А-ЯЁA-Z«\"])"
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
    r"долго|медленно|не\s+могу|не\s+может|не\s+могут|\bвисит|жалу[ею]тся|(?:^|\s)нет\s+\w|"
    r"(?:ч[её]рный|серый)\s+экран|\bвместо\b)",
    re.IGNORECASE,
)
_NEGATABLE = {"VERB", "INFN", "PRTS", "PRTF", "ADJS", "GRND"}
# Asking for something is a request of its own, as a fault is.
_REQUEST_WORDS = re.compile(
    r"(подскаж|подсказать|прошу|просим|просьба|помогите|как\s+\w+|почему|где\s+\w+|можно\s+ли|"
    r"нужн[оаы]?\b|необходимо|\?)",
    re.IGNORECASE,
)
# A sentence that opens a further problem: counted («во-вторых») or added («также», «и ещё»).
_ADDITION = re.compile(
    r"^(?:во|в)-?\s?(?:первых|вторых|третьих|четвертых|четвёртых|пятых)\b[,:—–-]?\s*"
    r"|^(?:перв(?:ый|ая|ое)|втор(?:ой|ая|ое)|трет(?:ий|ья|ье))(?:\s+вопрос|\s+проблема)?\s*[:—–-]\s*"
    r"|^(?:а\s+|и\s+)?также\b[,:]?\s*"
    r"|^кроме\s+того\b[,:]?\s*"
    r"|^помимо\s+(?:этого|того)\b[,:]?\s*"
    r"|^(?:и|а)\s+(?:ещё|еще)\b(?:\s+(?:один|одна|одно)\s+\w+)?[,:—–-]?\s*"
    r"|^(?:ещё|еще)\s+(?:один|одна|одно)\s+(?:вопрос|проблема|момент)\b[,:—–-]?\s*",
    re.IGNORECASE,
)
# What follows «также» adds to the same problem: the same fault again, what was tried, a file.
_CONTINUATION = re.compile(
    r"(^(?:он|она|оно|они|это|эта|этот|эти|там|тут)\b|\bт(?:а|от|о|у)\s+же\b|\bтак(?:ая|ой|ое|ую)\s+же\b|то\s+же\s+самое|тоже\b|аналогичн|"
    r"\bпробовал|\bпопробовал|очистил|перезагру|уточнить|прикладыва|прилага|во\s+вложении|"
    r"скриншот|снимок\s+экрана|по-прежнему|всё\s+равно|все\s+равно)",
    re.IGNORECASE,
)
_GREETING = re.compile(
    r"^(?:(?:здравствуйте|добрый\s+(?:день|вечер)|доброе\s+утро|доброго\s+времени\s+суток|привет)"
    r"(?:,\s*(?:уважаем\w*\s+)?\w+(?:\s+\w+)?)?[.!,]?"
    r"|уважаем\w*\s+[\w\s]{2,40}?[!.,])(?:\s+коллеги[!.,]?)?\s*",
    re.IGNORECASE,
)
# Closing courtesies: a whole sentence or line of them is no problem of its own.
_SIGN_OFF = re.compile(
    r"^(?:(?:заранее\s+)?спасибо|благодарю|с\s+уважением|всего\s+доброго|хорошего\s+дня|"
    r"жд[уеё]м\s+ответа|просим\s+(?:разобраться|помочь)|прошу\s+(?:разобраться|помочь)|"
    r"помогите,?\s+пожалуйста|заранее\s+благодар)[\w\s,.!]*$",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(r"^(?:с\s+уважением|с\s+наилучшими\s+пожеланиями)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[«\"(]?[А-ЯЁA-Z0-9])")
_LOGIN = re.compile(r"[a-z][a-z0-9_.-]*\d*[_\d][a-z0-9_.-]*|[\w.-]+@[\w.-]+", re.IGNORECASE)
_INITIALS = re.compile(r"(?:[А-ЯЁ]\.){1,2}[А-ЯЁ]?")
# Who has the problem, not what it is.
_PERSON_WORDS = frozenset({
    "у", "учителя", "учитель", "учительницы", "ученика", "ученицы", "ученик", "ученица", "слушателя",
    "слушательницы", "слушатель", "слушательница", "преподавателя", "завуча", "директора",
    "сотрудника", "сотрудницы", "её", "ее", "его", "брата", "сестры", "логин", "логином",
    "под", "и", "также", "тоже", "для",
})


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
    for split in (_line_list(text), _inline_list(text)):
        if split is None or len(split.items) < 2 or _STEPS_HEADING.search(split.intro):
            continue
        if all(_reads_as_problem(item) or _asks(item) for item in split.items):
            return split if _distinct(split.items) else None
    split = _prose(text)
    if split is not None and _distinct(split.items):
        return split
    return None


def _distinct(items: tuple[str, ...]) -> bool:
    """No two items describe the same fault (people's names and logins aside)."""
    stripped = [_without_people(item) for item in items]
    return all(similarity(first, second) < SAME_PROBLEM_SCORE
               for index, first in enumerate(stripped) for second in stripped[index + 1 :])


# --- prose: «во-первых … во-вторых», «также», «кроме того», «и ещё» ----------------------------

def _prose(text: str) -> ProblemSplit | None:
    intro, body, outro = _frame(text)
    segments: list[list[str]] = []  # sentences of each part, a new part at each marker
    for sentence in _sentences(body):
        marker = _ADDITION.match(sentence)
        rest = _capitalised(sentence[marker.end():]) if marker else sentence
        if marker and (not segments or not _CONTINUATION.search(rest)):
            segments.append([rest])
        elif segments:
            segments[-1].append(sentence)
        else:
            segments.append([sentence])
    # A part that neither says something is wrong nor asks for anything adds to the one before;
    # before the first problem it is an introduction («Есть два вопроса.», «Регион: …» lines).
    items: list[str] = []
    lead: list[str] = []
    for part in segments:
        segment = " ".join(part)
        says = _reads_as_problem(segment) or _asks(segment)
        if items and not says:
            items[-1] = f"{items[-1]} {segment}"
        elif not items and not says:
            lead.extend(part)
        else:
            items.append(segment)
    if len(items) < 2:
        return None
    return ProblemSplit(intro="\n".join([intro, *lead]).strip(), items=tuple(items), outro=outro)


def _frame(text: str) -> tuple[str, str, str]:
    """(greeting, body, sign-off) of a request written as prose."""
    body = text.replace("\r\n", "\n").strip()
    greeting = _GREETING.match(body)
    intro = greeting.group(0).strip() if greeting else ""
    body = body[greeting.end():].strip() if greeting else body
    body, outro = _cut_sign_off(body)
    return intro, body, outro


def _cut_sign_off(text: str) -> tuple[str, str]:
    """The text without its closing courtesies, and those courtesies."""
    sentences = _sentences(text)
    cut = len(sentences)
    while cut > 0 and _SIGN_OFF.match(sentences[cut - 1]):
        cut -= 1
    # «С уважением, Петрова Анна» — everything after the first sign-off formula is signature.
    for index, sentence in enumerate(sentences[:cut]):
        if _SIGNATURE.match(sentence):
            cut = index
            break
    return "\n".join(sentences[:cut]).strip(), "\n".join(sentences[cut:]).strip()


def _sentences(text: str) -> list[str]:
    """Sentences, a line break ending one too («Регион: …» lines, a signature)."""
    return [" ".join(part.split()) for line in text.split("\n")
            for part in _SENTENCE_END.split(line) if part.strip()]


def _capitalised(text: str) -> str:
    text = text.lstrip(" ,:;—–-")
    return text[:1].upper() + text[1:]


def _asks(item: str) -> bool:
    return bool(_REQUEST_WORDS.search(item)) and len(re.findall(r"\w+", item)) >= MIN_ITEM_WORDS


def _without_people(item: str) -> str:
    """The item without the names, logins and roles of the people it concerns."""
    words = []
    for word in re.findall(r"[\w.@-]+", item):
        bare = word.strip(".-")
        if _LOGIN.fullmatch(bare) or _INITIALS.fullmatch(bare):
            continue
        if bare[:1].isupper() and _is_person_name(bare):
            continue
        if bare.lower() in _PERSON_WORDS:
            continue
        words.append(word)
    return " ".join(words)


@lru_cache(maxsize=10_000)
def _is_person_name(word: str) -> bool:
    tag = morph_analyzer().parse(word)[0].tag
    return bool({"Name", "Surn", "Patr"} & set(tag.grammemes))


def _line_list(text: str) -> ProblemSplit | None:
    lines = text.replace("\r\n", "\n").split("\n")
    intro: list[str] = []
    items: list[list[str]] = []
    outro: list[str] = []
    style: tuple[str, bool] | None = None  # (indent, numbered) of the top-level items
    previous_blank = False
    for line in lines:
        match = _ITEM.match(line)
        if outro or (items and not match and _SIGN_OFF.match(line.strip())):
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
        if int(match["number"] or match["dotted"] or match["sentence"]) == expected:
            markers.append(match)
            expected += 1
    if len(markers) < 2:
        return None
    bodies = []
    for index, marker in enumerate(markers):
        end = markers[index + 1].start() if index + 1 < len(markers) else len(text)
        bodies.append(text[marker.end() : end].strip().rstrip(";,").strip())
    last, outro = _cut_sign_off(bodies[-1])
    bodies[-1] = last
    return ProblemSplit(intro=text[: markers[0].start()].strip(), items=tuple(bodies), outro=outro)


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
