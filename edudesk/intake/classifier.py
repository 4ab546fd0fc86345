"""The kind of problem a request describes, read from its text: a small linear model.

Features are TF-IDF weights of two views of the text: its words reduced to their dictionary
form (pymorphy3 lemmas cut to a stem, greetings and function words dropped — the same terms the
duplicate check uses) with pairs of neighbouring terms, and character 3–5-grams inside words
(they survive typos and word forms the dictionary does not know). A multinomial logistic
regression weighs them; its probability for the chosen category is the confidence shown to
agents.

A model is trained from the service schema's own words (each category's name, its help text and
the labels and help of the data it asks for — the cold start) plus the examples agents gave by
correcting or confirming a suggested category. Training takes well under a second for
thousands of examples; a prediction is a few sparse dot products.

A trained model is stored as plain arrays (``numpy.savez``, read back without pickle), so a
stored model can never execute code when loaded.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

from edudesk.intake.schema import FormSchema
from edudesk.intake.similarity import terms

# A model that knows only the schema's words is often barely better than a guess: unless its
# first choice is this many times more likely than a uniform guess among the categories, the
# request is filed under «Другое», which asks for the common data only. (Measured on the
# training split of tests/classify: cold-start macro-F1 0.50 → 0.59; a model that learned from
# examples does best choosing freely, so it gets no such floor.)
COLD_START_LIFT = 1.2
FALLBACK_CATEGORY = "other"
# Each schema document counts as this many examples, so that a handful of corrections does not
# drown the schema's own words in the first weeks.
SCHEMA_WEIGHT = 3.0
REGULARISATION = 10.0


def word_terms(text: str) -> list[str]:
    """Stemmed lemmas and pairs of neighbouring ones."""
    single = terms(text)
    return single + [f"{a} {b}" for a, b in itertools.pairwise(single)]


def schema_documents(schema: FormSchema, language: str = "ru") -> list[tuple[str, str]]:
    """(category, text) per category: what the schema itself says about that kind of problem."""
    documents = []
    for category in schema.categories:
        parts = [category.label.get(language), category.help.get(language)]
        for spec in category.fields:
            if spec.type == "file" and not spec.required:
                continue  # the optional screenshot every category offers says nothing about it
            parts += [spec.label.get(language), spec.help.get(language)]
        documents.append((category.key, "\n".join(part for part in parts if part)))
    return documents


@dataclass(frozen=True)
class Prediction:
    category: str
    confidence: float
    # The model's own first choice (the category may have fallen back to «Другое»).
    best: str


class CategoryModel:
    """Fit on (text, category) examples; predict a category and its probability."""

    def __init__(self, words: TfidfVectorizer, chars: TfidfVectorizer, classes: np.ndarray,
                 coef: np.ndarray, intercept: np.ndarray):
        self.words, self.chars = words, chars
        self.classes = [str(c) for c in classes]
        self.coef, self.intercept = coef, intercept

    @classmethod
    def fit(cls, texts: Sequence[str], labels: Sequence[str],
            weights: Sequence[float] | None = None) -> CategoryModel:
        if len(set(labels)) < 2:
            raise ValueError("a category model needs examples of at least two categories")
        words = TfidfVectorizer(analyzer=word_terms, sublinear_tf=True)
        chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                                lowercase=True, min_df=1)
        features = FeatureUnion([("words", words), ("chars", chars)]).fit_transform(
            [_prepare(t) for t in texts])
        regression = LogisticRegression(C=REGULARISATION, class_weight="balanced", max_iter=2000)
        regression.fit(features, list(labels), sample_weight=weights)
        return cls(words, chars, regression.classes_, regression.coef_, regression.intercept_)

    def probabilities(self, text: str, allowed: Sequence[str] | None = None) -> dict[str, float]:
        """Category → probability, over ``allowed`` categories only (the service's schema)."""
        prepared = [_prepare(text)]
        from scipy.sparse import hstack

        features = hstack([self.words.transform(prepared), self.chars.transform(prepared)]).tocsr()
        scores = np.asarray(features @ self.coef.T).ravel() + self.intercept
        if len(self.classes) == 2 and self.coef.shape[0] == 1:
            scores = np.array([-scores[0], scores[0]])
        keep = [i for i, c in enumerate(self.classes) if allowed is None or c in allowed]
        if not keep:
            return {}
        kept = scores[keep] - scores[keep].max()
        exp = np.exp(kept)
        probabilities = exp / exp.sum()
        return {self.classes[i]: float(p) for i, p in zip(keep, probabilities, strict=True)}

    def predict(self, text: str, allowed: Sequence[str] | None = None,
                min_lift: float = 0.0) -> Prediction | None:
        """The likeliest category; «Другое» when it is less than ``min_lift`` times as likely
        as a uniform guess."""
        probabilities = self.probabilities(text, allowed)
        if not probabilities:
            return None
        best = max(probabilities, key=probabilities.get)
        confidence = probabilities[best]
        category = best
        if confidence < min_lift / len(probabilities) and FALLBACK_CATEGORY in probabilities:
            category = FALLBACK_CATEGORY
        return Prediction(category=category, confidence=round(confidence, 3), best=best)

    # --- storage: plain arrays, no pickle --------------------------------------------------

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            word_terms=_vocabulary(self.words), word_idf=self.words.idf_,
            char_terms=_vocabulary(self.chars), char_idf=self.chars.idf_,
            classes=np.array(self.classes), coef=self.coef, intercept=self.intercept,
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> CategoryModel:
        arrays = np.load(io.BytesIO(data), allow_pickle=False)
        words = TfidfVectorizer(analyzer=word_terms, sublinear_tf=True,
                                vocabulary=[str(t) for t in arrays["word_terms"]])
        words.idf_ = arrays["word_idf"]
        chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                                vocabulary=[str(t) for t in arrays["char_terms"]])
        chars.idf_ = arrays["char_idf"]
        return cls(words, chars, arrays["classes"], arrays["coef"], arrays["intercept"])


def train(schema: FormSchema, examples: Sequence[tuple[str, str]]) -> CategoryModel:
    """A model from the schema's words and (text, category) examples of the schema's categories."""
    known = {category.key for category in schema.categories}
    documents = schema_documents(schema)
    taught = [(text, category) for text, category in examples if category in known and text.strip()]
    texts = [text for _c, text in documents] + [text for text, _c in taught]
    labels = [category for category, _t in documents] + [category for _t, category in taught]
    weights = [SCHEMA_WEIGHT] * len(documents) + [1.0] * len(taught)
    return CategoryModel.fit(texts, labels, weights)


def _prepare(text: str) -> str:
    return " ".join(text.lower().replace("ё", "е").split())


def _vocabulary(vectorizer: TfidfVectorizer) -> np.ndarray:
    ordered = sorted(vectorizer.vocabulary_.items(), key=lambda item: item[1])
    return np.array([term for term, _index in ordered], dtype=str)
