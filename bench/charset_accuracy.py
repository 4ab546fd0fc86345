"""Charset detection accuracy on the generated corpus (tests/mail/corpus_charsets.py).

    .venv/bin/python bench/charset_accuracy.py            # 300 texts per charset and case
    .venv/bin/python bench/charset_accuracy.py --per-case 100 --no-baselines

For every Russian charset and case, and every non-Russian language and charset, the share
of samples decoded to exactly their text, when the mail declares the right charset, none,
or a wrong one. Beside edudesk's detector (edudesk/mail/charsets.py): charset-normalizer
alone (it sees the bytes only, so one figure for all three), and the detector edudesk had
before (charsets.py on the commit given by --before, if it still exists).
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "var" / "bench" / "charset_accuracy.txt"


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _before(commit: str):
    """charsets.decode_text as it was on ``commit`` (None when git or the commit is missing)."""
    try:
        source = subprocess.run(["git", "show", f"{commit}:edudesk/mail/charsets.py"], cwd=ROOT,
                                capture_output=True, check=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    path = Path(tempfile.mkdtemp()) / "charsets_before.py"
    path.write_text(source, encoding="utf-8")
    return _load("charsets_before", path).decode_text


def _normalizer(payload: bytes, _declared: str | None = None) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(payload).best()
    return str(best) if best is not None else ""


def _percent(right: int, total: int) -> str:
    return f"{100 * right / total:5.1f}" if total else "  -  "


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-case", type=int, default=300)
    parser.add_argument("--before", default="407f909")
    parser.add_argument("--no-baselines", action="store_true")
    args = parser.parse_args()

    from edudesk.mail.charsets import decode_text

    corpus = _load("mail_corpus_corpus_charsets", ROOT / "tests" / "mail" / "corpus_charsets.py")
    detectors = {"edudesk": decode_text}
    if not args.no_baselines:
        before = _before(args.before)
        if before is not None:
            detectors["before"] = before
        detectors["charset-normalizer"] = _normalizer
    lines = []
    for title, samples, kinds in (
        ("Russian", corpus.russian_samples(args.per_case), corpus.DECLARATIONS),
        ("Other languages", corpus.foreign_samples(), corpus.FOREIGN_DECLARATIONS),
    ):
        results = {}
        for name, decoder in detectors.items():
            declarations = ["undeclared"] if name == "charset-normalizer" else list(kinds)
            for declaration in declarations:
                started = time.perf_counter()
                results[name, declaration] = corpus.accuracy(decoder, samples, declaration)
                elapsed = time.perf_counter() - started
                print(f"  {title}: {name} {declaration}: {1000 * elapsed / len(samples):.2f} ms/sample",
                      file=sys.stderr)
        columns = list(results)
        header = "| charset | case/language | n | " + " | ".join(
            f"{name} {declaration}" for name, declaration in columns) + " |"
        lines += [f"## {title} (% decoded exactly)", "", header,
                  "|" + "---|" * (3 + len(columns))]
        keys = list(results[columns[0]])
        totals = {column: [0, 0] for column in columns}
        for key in keys:
            cells = []
            for column in columns:
                right, total = results[column][key]
                totals[column][0] += right
                totals[column][1] += total
                cells.append(_percent(right, total))
            count = results[columns[0]][key][1]
            lines.append(f"| {key[0]} | {key[1]} | {count} | " + " | ".join(cells) + " |")
        lines.append(f"| all | | {totals[columns[0]][1]} | " + " | ".join(
            _percent(*totals[column]) for column in columns) + " |")
        lines.append("")
    report = "\n".join(lines)
    print(report)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(report + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
