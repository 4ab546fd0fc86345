"""Duplicate detection cost: one rank_similar / confident_match call against 50 open tickets
and 10 of the writer's earlier tickets (``history``).

    .venv/bin/python bench/similarity_bench.py
    .venv/bin/python bench/similarity_bench.py --calls 500

The texts are the labelled requests of tests/similarity (framed by their writers as in the
ticket base). Timed: a call with a new query and 50 candidates whose features are cached (the
steady state: open tickets are compared again and again), the same with nothing cached (every
text lemmatised — the first call of a process), and counting a service's term weights over
1,000 tickets (once an hour per process, intake.term_weights). Quality figures are not here:
``python -m tests.similarity.evaluate``. Figures are printed and written to
var/bench/similarity_bench.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "var" / "bench" / "similarity_bench.json"
CANDIDATES = 50
HISTORY = 10


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"p50_ms": round(1000 * statistics.median(ordered), 3),
            "p95_ms": round(1000 * ordered[int(0.95 * (len(ordered) - 1))], 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    args, _other_benches_args = parser.parse_known_args()

    from edudesk.intake import similarity, text_features
    from tests.similarity.dataset import load, service_texts

    texts = [text for members in service_texts(load()).values() for text in members]
    rng = random.Random(7)
    weights = text_features.TermWeights.from_texts(texts)
    started = time.perf_counter()
    text_features.features.cache_clear()
    text_features.TermWeights.from_texts(rng.choice(texts) + f" {n}" for n in range(1000))
    counting = time.perf_counter() - started

    def timed(call, *, cold: bool) -> list[float]:
        samples = []
        for _ in range(args.calls):
            query, *others = rng.sample(texts, CANDIDATES + HISTORY + 1)
            candidates, history = list(enumerate(others[:CANDIDATES])), others[CANDIDATES:]
            if cold:
                text_features.features.cache_clear()
                text_features.word_lemma.cache_clear()
            else:
                for other in others:
                    text_features.features(other)
            started = time.perf_counter()
            call(query, candidates, weights=weights, history=history)
            samples.append(time.perf_counter() - started)
        return samples

    figures = {
        "candidates": CANDIDATES,
        "history": HISTORY,
        "rank_similar_warm": _percentiles(timed(similarity.rank_similar, cold=False)),
        "confident_match_warm": _percentiles(timed(similarity.confident_match, cold=False)),
        "rank_similar_cold": _percentiles(timed(similarity.rank_similar, cold=True)),
        "term_weights_1000_tickets_s": round(counting, 3),
    }
    for name, value in figures.items():
        print(f"{name:30} {value}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
