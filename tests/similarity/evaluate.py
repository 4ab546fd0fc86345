"""Measure duplicate detection on the labelled requests (tests/similarity/data).

    .venv/bin/python -m tests.similarity.evaluate                 # this checkout
    .venv/bin/python -m tests.similarity.evaluate --before main~3 # and similarity.py of a commit

For the training and the held-out split separately:

* groups (one new request, several open tickets, at most one duplicate), as the product offers
  them: precision of what is offered (the first match of ``rank_similar``; the one match of
  ``confident_match``), recall over the groups that have a duplicate, the false-offer rate over
  the groups that have none, and how many matches ``rank_similar`` lists on average;
* pairs (a requester with one open ticket): precision and recall of an offer for one request
  against one other, separately for plainly written pairs and for pairs framed alike.

Per-service term weights are counted over all the service's requests (text only, no labels),
as production counts them over the service's tickets.
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from tests.similarity.dataset import Group, Pair, Request, groups, load, pairs, service_texts, split

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Figures:
    precision: float
    recall: float
    false_offers: float
    listed: float  # matches listed per group (rank_similar), 1 at most for confident_match
    groups: int
    # One open ticket only: (precision, recall) on pairs of plainly written requests, and on
    # pairs framed alike by one writer.
    plain_pairs: tuple[float, float]
    framed_pairs: tuple[float, float]
    pairs: int

    def line(self) -> str:
        return (f"precision {self.precision:.2f}  recall {self.recall:.2f}  "
                f"false offers {self.false_offers:.2f}  listed {self.listed:.2f}  "
                f"({self.groups} groups)")

    def pair_line(self) -> str:
        return (f"one open ticket: plain pairs precision {self.plain_pairs[0]:.2f} recall "
                f"{self.plain_pairs[1]:.2f}; framed pairs precision {self.framed_pairs[0]:.2f} "
                f"recall {self.framed_pairs[1]:.2f}  ({self.pairs} pairs)")


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


class Scorer:
    """One version of ``edudesk.intake.similarity``, with its service weights when it has them."""

    def __init__(self, module: ModuleType, requests: list[Request], *, history: bool = True):
        self.module = module
        self.history = history
        self.weights = {}
        if hasattr(module, "TermWeights"):
            self.weights = {service: module.TermWeights.from_texts(texts)
                            for service, texts in service_texts(requests).items()}

    def _kw(self, group: Group) -> dict:
        """What this version of the scorer can be told besides the texts."""
        accepted = inspect.signature(self.module.rank_similar).parameters
        kw = {}
        if "weights" in accepted:
            kw["weights"] = self.weights.get(group.query.service)
        if "history" in accepted and self.history:
            kw["history"] = [r.text for r in group.history]
        return kw

    def ranked(self, group: Group) -> list:
        return self.module.rank_similar(group.query.text, [(c.key, c.text) for c in group.candidates],
                                        **self._kw(group))

    def confident(self, group: Group):
        if not hasattr(self.module, "confident_match"):
            ranked = self.ranked(group)
            return ranked[0] if ranked else None
        return self.module.confident_match(group.query.text,
                                           [(c.key, c.text) for c in group.candidates],
                                           **self._kw(group))

    def pair_offered(self, pair: Pair, *, confident: bool) -> bool:
        group = Group(pair.first, (pair.second,), pair.history)
        return bool(self.confident(group) if confident else self.ranked(group))


def measure(scorer: Scorer, items: list[Request], *, confident: bool) -> Figures:
    offered = correct = with_duplicate = found = without = false_offers = listed = 0
    test_groups = groups(items)
    for group in test_groups:
        ranked = scorer.ranked(group)
        listed += 1 if confident and ranked else len(ranked)
        match = scorer.confident(group) if confident else (ranked[0] if ranked else None)
        duplicate = group.duplicate
        if match is not None:
            offered += 1
            correct += duplicate is not None and match.key == duplicate.key
        if duplicate is None:
            without += 1
            false_offers += match is not None
        else:
            with_duplicate += 1
            found += match is not None and match.key == duplicate.key
    test_pairs = pairs(items)

    def pair_figures(framed: bool) -> tuple[float, float]:
        chosen = [pair for pair in test_pairs if pair.framed == framed]
        said_same = [pair for pair in chosen if scorer.pair_offered(pair, confident=confident)]
        right = sum(pair.same for pair in said_same)
        return _ratio(right, len(said_same)), _ratio(right, sum(pair.same for pair in chosen))

    return Figures(
        precision=_ratio(correct, offered), recall=_ratio(found, with_duplicate),
        false_offers=_ratio(false_offers, without), listed=_ratio(listed, len(test_groups)),
        groups=len(test_groups), plain_pairs=pair_figures(False), framed_pairs=pair_figures(True),
        pairs=len(test_pairs),
    )


def evaluate(module: ModuleType | None = None, *,
             history: bool = True) -> dict[str, dict[str, Figures]]:
    """{split: {"rank_similar" | "confident_match": figures}} for this checkout's scorer
    (``history``: tell it the writer's earlier requests, when it takes them)."""
    if module is None:
        from edudesk.intake import similarity as module
    requests = load()
    scorer = Scorer(module, requests, history=history)
    result = {}
    for name, items in zip(("train", "held-out"), split(requests), strict=True):
        result[name] = {"rank_similar": measure(scorer, items, confident=False),
                        "confident_match": measure(scorer, items, confident=True)}
    return result


def _module_at(commit: str) -> ModuleType:
    source = subprocess.run(["git", "show", f"{commit}:edudesk/intake/similarity.py"], cwd=ROOT,
                            capture_output=True, check=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "similarity_before.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("similarity_before", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["similarity_before"] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="also measure edudesk/intake/similarity.py of this commit")
    args = parser.parse_args()
    requests = load()
    train, held_out = split(requests)
    print(f"{len(requests)} requests ({len(train)} train, {len(held_out)} held-out); "
          f"{len(pairs(train)) + len(pairs(held_out))} pairs, "
          f"{len(groups(train)) + len(groups(held_out))} groups")
    versions = [("before " + args.before, _module_at(args.before), False)] if args.before else []
    versions.append(("this checkout, without the writer's history", None, False))
    versions.append(("this checkout", None, True))
    for title, module, history in versions:
        print(f"\n== {title}")
        for split_name, figures in evaluate(module, history=history).items():
            for entry, fig in figures.items():
                print(f"{split_name:9} {entry:16} {fig.line()}")
                print(f"{'':26} {fig.pair_line()}")


if __name__ == "__main__":
    main()
