"""How much a decoded string reads like Russian: the Russian-specific half of charset detection.

A wrong Cyrillic code page does not produce random characters: KOI8-R read as
Windows-1251 swaps the case of every letter and shuffles the alphabet («ТЕСТ» →
«феуф»), CP866 read as anything else brings box-drawing characters, Latin-1 read as
Windows-1251 glues Cyrillic letters to Latin ones («Grьяe»). So a decoding is scored
letter pair by letter pair against how often that pair follows in real Russian
(``russian_bigrams.tsv``, counted by ``scripts/build_russian_bigrams.py`` from text
that is not in the test corpus), case-insensitively, and then penalised for what does
not happen in Russian: mixed case inside a word, Cyrillic letters inside Latin words,
characters that are neither Russian letters nor ordinary typography.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from pathlib import Path

ALPHABET = "абвгдежзийклмнопрстуфхцчшщъыьэюя"
_BOUNDARY = "_"
_BIGRAMS_FILE = Path(__file__).with_name("russian_bigrams.tsv")
# Typography that genuine Russian text contains besides letters.
_TYPOGRAPHY = set("«»—–№…“”„‘’•·\u00a0\u00ad©®°±×™§")
_OPENING = set("«„“‘")
_CLOSING = set("»”’…")
_GLUES_ANYWHERE = set("\u00a0\u00ad“")  # “ opens German-style quotes and closes English ones
# What each oddity costs, in the units of the letter-pair score (natural log odds).
_ODD_CHARACTER = -6.0
_MIXED_CASE_WORD = -4.0
_CYRILLIC_IN_LATIN_WORD = -4.0
_TOKEN = re.compile(r"[а-яёА-ЯЁ]+|[^\x00-\x7fа-яёА-ЯЁ]")
_PAIR_WEIGHT = 0.95
# Average score per letter pair: above RUSSIAN a text is taken for Russian whatever else it
# might be; above POSSIBLY_RUSSIAN when nothing else reads better (rare letters such as the
# «ж» of «Журнал» cost a short word a lot). Measured on the corpus: no Russian text of three
# letters or more scores below 0; Greek read as KOI8-R reaches 1.1 in a single short word.
RUSSIAN = 0.5
POSSIBLY_RUSSIAN = -0.5
_FLAWLESS_LETTERS = 24
# The fewest letters that can tell (a lone «О» may be a Czech «ž» read as ISO-8859-5).
MIN_LETTERS = 3


@dataclass(frozen=True)
class RussianScore:
    total: float
    pairs: int  # letter pairs and odd characters the total was summed over
    letters: int  # Russian letters seen
    oddities: int = 0  # characters and words that Russian text does not have

    @property
    def average(self) -> float:
        return self.total / self.pairs if self.pairs else 0.0

    @property
    def is_russian(self) -> bool:
        return self.letters >= MIN_LETTERS and self.average >= RUSSIAN

    @property
    def flawless(self) -> bool:
        """Reads as Russian without a single oddity over enough letters that no other code
        page can read better (a single word can: «ДОЕЧОЙЛЕ» is «дневнике» in KOI8-R)."""
        return self.is_russian and self.oddities == 0 and self.letters >= _FLAWLESS_LETTERS

    @property
    def possibly_russian(self) -> bool:
        """Weak evidence, enough when nothing reads better: two letters («да») will do, but
        not oddities («pas а me», French read as Windows-1251, glues Cyrillic to Latin)."""
        return (self.letters >= 2 and self.average >= POSSIBLY_RUSSIAN
                and self.oddities * 8 <= self.letters)


@functools.cache
def _pair_log_odds() -> dict[str, float]:
    """log(P(next letter | letter) / P(uniform)) for every pair.

    The pair probabilities are mixed with the letter's own frequency (5 %), so a pair that
    the training text happens to lack («вч» of «вчера») costs what a rare letter costs,
    not what an impossible pair would.
    """
    counts: dict[str, int] = {}
    for line in _BIGRAMS_FILE.read_text(encoding="utf-8").splitlines():
        pair, count = line.split("\t")
        counts[pair] = int(count)
    symbols = _BOUNDARY + ALPHABET
    uniform = math.log(1 / len(symbols))
    letter_counts = {s: sum(counts.get(f + s, 0) for f in symbols) + 1 for s in symbols}
    all_letters = sum(letter_counts.values())
    odds = {}
    for first in symbols:
        row_total = sum(counts.get(first + second, 0) for second in symbols) or 1
        for second in symbols:
            probability = _PAIR_WEIGHT * counts.get(first + second, 0) / row_total + (
                1 - _PAIR_WEIGHT) * letter_counts[second] / all_letters
            odds[first + second] = math.log(probability) - uniform
    odds[_BOUNDARY + _BOUNDARY] = 0.0
    return odds


@functools.lru_cache(maxsize=65536)
def _word_score(word: str) -> float:
    """The letter-pair score of one lower-case word with its boundaries (words repeat: cached)."""
    odds = _pair_log_odds()
    padded = _BOUNDARY + word.replace("ё", "е") + _BOUNDARY
    return sum(odds[padded[i : i + 2]] for i in range(len(padded) - 1))


def _capital_inside_lower_text(text: str, word: str, start: int, end: int) -> bool:
    """A lone capital between two lower-case words («зарегистрировано С обращение») is a dash
    or a quote of another code page (initials are followed by a full stop)."""
    return (len(word) == 1 and word.isupper() and start >= 2 and end + 1 < len(text)
            and text[start - 1] == " " and text[start - 2].islower()
            and text[end] == " " and text[end + 1].islower())


def _is_russian_letter(char: str) -> bool:
    return "а" <= char <= "я" or "А" <= char <= "Я" or char in "ёЁ"


def _word_case_is_odd(word: str) -> bool:
    """Russian words are lower case, capitalised or all capitals; anything else is a sign."""
    return not (word.islower() or word.isupper() or (word[0].isupper() and word[1:].islower()))


def score_russian(text: str) -> RussianScore:
    """Score ``text`` as Russian; ASCII characters are neutral separators."""
    total = 0.0
    pairs = letters = oddities = 0
    for token in _tokens(text):
        if token[0] == "word":
            _, word, in_latin_word, start, end = token
            letters += len(word)
            total += _word_score(word.lower())
            pairs += len(word) + 1
            if (len(word) > 1 and _word_case_is_odd(word)) or _capital_inside_lower_text(
                text, word, start, end
            ):
                total += _MIXED_CASE_WORD
                oddities += 1
            if in_latin_word:
                total += _CYRILLIC_IN_LATIN_WORD * len(word)
                oddities += 1
        else:
            total += _ODD_CHARACTER
            pairs += 1
            oddities += 1
    return RussianScore(total=total, pairs=pairs, letters=letters, oddities=oddities)


def _tokens(text: str):
    """Runs of Russian letters (with whether they touch Latin letters) and odd characters."""
    length = len(text)
    for match in _TOKEN.finditer(text):
        token = match.group()
        if _is_russian_letter(token[0]):
            start, end = match.span()
            touches_latin = (start > 0 and _is_latin_letter(text[start - 1])) or (
                end < length and _is_latin_letter(text[end])
            )
            yield ("word", token, touches_latin, start, end)
        elif token not in _TYPOGRAPHY or _glued_to_a_letter(text, match.start()):
            yield ("odd", token)


def _glued_to_a_letter(text: str, index: int) -> bool:
    """Typography glued to a letter («з•власе», «“точните») is a code page's letter read wrongly.

    Quotes, the ellipsis after a word, the no-break space and the soft hyphen are glued in
    genuine text too.
    """
    char = text[index]
    before = index > 0 and text[index - 1].isalpha()
    after = index < len(text) - 1 and text[index + 1].isalpha()
    if char in _GLUES_ANYWHERE:
        return False
    if char in _OPENING:
        return before
    if char in _CLOSING:
        return after
    return before or after


def _is_latin_letter(char: str) -> bool:
    return char.isalpha() and (char < "\u0250")
