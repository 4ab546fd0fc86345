"""The benchmark's table and JSON: each figure, its ratio to its floor, and how it grows with N."""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path

from storage import table as storage_table

THROUGHPUT_GROUPS = {"create", "insert", "job"}


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except OSError:
        mem_kb = 0
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(mem_kb / 1024 / 1024, 1),
            "python": platform.python_version(), "system": platform.platform()}


def cost(entry: dict) -> float | None:
    """What a measurement costs per unit: server p95 for reads, seconds per item for throughput."""
    if entry["group"] in THROUGHPUT_GROUPS:
        return 1 / entry["per_second"] if entry.get("per_second") else None
    return entry.get("server_p95_ms") or entry.get("p95_ms")


def growth(stages: list[dict]) -> dict[str, float | None]:
    """Cost at N divided by cost at N/10, per measurement (1.0 = flat)."""
    if len(stages) < 2:
        return {}
    small, large = stages[0]["measurements"], stages[-1]["measurements"]
    out = {}
    for name, entry in large.items():
        before, after = cost(small.get(name, {"group": "", "p95_ms": None})), cost(entry)
        out[name] = round(after / before, 2) if before and after else None
    storage = [stage.get("storage", {}).get("bytes_per_ticket") for stage in (stages[0], stages[-1])]
    if all(storage):
        out["storage per ticket"] = round(storage[1] / storage[0], 2)
    seed_small = stages[0]["seed_seconds"] / max(1, stages[0]["seeded"])
    seed_large = stages[-1]["seed_seconds"] / max(1, stages[-1]["seeded"])
    out["seeding (seconds per ticket)"] = round(seed_large / seed_small, 2) if seed_small else None
    return out


def _fmt(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}"


def _cpu(per_request: dict | None) -> str:
    """CPU ms per request: web workers / their database backends."""
    if not per_request:
        return "—"
    return " / ".join(_fmt(per_request.get(part)) for part in ("web", "postgresql") if part in per_request)


def table(result: dict) -> str:
    lines = []
    for stage in result["stages"]:
        lines.append(f"\n== {stage['tickets']:,} tickets "
                     f"(seeded {stage['seeded']:,} in {stage['seed_seconds']:.0f} s; "
                     f"load average {stage.get('load_average_before')}→{stage.get('load_average_after')})")
        lines.append(f"   web worker memory (MB): {stage.get('worker_memory', {})}")
        if stage.get("storage"):
            lines.append("   " + storage_table(stage["storage"]).replace("\n", "\n   "))
        lines.append(f"{'measurement':<44}{'n':>6}{'err':>5}{'per s':>9}{'p50 ms':>9}{'p95 ms':>9}"
                     f"{'p99 ms':>9}{'srv p95':>9}{'× floor':>9}{'CPU ms web/db':>15}")
        for name, m in stage["measurements"].items():
            lines.append(f"{name:<44}{m['requests']:>6}{m['errors']:>5}{_fmt(m['per_second']):>9}"
                         f"{_fmt(m['p50_ms']):>9}{_fmt(m['p95_ms']):>9}{_fmt(m['p99_ms']):>9}"
                         f"{_fmt(m['server_p95_ms']):>9}{_fmt(m.get('ratio_to_floor'), 2):>9}"
                         f"{_cpu(m.get('cpu_ms_per_request')):>15}")
            if m.get("cpu_ms_per_ticket") is not None:
                lines.append(f"    CPU ms per ticket {m['cpu_ms_per_ticket']} (PostgreSQL: every backend on "
                             f"the machine); committed at {m.get('committed_per_second')}/s")
            if m.get("first_error"):
                lines.append(f"    first error: {m['first_error'][:150]}")
    if result.get("growth"):
        lines.append(f"\n== growth of cost from {result['stages'][0]['tickets']:,} "
                     f"to {result['stages'][-1]['tickets']:,} tickets (1.00 = flat)")
        for name, value in result["growth"].items():
            lines.append(f"{name:<44}{_fmt(value, 2):>9}")
    return "\n".join(lines)


def write(result: dict, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    path = directory / f"bench-{stamp}.json"
    text = json.dumps(result, ensure_ascii=False, indent=2, default=str)
    path.write_text(text, encoding="utf-8")
    (directory / "latest.json").write_text(text, encoding="utf-8")
    (directory / "latest.txt").write_text(table(result) + "\n", encoding="utf-8")
    return path
