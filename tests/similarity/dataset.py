"""The labelled requests under ``data/``: loading, and the pairs and ranking groups built from them.

Every request belongs to a cluster (requests about THE SAME problem) inside a family (requests
about the same part of the product). Two kinds of test items are derived from the labels, the
same every run:

* pairs: every two requests of a family (same cluster: a duplicate; different clusters: a hard
  negative, same product words and a different problem) and a few requests of other families
  of the service (easy negatives);
* groups, the way duplicates are offered: one new request against several open tickets. Each
  request of a cluster with another member is asked twice: once with one other member of its
  cluster among the candidates (one true duplicate) and once without (no duplicate at all).
  The other candidates are a request of each other cluster of its family and a few of the
  service's other families.

Half of the pairs and groups come from one requester: the query and every candidate are framed
alike (the same greeting, school, signature — ``data/signatures.txt``), as the open tickets of
one teacher are. Frames are what a naive scorer takes for a shared problem. Each item also has
the writer's history: three earlier requests of theirs about other parts of the product
(framed alike too when the writer frames), as production passes their closed tickets.

Families marked ``holdout`` form the held-out split: their pairs and groups use held-out
requests only, and nothing is tuned on them.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

DATA = Path(__file__).parent / "data"
SEED = 20261130
EASY_NEGATIVES = 2
OTHER_FAMILY_CANDIDATES = 3
HISTORY = 3


@dataclass(frozen=True)
class Request:
    key: int
    service: str
    family: str
    cluster: str
    holdout: bool
    text: str


@dataclass(frozen=True)
class Pair:
    first: Request
    second: Request
    framed: bool = False  # both written by one requester who frames each letter alike
    history: tuple[Request, ...] = ()

    @property
    def same(self) -> bool:
        return self.first.cluster == self.second.cluster


@dataclass(frozen=True)
class Group:
    query: Request
    candidates: tuple[Request, ...]
    history: tuple[Request, ...] = ()

    @property
    def duplicate(self) -> Request | None:
        return next((c for c in self.candidates if c.cluster == self.query.cluster), None)


def load(name: str = "requests.txt") -> list[Request]:
    requests: list[Request] = []
    service = family = cluster = ""
    holdout = False
    for raw in (DATA / name).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@ "):
            service, family, *flags = line[2:].split()
            holdout, cluster = "holdout" in flags, ""
        elif line.startswith("= "):
            cluster = f"{family}/{line[2:].strip()}"
        else:
            if not cluster:
                raise ValueError(f"a request outside a cluster: {line!r}")
            requests.append(Request(len(requests), service, family, cluster, holdout, line))
    return requests


def frames(name: str = "signatures.txt") -> dict[str, list[tuple[str, str]]]:
    """{service: [(before the problem, after it)]}: how one requester frames each letter."""
    result: dict[str, list[tuple[str, str]]] = defaultdict(list)
    service = ""
    for raw in (DATA / name).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@ "):
            service = line[2:].strip()
        else:
            before, after = line.replace("\\n", "\n").split("|")
            result[service].append((before, after))
    return dict(result)


def _framed(requests: list[Request], frame: tuple[str, str]) -> list[Request]:
    before, after = frame
    return [replace(r, text="\n".join(part for part in (before, r.text, after) if part))
            for r in requests]


def _maybe_framed(rng: random.Random, all_frames: dict, service: str,
                  requests: list[Request]) -> tuple[list[Request], tuple[str, str] | None]:
    """Every second item, at random, comes from one requester who frames each letter alike."""
    if rng.random() < 0.5 or not all_frames.get(service):
        return requests, None
    frame = rng.choice(all_frames[service])
    return _framed(requests, frame), frame


def _history(rng: random.Random, everyone: list[Request], shown: list[Request],
             frame: tuple[str, str] | None) -> tuple[Request, ...]:
    """The writer's earlier requests: of the service, about none of the shown requests' families."""
    families = {r.family for r in shown}
    pool = [r for r in everyone if r.service == shown[0].service and r.family not in families]
    earlier = rng.sample(pool, min(HISTORY, len(pool)))
    return tuple(_framed(earlier, frame) if frame else earlier)


def split(requests: list[Request]) -> tuple[list[Request], list[Request]]:
    return [r for r in requests if not r.holdout], [r for r in requests if r.holdout]


def _by(requests: list[Request], attribute: str) -> dict[str, list[Request]]:
    grouped: dict[str, list[Request]] = defaultdict(list)
    for request in requests:
        grouped[getattr(request, attribute)].append(request)
    return grouped


def pairs(requests: list[Request]) -> list[Pair]:
    rng = random.Random(SEED)
    all_frames = frames()
    plain = []
    for members in _by(requests, "family").values():
        plain += [(a, b) for i, a in enumerate(members) for b in members[i + 1:]]
    for service_requests in _by(requests, "service").values():
        for request in service_requests:
            others = [r for r in service_requests if r.family != request.family]
            plain += [(request, other)
                      for other in rng.sample(others, min(EASY_NEGATIVES, len(others)))]
    result = []
    history_rng = random.Random(SEED + 1)
    for a, b in plain:
        (first, second), frame = _maybe_framed(rng, all_frames, a.service, [a, b])
        result.append(Pair(first, second, framed=frame is not None,
                           history=_history(history_rng, requests, [a, b], frame)))
    return result


def groups(requests: list[Request]) -> list[Group]:
    rng = random.Random(SEED)
    history_rng = random.Random(SEED + 1)
    all_frames = frames()
    clusters = _by(requests, "cluster")
    result = []
    for request in requests:
        family = [c for name, c in clusters.items()
                  if c[0].family == request.family and name != request.cluster]
        neighbours = [rng.choice(members) for members in family]
        others = [r for r in requests if r.service == request.service and r.family != request.family]
        neighbours += rng.sample(others, min(OTHER_FAMILY_CANDIDATES, len(others)))
        own = [r for r in clusters[request.cluster] if r is not request]
        variants = [neighbours]
        if own:
            with_duplicate = [*neighbours]
            with_duplicate.insert(rng.randrange(len(with_duplicate) + 1), rng.choice(own))
            variants.append(with_duplicate)
        for candidates in variants:
            shown = [request, *candidates]
            (query, *framed), frame = _maybe_framed(rng, all_frames, request.service, shown)
            result.append(Group(query, tuple(framed), _history(history_rng, requests, shown, frame)))
    return result


def service_texts(requests: list[Request]) -> dict[str, list[str]]:
    """Each service's requests as its ticket base holds them: what per-service term weights are
    counted over (text only, no labels). Every second one comes framed by its writer, the
    frames taken in turn, as letters from many schools are."""
    all_frames = frames()
    texts = {}
    for service, members in _by(requests, "service").items():
        own = all_frames.get(service, [])
        texts[service] = [
            _framed([r], own[(r.key // 2) % len(own)])[0].text if own and r.key % 2 else r.text
            for r in members]
    return texts
