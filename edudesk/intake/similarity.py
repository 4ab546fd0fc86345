"""Is this the same problem as one of your open tickets?

The seed asks: «Если на инцидент долго нет ответа, не пытайтесь создать новый инцидент с
идентичной проблемой». Before a request is registered, its text is compared with the open
tickets of the same user and organisation: words are reduced to their dictionary form
(pymorphy3 lemmas, so «оценки не выставляются» meets «не выставляется оценка»), greetings and
function words are dropped, lemmas and lemma pairs (word shingles) are weighted by TF-IDF over
the compared texts, and the cosine of the vectors is the score.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, TypeVar

import pymorphy3

Key = TypeVar("Key")

# A score at or above this reads as "probably the same problem" in the seed-like samples the
# tests use; an admin-facing setting may override it per call.
DEFAULT_THRESHOLD = 0.3
STEM_LENGTH = 6
PAIR_WEIGHT = 0.5

_WORD = re.compile(r"[a-zа-я0-9]+", re.IGNORECASE)

# Function words and the courtesies every request carries; they say nothing about the problem.
# «не» stays: «не работает» and «работает» are different problems.
_STOP_LEMMAS = frozenset(
    [
        "а", "и", "в", "во", "на", "над", "под", "с", "со", "к", "ко", "о", "об", "обо", "от", "до",
        "по", "за", "из", "у", "для", "при", "про", "без", "через", "ли", "же", "бы", "то", "это",
        "этот", "тот", "так", "как", "что", "чтобы", "когда", "где", "там", "тут", "уже", "еще",
        "или", "либо", "но", "да", "также", "тоже", "весь", "все", "вы", "мы", "я", "он", "она",
        "они", "оно", "ты", "ваш", "наш", "мой", "свой", "его", "ее", "их", "который", "быть", "есть",
        "мочь", "сам", "один", "очень", "просто", "только", "вот", "здравствуйте", "здравствовать",
        "добрый", "день", "вечер", "утро", "уважаемый", "коллега", "спасибо", "заранее", "пожалуйста",
        "помочь", "подсказать", "просить", "прошу", "проблема", "вопрос", "обращение",
    ]
)


@lru_cache(maxsize=1)
def morph_analyzer() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=50_000)
def lemma(word: str) -> str:
    if not re.search("[а-я]", word):
        return word
    normal = morph_analyzer().parse(word)[0].normal_form.replace("ё", "е")
    return normal


def stem(normal: str) -> str:
    """A lemma cut to its first letters: aspect pairs and reflexive verbs
    («выставить», «выставляться») and derived nouns share it."""
    if normal.endswith(("ся", "сь")) and len(normal) > 5:
        normal = normal[:-2]
    return normal[:STEM_LENGTH]


def terms(text: str) -> list[str]:
    words = _WORD.findall(text.lower().replace("ё", "е"))
    result = []
    for word in words:
        normal = lemma(word)
        if normal not in _STOP_LEMMAS and (len(normal) > 1 or normal.isdigit()):
            result.append(stem(normal))
    return result


def shingles(text: str) -> Counter[str]:
    """Lemmas and neighbouring lemma pairs; pairs keep «не выставляться» apart from the verb."""
    words = terms(text)
    features: Counter[str] = Counter(words)
    features.update(f"{first} {second}" for first, second in itertools.pairwise(words))
    return features


def _weight(term: str) -> float:
    return PAIR_WEIGHT if " " in term else 1.0


def _tfidf(documents: Sequence[Counter[str]]) -> list[dict[str, float]]:
    count = len(documents)
    frequency: Counter[str] = Counter()
    for document in documents:
        frequency.update(document.keys())
    vectors = []
    for document in documents:
        vector = {
            term: _weight(term)
            * (1 + math.log(tf))
            * (math.log((1 + count) / (1 + frequency[term])) + 1)
            for term, tf in document.items()
        }
        vectors.append(vector)
    return vectors


def _cosine(first: dict[str, float], second: dict[str, float]) -> float:
    if not first or not second:
        return 0.0
    if len(first) > len(second):
        first, second = second, first
    dot = sum(weight * second.get(term, 0.0) for term, weight in first.items())
    norm = math.sqrt(sum(w * w for w in first.values())) * math.sqrt(
        sum(w * w for w in second.values())
    )
    return dot / norm if norm else 0.0


def similarity(first: str, second: str) -> float:
    """Cosine similarity in [0, 1] of two texts (IDF over just these two)."""
    vectors = _tfidf([shingles(first), shingles(second)])
    return _cosine(vectors[0], vectors[1])


@dataclass(frozen=True)
class Match(Generic[Key]):
    key: Key
    score: float


def rank_similar(
    text: str,
    candidates: Iterable[tuple[Key, str]],
    threshold: float = DEFAULT_THRESHOLD,
    limit: int = 5,
) -> list[Match[Key]]:
    """The candidates (key, text) that read like ``text``, best first.

    IDF is computed over the query and the candidates together, so words that every open
    ticket of this user shares (the school's name, «журнал» at a school) weigh less.
    """
    candidates = list(candidates)
    if not candidates:
        return []
    documents = [shingles(text)] + [shingles(candidate_text) for _key, candidate_text in candidates]
    vectors = _tfidf(documents)
    matches = [
        Match(key=key, score=round(_cosine(vectors[0], vector), 4))
        for (key, _text), vector in zip(candidates, vectors[1:], strict=True)
    ]
    matches = [match for match in matches if match.score >= threshold]
    matches.sort(key=lambda match: match.score, reverse=True)
    return matches[:limit]
