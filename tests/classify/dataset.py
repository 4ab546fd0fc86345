"""The labelled requests under ``data/``: loading and a fixed held-out split."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data"
TEST_SHARE = 0.3
SEED = 20261129


@dataclass(frozen=True)
class Labelled:
    service: str
    label: str
    text: str


def load(name: str) -> list[Labelled]:
    """Blocks of «### <service> <label>» followed by the request's text; «#» lines before the
    first block are comments."""
    items: list[Labelled] = []
    header: tuple[str, str] | None = None
    lines: list[str] = []
    for line in [*(DATA / name).read_text(encoding="utf-8").splitlines(), "### end"]:
        if line.startswith("### "):
            if header is not None:
                items.append(Labelled(header[0], header[1], "\n".join(lines).strip()))
            service, label = ([*line[4:].split(), ""])[:2]
            header, lines = (service, label), []
        elif header is not None:
            lines.append(line)
    return items


def split(items: list[Labelled]) -> tuple[list[Labelled], list[Labelled]]:
    """(train, test): TEST_SHARE of each service's category held out, the same every run."""
    groups: dict[tuple[str, str], list[Labelled]] = defaultdict(list)
    for item in items:
        groups[(item.service, item.label)].append(item)
    rng = random.Random(SEED)
    train, test = [], []
    for key in sorted(groups):
        group = list(groups[key])
        rng.shuffle(group)
        cut = max(1, round(len(group) * TEST_SHARE))
        test += group[:cut]
        train += group[cut:]
    return train, test
