"""Write edudesk/mail/russian_bigrams.tsv: how often each Russian letter follows another.

The charset detector (edudesk/mail/russian_text.py) scores a decoding by these counts.
They are counted from the Russian translations that ship with Debian programs
(/usr/share/locale/ru, about 7 MB of interface text) and with the pinned Django, none of
which is in the test corpus the detector is measured on. Word boundaries count as the
letter "_", so the table also knows which letters start and end words. ``ё`` is counted
as ``е`` (most people write it so). Run it again only to retrain; the output is committed.
"""

from __future__ import annotations

import collections
import re
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "edudesk" / "mail" / "russian_bigrams.tsv"
SOURCES = [Path("/usr/share/locale/ru/LC_MESSAGES"), Path(sys.prefix)]
_WORD = re.compile(r"[а-яё]+")
_PLACEHOLDER = re.compile(r"%\(?\w*\)?[sdifr]|\{[^}]*\}|&\w+;|<[^>]+>")


def catalogue_texts() -> list[str]:
    texts: list[str] = []
    for source in SOURCES:
        paths = sorted(source.glob("*.mo")) if source.name == "LC_MESSAGES" else sorted(
            source.glob("lib/python3*/site-packages/**/locale/ru/LC_MESSAGES/*.po")
        )
        for path in paths:
            catalogue = polib.mofile(str(path)) if path.suffix == ".mo" else polib.pofile(str(path))
            for entry in catalogue:
                texts.append(entry.msgstr)
                texts.extend(entry.msgstr_plural.values())
    return [_PLACEHOLDER.sub(" ", text) for text in texts if text]


def count_bigrams(texts: list[str]) -> collections.Counter[str]:
    counts: collections.Counter[str] = collections.Counter()
    for text in texts:
        for word in _WORD.findall(text.lower().replace("ё", "е")):
            padded = f"_{word}_"
            counts.update(padded[i : i + 2] for i in range(len(padded) - 1))
    return counts


def main() -> None:
    counts = count_bigrams(catalogue_texts())
    lines = [f"{pair}\t{count}" for pair, count in sorted(counts.items())]
    OUTPUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUTPUT.relative_to(ROOT)}: {len(lines)} pairs from {sum(counts.values())} letter pairs")


if __name__ == "__main__":
    main()
