"""Russian morphology for search: words of a text reduced to their dictionary forms (lemmas).

The same functions prepare the indexed text and the query, so «ошибкой» in a query and
«ошибки» in a message both become «ошибка». The pymorphy3 analyser loads its dictionaries
once per process (about 15 MB, a fraction of a second) on first use; a bounded LRU cache
keeps the lemmas of the words seen most recently, because support text repeats itself.
"""

import re
import threading
from functools import lru_cache

from edudesk.search import aspects

WORD = re.compile(r"[0-9a-zа-яё]+")
CYRILLIC = re.compile(r"[а-яё]")
# Parts of speech that carry no meaning for search: prepositions, conjunctions, particles.
FUNCTION_WORDS = frozenset({"PREP", "CONJ", "PRCL", "INTJ"})
# Verb forms: pymorphy3 gives the infinitive as their lemma, read here as its aspect pair's.
VERB_FORMS = frozenset({"VERB", "INFN", "PRTF", "PRTS", "GRND"})
# A word can have more than one reading («стали»: «стать» or «сталь»); index each of the
# first few so that a query for any of them finds it.
MAX_READINGS = 3
MAX_WORD_LENGTH = 60

_analyser = None
_analyser_lock = threading.Lock()


def analyser():
    """The process's one pymorphy3 analyser, created on first use."""
    global _analyser
    if _analyser is None:
        with _analyser_lock:
            if _analyser is None:
                import pymorphy3

                _analyser = pymorphy3.MorphAnalyzer(lang="ru")
    return _analyser


def fold(text: str) -> str:
    """Lower case with «ё» read as «е», as Russian readers and writers treat them."""
    return text.lower().replace("ё", "е")


def words(text: str) -> list[str]:
    """The words of a text in order: letters and digits, folded, without punctuation."""
    return [w for w in WORD.findall(fold(text)) if len(w) <= MAX_WORD_LENGTH]


@lru_cache(maxsize=50_000)
def readings(word: str) -> tuple[str, ...]:
    """The lemmas of one folded word, most likely first; () for a word search should skip.

    Latin words, numbers and mixed tokens (logins, «chrome120») are kept as they are. A verb's
    lemma is its aspect pair's one word («сохранилась», «сохраняются» → «сохранять»).
    """
    if not CYRILLIC.search(word) or not word.isalpha():
        return (word,)
    parses = analyser().parse(word)
    if parses and parses[0].tag.POS in FUNCTION_WORDS:
        return ()
    lemmas: list[str] = []
    for parse in parses:
        lemma = fold(parse.normal_form)
        if parse.tag.POS in VERB_FORMS:
            lemma = aspects.aspect_key(lemma)
        if lemma not in lemmas:
            lemmas.append(lemma)
        if len(lemmas) == MAX_READINGS:
            break
    return tuple(lemmas) or (word,)


def lemmatise(text: str) -> str:
    """The text as a space-separated string of lemmas, ready for a full-text index."""
    return " ".join(lemma for word in words(text) for lemma in readings(word))


def query_terms(text: str) -> list[tuple[str, ...]]:
    """A query as groups of alternatives: every group must match, any lemma of a group may."""
    groups: list[tuple[str, ...]] = []
    for word in words(text):
        group = readings(word)
        if group and group not in groups:
            groups.append(group)
    return groups
