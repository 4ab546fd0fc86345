"""Measure the several-problems check on the labelled requests.

    .venv/bin/python -m tests.classify.evaluate_problems

On the tuning set (problems.txt, which the rules were adjusted on) and on a held-out set
written afterwards (problems_holdout.txt). Prints precision and recall of «several problems»
(a request flagged for splitting that has several, and the share of those with several that
were flagged), how many flagged requests got the right number of items, and any item that
holds a greeting or a sign-off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tests.classify.dataset import load

COURTESY = re.compile(r"здравствуйте|добрый день|с уважением|спасибо", re.IGNORECASE)


@dataclass
class ProblemScores:
    precision: float
    recall: float
    right_count: int
    flagged_correctly: int
    total: int
    mistakes: list[str] = field(default_factory=list)
    courtesy_in_items: list[str] = field(default_factory=list)


def measure(name: str = "problems.txt") -> ProblemScores:
    from edudesk.intake.multiproblem import detect_problems

    tp = fp = fn = right_count = 0
    mistakes, courtesy = [], []
    items = load(name)
    for item in items:
        expected = int(item.label)
        found = detect_problems(item.text)
        count = len(found.items) if found else 1
        if expected > 1 and found:
            tp += 1
            right_count += count == expected
        elif found:
            fp += 1
        elif expected > 1:
            fn += 1
        if (expected > 1) != bool(found) or (found and count != expected):
            mistakes.append(f"expected {expected}, found {count}: {item.text[:90]!r}")
        if found:
            courtesy += [part for part in found.items if COURTESY.search(part)]
    return ProblemScores(
        precision=tp / (tp + fp) if tp + fp else 0.0, recall=tp / (tp + fn) if tp + fn else 0.0,
        right_count=right_count, flagged_correctly=tp, total=len(items), mistakes=mistakes,
        courtesy_in_items=courtesy)


def main() -> None:
    import django

    django.setup()
    for name, what in (("problems.txt", "tuning set"), ("problems_holdout.txt", "held out")):
        result = measure(name)
        print(f"{name} ({what}), {result.total} labelled requests: precision {result.precision:.3f}, "
              f"recall {result.recall:.3f}; right number of items in {result.right_count} of "
              f"{result.flagged_correctly} correctly flagged; greetings or sign-offs inside items: "
              f"{len(result.courtesy_in_items)}")
        for line in result.mistakes:
            print("  ", line)


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edudesk.settings")
    main()
