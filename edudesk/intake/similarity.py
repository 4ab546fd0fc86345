"""Is this the same problem as one of the open tickets?

The seed asks: «Если на инцидент долго нет ответа, не пытайтесь создать новый инцидент с
идентичной проблемой». One scorer serves every place that asks (repeats on every channel,
mass-incident linking, article suggestions): ``rank_similar`` lists the candidates that read
like a text, ``confident_match`` names the one that can be linked without asking anybody.

How a text is compared (``text_features``): its words (lemmas, a verb's aspect pair as one
word, neighbouring pairs) and the letters inside them (character 4-grams: typos, unknown
words) are weighed by TF-IDF, where the inverse document frequency is the product of

* the service's (``TermWeights``, counted over its tickets, ``intake.term_weights``): what
  every request of the service says — «электронный журнал», «как это сделать» — weighs little;
* the compared set's (the text, its candidates and the writer's earlier letters — ``history``,
  ``intake.writer_history``), nearly unsmoothed, log((n + 0.1) / df): what a requester writes
  in every letter (school, signature, class) weighs next to nothing when it is in all of them.

The score is a weighted mean of the cosines of the two views. A match is offered only when it
is above the threshold AND close to the best (``rank_similar``); a confident match must also
beat the runner-up by a clear margin.

Figures on the labelled requests (tests/similarity): ``python -m tests.similarity.evaluate``
(precision / recall / false offers on requests without a duplicate — training split: listed
0.86 / 0.19 / 0.03, confident 0.85 / 0.19 / 0.03; held-out: 1.00 / 0.16 / 0.00 for both; the
scorer before this one: 0.60 / 0.37 / 0.14 and 0.57 / 0.41 / 0.22).
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Generic, TypeVar

import numpy as np
import pymorphy3
from scipy.sparse import csr_matrix

from edudesk.intake.text_features import STOP_LEMMAS, TermWeights, features
from edudesk.search import lemmas

Key = TypeVar("Key")

# Tuned on the training split of tests/similarity (the held-out split is only reported).
DEFAULT_THRESHOLD = 0.16
# rank_similar lists only matches this close to the best one (a list of ten "maybes" helps no
# one), and only when the best beats every candidate left out by the margin.
LIST_BAND = 0.05
LIST_MARGIN = 0.15
# confident_match: the best must score at least this and beat the runner-up by the margin.
CONFIDENT_THRESHOLD = 0.16
CONFIDENT_MARGIN = 0.15
WORD_SHARE = 0.6
# The compared set's own weights need at least three texts (the query, candidates, history).
LOCAL_FROM = 3
# log((n + this) / df): what all n compared texts say keeps 1/30 or less of a rare term's weight.
IN_EVERY_TEXT = 0.1
# Without them (one candidate, no history) scores run higher: it must reach this instead.
LONE_CANDIDATE_THRESHOLD = 0.3
PAIR_WEIGHT = 0.5
STEM_LENGTH = 6

__all__ = ["DEFAULT_THRESHOLD", "Match", "Profile", "TermWeights", "confident_match", "pair_score",
           "pair_scores", "profile", "rank_similar", "similarity", "terms"]


def morph_analyzer() -> pymorphy3.MorphAnalyzer:
    """The process's one analyser (shared with search)."""
    return lemmas.analyser()


# --- the category classifier's terms (intake.classifier): stemmed lemmas ---------------------

_WORD = re.compile(r"[a-zа-я0-9]+", re.IGNORECASE)


@lru_cache(maxsize=50_000)
def lemma(word: str) -> str:
    if not re.search("[а-я]", word):
        return word
    return morph_analyzer().parse(word)[0].normal_form.replace("ё", "е")


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
        if normal not in STOP_LEMMAS and (len(normal) > 1 or normal.isdigit()):
            result.append(stem(normal))
    return result


# --- scoring -------------------------------------------------------------------------------------


def _vectors(bags: Sequence[Counter[str]], weighed: int,
             weights: TermWeights | None) -> list[dict[str, float]]:
    """TF-IDF vectors of the first ``weighed`` bags; every bag counts in the compared set's DF."""
    count = len(bags)
    local: Counter[str] = Counter()
    for bag in bags:
        local.update(bag.keys())
    service = weights or TermWeights()
    # Two texts alone cannot tell a shared frame from a shared problem: no local weight then.
    # In every text of the set (the writer's frame) a term weighs next to nothing; not quite
    # nothing, so that texts identical to the last letter still read as one.
    compared = ({term: math.log((count + IN_EVERY_TEXT) / seen) for term, seen in local.items()}
                if count >= LOCAL_FROM else dict.fromkeys(local, 1.0))
    return [{term: (PAIR_WEIGHT if " " in term else 1.0) * (1 + math.log(tf)) * service.idf(term)
             * compared[term] for term, tf in bag.items()} for bag in bags[:weighed]]


def _norm(vector: dict[str, float]) -> float:
    return math.sqrt(sum(w * w for w in vector.values()))


def _dot(first: dict[str, float], second: dict[str, float]) -> float:
    """Over the shared terms only (a C-level key intersection): two texts share few of their
    hundreds of character 4-grams."""
    small, large = (first, second) if len(first) <= len(second) else (second, first)
    return sum(small[term] * large[term] for term in small.keys() & large.keys())


def _cosine(first: dict[str, float], first_norm: float, second: dict[str, float],
            second_norm: float) -> float:
    if not first_norm or not second_norm:
        return 0.0
    return _dot(first, second) / (first_norm * second_norm)


def _cosines(query: dict[str, float], others: list[dict[str, float]]) -> list[float]:
    norm = _norm(query)
    return [_cosine(query, norm, other, _norm(other)) for other in others]


def _scores(text: str, others: Sequence[str], weights: TermWeights | None,
            history: Sequence[str] = ()) -> list[float]:
    found = [features(t) for t in (text, *others, *history)]
    weighed = 1 + len(others)
    words = _vectors([f.words for f in found], weighed, weights)
    chars = _vectors([f.chars for f in found], weighed, weights)
    return [WORD_SHARE * w + (1 - WORD_SHARE) * c
            for w, c in zip(_cosines(words[0], words[1:]), _cosines(chars[0], chars[1:]),
                            strict=True)]


def similarity(first: str, second: str, *, weights: TermWeights | None = None) -> float:
    """How alike two texts read, in [0, 1]."""
    return pair_score(profile(first, weights=weights), profile(second, weights=weights))


@dataclass(frozen=True)
class Profile:
    """A text's two weighed views as a pair compares them: a pair has no weights of its own
    (fewer than ``LOCAL_FROM`` texts), so each text's vectors do not depend on the other one and
    a text compared with many others is read once (``incidents.proposals`` compares every pair
    of a window's requests). The norms are computed once with the vectors."""

    words: dict[str, float]
    chars: dict[str, float]
    words_norm: float = field(init=False, repr=False)
    chars_norm: float = field(init=False, repr=False)
    # Each view as numbered terms and weights (``pair_scores``), made when first compared so.
    _numbered: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "words_norm", _norm(self.words))
        object.__setattr__(self, "chars_norm", _norm(self.chars))

    def numbered(self, view: str) -> tuple[int, np.ndarray, np.ndarray]:
        """(numbering's generation, term numbers, weights) of the view ("words" or "chars")."""
        kept = self._numbered.get(view)
        if kept is None or kept[0] != _TERMS.generation:
            kept = self._numbered[view] = _TERMS.number(getattr(self, view))
        return kept


def profile(text: str, *, weights: TermWeights | None = None) -> Profile:
    """The text read once for the service's weights (they remember it while they last)."""
    def read(text: str) -> Profile:
        found = features(text)
        return Profile(_vectors([found.words], 1, weights)[0], _vectors([found.chars], 1, weights)[0])

    return weights.remembered(text, read) if weights is not None else read(text)


def pair_score(first: Profile, second: Profile) -> float:
    """``similarity`` of the two texts the profiles were made from."""
    return (WORD_SHARE * _cosine(first.words, first.words_norm, second.words, second.words_norm)
            + (1 - WORD_SHARE) * _cosine(first.chars, first.chars_norm, second.chars,
                                         second.chars_norm))


class _TermNumbers:
    """Terms numbered for ``pair_scores``, process-wide; numbered afresh (a new generation) once
    ``MOST`` are known, so the numbering never grows without bound (about 100 bytes a term: the
    job consumer keeps at most ~20 MB; web processes never compare so)."""

    MOST = 200_000

    def __init__(self):
        self.generation, self.numbers, self.lock = 0, {}, threading.Lock()

    def begin(self) -> int:
        """Before a comparison (never during one): numbered afresh when full; the generation."""
        with self.lock:
            if len(self.numbers) > self.MOST:
                self.generation, self.numbers = self.generation + 1, {}
            return self.generation

    def number(self, vector: dict[str, float]) -> tuple[int, np.ndarray, np.ndarray]:
        with self.lock:
            numbers = self.numbers
            columns = np.fromiter((numbers.setdefault(term, len(numbers)) for term in vector),
                                  dtype=np.int64, count=len(vector))
            return self.generation, columns, np.fromiter(vector.values(), dtype=np.float64,
                                                         count=len(vector))


_TERMS = _TermNumbers()


def pair_scores(first: Profile, others: Sequence[Profile]) -> list[float]:
    """``pair_score(first, other)`` for each of the others, computed together: each view's
    cosines are one sparse matrix product (a request compared with a window of hundreds)."""
    if not others:
        return []
    while True:
        generation = _TERMS.begin()
        scores = (WORD_SHARE * _cosines_together(first, others, "words")
                  + (1 - WORD_SHARE) * _cosines_together(first, others, "chars"))
        if generation == _TERMS.generation:  # else another thread numbered afresh: again
            return scores.tolist()


def _cosines_together(first: Profile, others: Sequence[Profile], view: str) -> np.ndarray:
    rows = [other.numbered(view) for other in others]
    _generation, columns, weights = first.numbered(view)
    numbers = np.concatenate([columns, *(row[1] for row in rows)])
    width = int(numbers.max(initial=-1)) + 1
    lengths = np.fromiter((len(row[1]) for row in rows), dtype=np.int64, count=len(rows))
    matrix = csr_matrix((np.concatenate([row[2] for row in rows]), numbers[len(columns):],
                         np.concatenate(([0], np.cumsum(lengths)))), shape=(len(rows), width))
    query = np.zeros(width)
    query[columns] = weights
    norms = np.fromiter((getattr(other, f"{view}_norm") for other in others), dtype=np.float64,
                        count=len(others)) * getattr(first, f"{view}_norm")
    dots = matrix @ query
    return np.divide(dots, norms, out=np.zeros(len(others)), where=norms > 0)


@dataclass(frozen=True)
class Match(Generic[Key]):
    key: Key
    score: float


def _ranked(text: str, candidates: Iterable[tuple[Key, str]], weights: TermWeights | None,
            history: Iterable[str]) -> tuple[list[Match[Key]], float]:
    """The candidates scored, best first, and the threshold floor for a set of this size."""
    candidates, history = list(candidates), list(history)
    if not candidates:
        return [], 0.0
    scores = _scores(text, [candidate_text for _key, candidate_text in candidates], weights,
                     history)
    matches = [Match(key=key, score=round(score, 4))
               for (key, _text), score in zip(candidates, scores, strict=True)]
    matches.sort(key=lambda match: match.score, reverse=True)
    compared = 1 + len(candidates) + len(history)
    return matches, LONE_CANDIDATE_THRESHOLD if compared < LOCAL_FROM else 0.0


def rank_similar(
    text: str,
    candidates: Iterable[tuple[Key, str]],
    threshold: float = DEFAULT_THRESHOLD,
    limit: int = 5,
    *,
    weights: TermWeights | None = None,
    history: Iterable[str] = (),
) -> list[Match[Key]]:
    """The candidates (key, text) that read like ``text``, best first — few, or none.

    Listed: the best when it reaches the threshold, and the others within ``LIST_BAND`` of it;
    only when they stand out from the rest (the best beats every unlisted candidate by
    ``LIST_MARGIN``). ``weights``: the service's term weights (``intake.term_weights``);
    ``history``: other texts of the same writer (their closed tickets), never matched, that
    show what all their letters say.
    """
    matches, floor = _ranked(text, candidates, weights, history)
    if not matches or matches[0].score < max(threshold, floor):
        return []
    band = max(threshold, matches[0].score - LIST_BAND)
    listed = [match for match in matches if match.score >= band]
    rest = matches[len(listed)].score if len(listed) < len(matches) else 0.0
    if matches[0].score - rest < LIST_MARGIN:
        return []
    return listed[:limit]


def confident_match(
    text: str,
    candidates: Iterable[tuple[Key, str]],
    *,
    threshold: float = CONFIDENT_THRESHOLD,
    margin: float = CONFIDENT_MARGIN,
    weights: TermWeights | None = None,
    history: Iterable[str] = (),
) -> Match[Key] | None:
    """The one candidate that can be linked to ``text`` without asking: above the threshold
    and ahead of the runner-up by ``margin``; None when no candidate clearly wins.
    ``weights`` and ``history`` as for ``rank_similar``."""
    matches, floor = _ranked(text, candidates, weights, history)
    if not matches or matches[0].score < max(threshold, floor):
        return None
    runner_up = matches[1].score if len(matches) > 1 else 0.0
    return matches[0] if matches[0].score - runner_up >= margin else None


def scored(text: str, candidates: Iterable[tuple[Key, str]], *,
           weights: TermWeights | None = None) -> list[Match[Key]]:
    """Every candidate with its score, best first: for lists a person picks from (knowledge-base
    search and article suggestions), where the caller sets its own floor."""
    return _ranked(text, candidates, weights, ())[0]
