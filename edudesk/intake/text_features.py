"""What duplicate detection compares: the words of a request and the letters inside them.

Two views of one text:

* words — pymorphy3 lemmas, a verb read as its aspect pair's one word («сохранилась»,
  «сохраняются» → «сохранять», ``search.aspects``), with pairs of neighbouring words so that
  «не выставлять» is not «выставлять»; greetings, courtesies, function words, the names of
  people and places and numbers other than error codes are dropped, and so is the signature
  (from «С уважением», «--», «Заранее спасибо», «Отправлено с…» on): they belong to the
  requester, not to the fault;
* letters — character 4-grams of those words as typed, with the word's edges marked: they
  survive typos («сохраняюца»), words the dictionary does not know and word forms it reads
  differently.

Both are bags of terms; ``TermWeights`` counts in how many of a service's tickets each term
occurs, so that what every ticket of the service says («электронный журнал», «как это
сделать») weighs little.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar

from edudesk.search import aspects, lemmas

CHAR_GRAM = 4
# Texts a service's TermWeights remembers having read (a few MB; forgotten with the weights).
REMEMBERED_TEXTS = 5000
Read = TypeVar("Read")
# Error codes («403», «500») name a fault; class numbers, dates, phones and logins name people.
CODE = re.compile(r"^\d{3}$")
_PEOPLE = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn"})
# The writer's contacts: e-mails, logins («ivanova_tv», «user12»), phone numbers.
CONTACTS = re.compile(r"[\w.+-]*[@_][\w.-]*|\b[a-z]+\d+[a-z\d]*\b|\+?\d[\d\s()\-]{6,}\d",
                      re.IGNORECASE)
# Neighbouring words across a sentence's or line's end are no pair.
_SENTENCE = re.compile(r"[.!?;\n]+")
# A line opening the letter's signature: what follows it describes the writer.
SIGN_OFF = re.compile(
    r"^\s*(--|с\s+уважением|с\s+наилучшими|(заранее\s+)?спасибо|заранее\s+благодар|благодарю|"
    r"жду\s+ответа|ответ\s+прошу|отправлено\s+(с|из)|sent\s+from)", re.IGNORECASE)
_VERB_FORMS = frozenset({"VERB", "INFN", "PRTF", "PRTS", "GRND"})

# Function words and the courtesies every request carries; they say nothing about the problem.
# «не» stays: «не работает» and «работает» are different problems.
STOP_LEMMAS = frozenset(
    [
        "а", "и", "в", "во", "на", "над", "под", "с", "со", "к", "ко", "о", "об", "обо", "от", "до",
        "по", "за", "из", "у", "для", "при", "про", "без", "через", "ли", "же", "бы", "то", "это",
        "этот", "тот", "так", "как", "что", "чтобы", "когда", "где", "там", "тут", "уже", "еще",
        "или", "либо", "но", "да", "также", "тоже", "весь", "все", "вы", "мы", "я", "он", "она",
        "они", "оно", "ты", "ваш", "наш", "мой", "свой", "его", "ее", "их", "который", "быть", "есть",
        "мочь", "сам", "один", "очень", "просто", "только", "вот", "здравствуйте", "здравствовать",
        "добрый", "день", "вечер", "утро", "уважаемый", "коллега", "спасибо", "заранее", "пожалуйста",
        "помочь", "помогать", "подсказать", "подсказывать", "просить", "прошу", "проблема",
        "вопрос", "обращение", "уважение", "благодарить", "привет", "доброе", "время", "сутки",
        "получаться", "получиться", "удаваться", "пытаться", "попытка", "почему", "какой",
        "можно", "нужно", "надо", "ничто", "ничего", "никто", "делать", "срочно",
    ]
)


@lru_cache(maxsize=50_000)
def word_lemma(word: str) -> str:
    """The folded word's lemma for matching; "" for a word that says nothing about the fault."""
    if not lemmas.CYRILLIC.search(word):
        if word.isdigit():
            return word if CODE.match(word) else ""
        return "" if any(ch.isdigit() for ch in word) else word
    if not word.isalpha():
        return ""
    parse = lemmas.analyser().parse(word)[0]
    if _PEOPLE & parse.tag.grammemes:
        return ""
    lemma = lemmas.fold(parse.normal_form)
    if parse.tag.POS in _VERB_FORMS:
        lemma = aspects.aspect_key(lemma)
    if lemma in STOP_LEMMAS or len(lemma) < 2:
        return ""
    return lemma


@dataclass(frozen=True)
class Features:
    words: Counter[str]
    chars: Counter[str]


def without_signature(text: str) -> str:
    """The text up to the line that opens its signature (the whole text if that is line one)."""
    lines = text.splitlines()
    for index, line in enumerate(lines[1:], start=1):
        if SIGN_OFF.match(line):
            return "\n".join(lines[:index])
    return text


@lru_cache(maxsize=4096)
def features(text: str) -> Features:
    bag: Counter[str] = Counter()
    chars: Counter[str] = Counter()
    for sentence in _SENTENCE.split(CONTACTS.sub(" ", without_signature(text))):
        kept = [(word, word_lemma(word)) for word in lemmas.words(sentence)]
        # «не» is a function word, yet it turns the next word into its opposite: pairs keep it.
        meaningful = [lemma or "не" for word, lemma in kept if lemma or word == "не"]
        bag.update(w for w in meaningful if w != "не")
        bag.update(f"{a} {b}" for a, b in itertools.pairwise(meaningful))
        for word, lemma in kept:
            if lemma and lemmas.CYRILLIC.search(word):
                marked = f"<{word}>"
                chars.update(marked[i:i + CHAR_GRAM] for i in range(len(marked) - CHAR_GRAM + 1))
    return Features(bag, chars)


@dataclass(frozen=True)
class TermWeights:
    """Document frequencies of word and letter terms over a service's tickets."""

    documents: int = 0
    frequency: dict[str, int] = field(default_factory=dict)
    # Each term's IDF once computed: the same open tickets are compared again and again.
    _known: dict[str, float] = field(default_factory=dict, compare=False, repr=False)
    # Texts read against these weights (``similarity.profile``): every new request of a service
    # is compared with the same recent ones (``incidents.proposals``).
    _read: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    def remembered(self, text: str, read: Callable[[str], Read]) -> Read:
        """``read(text)``, computed once for these weights (at most ``REMEMBERED_TEXTS`` kept)."""
        kept = self._read.get(text)
        if kept is None:
            if len(self._read) >= REMEMBERED_TEXTS:
                self._read.clear()
            kept = self._read[text] = read(text)
        return kept

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> TermWeights:
        frequency: Counter[str] = Counter()
        count = 0
        for text in texts:
            found = features(text)
            frequency.update(found.words.keys())
            frequency.update(found.chars.keys())
            count += 1
        return cls(count, dict(frequency))

    def idf(self, term: str) -> float:
        """Inverse document frequency over the service; 1 for every term without tickets."""
        if not self.documents:
            return 1.0
        known = self._known.get(term)
        if known is None:
            known = math.log((1 + self.documents) / (1 + self.frequency.get(term, 0))) + 1
            self._known[term] = known
        return known
