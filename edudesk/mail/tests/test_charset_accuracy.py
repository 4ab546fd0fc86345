"""Charset detection measured on the generated corpus: a floor per charset, case and label.

The same samples as ``bench/charset_accuracy.py`` (which prints the full table), fewer of them
to keep the suite quick. A floor that fails means detection got worse on a whole class of mail.
"""

from __future__ import annotations

import pytest

from edudesk.mail.charsets import decode_text
from edudesk.mail.tests.conftest import load_mail_test_module

corpus = load_mail_test_module("corpus_charsets")
# Share of samples that must decode to exactly their text, per charset and case.
FLOORS = {"declared": 0.99, "undeclared": 0.97, "wrong": 0.97}


@pytest.fixture(scope="module")
def russian():
    return corpus.russian_samples(per_case=100)


def test_the_corpus_has_300_texts_per_charset_and_case_from_5_to_2000_characters():
    samples = corpus.russian_samples()
    for charset in corpus.RUSSIAN_CHARSETS:
        for case in corpus.CASES:
            texts = [s.text for s in samples if s.charset == charset and s.group == case]
            assert len(texts) >= 300
            assert min(map(len, texts)) >= 5 and max(map(len, texts)) <= 2000
            assert max(map(len, texts)) > 1000 and sum(len(t) < 20 for t in texts) > 20
    upper = [s.text for s in samples if s.group == "upper"]
    assert all(text == text.upper() for text in upper)


@pytest.mark.parametrize("declaration", corpus.DECLARATIONS)
def test_russian_detection_floor_per_charset_and_case(russian, declaration):
    below = {
        key: f"{right}/{total}"
        for key, (right, total) in corpus.accuracy(decode_text, russian, declaration).items()
        if right < FLOORS[declaration] * total
    }
    assert below == {}


def test_declared_non_russian_charsets_are_all_respected():
    results = corpus.accuracy(decode_text, corpus.foreign_samples(), "declared")
    assert {key: value for key, value in results.items() if value[0] < value[1]} == {}


def test_undeclared_non_russian_text_never_comes_out_cyrillic():
    for number, sample in enumerate(corpus.foreign_samples()):
        text = decode_text(sample.payload, sample.label("undeclared", number))
        assert not any("\u0400" <= char <= "\u04ff" for char in text), (sample.group, sample.charset)
