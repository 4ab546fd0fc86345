"""Measure the category classifier on the labelled requests (held-out split).

    .venv/bin/python -m tests.classify.evaluate

Prints macro-F1 over the seven categories for two models per service: the cold start (the
service schema's own words only) and after learning (the schema's words plus the training
split, standing for agents' corrections). Each service's model chooses among its own schema's
categories, as in production.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from tests.classify.dataset import Labelled, load, split


@dataclass
class Scores:
    macro_f1: float
    accuracy: float
    per_category: dict[str, tuple[float, float, float, int]]  # precision, recall, F1, support


def score(pairs: list[tuple[str, str]]) -> Scores:
    """(true, predicted) pairs → macro-F1 over the true categories."""
    labels = sorted({true for true, _p in pairs})
    per = {}
    for label in labels:
        tp = sum(1 for t, p in pairs if t == label and p == label)
        fp = sum(1 for t, p in pairs if t != label and p == label)
        fn = sum(1 for t, p in pairs if t == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per[label] = (precision, recall, f1, tp + fn)
    macro = sum(v[2] for v in per.values()) / len(per)
    accuracy = sum(1 for t, p in pairs if t == p) / len(pairs)
    return Scores(macro, accuracy, per)


def evaluate(train_items: list[Labelled], test_items: list[Labelled], learn: bool):
    from edudesk.intake.classifier import COLD_START_LIFT, train
    from edudesk.intake.seed_schemas import initial_schema

    pairs = []
    for service in sorted({item.service for item in test_items}):
        schema = initial_schema(service)
        examples = [(i.text, i.label) for i in train_items if i.service == service] if learn else []
        model = train(schema, examples)
        allowed = [c.key for c in schema.categories]
        for item in test_items:
            if item.service == service:
                lift = 0 if learn else COLD_START_LIFT  # as intake.categorize.suggest
                pairs.append((item.label, model.predict(item.text, allowed, min_lift=lift).category))
    return score(pairs)


def main() -> None:
    import django

    django.setup()
    items = load("categories.txt")
    train_items, test_items = split(items)
    print(f"{len(items)} labelled requests: {len(train_items)} to learn from, "
          f"{len(test_items)} held out ({dict(sorted(Counter(i.label for i in test_items).items()))})")
    for name, learn in (("cold start (schema words only)", False), ("with learning", True)):
        result = evaluate(train_items, test_items, learn)
        print(f"\n{name}: macro-F1 {result.macro_f1:.3f}, accuracy {result.accuracy:.3f}")
        for label, (p, r, f, n) in result.per_category.items():
            print(f"  {label:12} P {p:.2f}  R {r:.2f}  F1 {f:.2f}  n={n}")


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edudesk.settings")
    main()
