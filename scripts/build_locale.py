"""Build the translation catalogues (developers only; the compiled .mo files are committed).

msgids are Russian (the default language); the English translations come from the
``i18n_en.tsv`` files kept next to each app (``russian<TAB>english`` per line).
Steps: extract every msgid with ``makemessages`` (needs GNU gettext), fill the English
catalogue from the TSV files, keep the Russian catalogue identity-mapped, compile both.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "edudesk" / "locale"


def load_translations() -> dict[str, list[str]]:
    """Russian msgid → its English: one form, or two for a plural (one, many)."""
    translations: dict[str, list[str]] = {}
    for tsv in sorted((ROOT / "edudesk").glob("*/i18n_en.tsv")):
        for number, line in enumerate(tsv.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            ru, *english = line.split("\t")
            if not 1 <= len(english) <= 2:
                sys.exit(f"{tsv}:{number}: expected 'russian<TAB>english' "
                         "(or 'russian<TAB>english one<TAB>english many' for a plural)")
            translations[ru.replace("\\n", "\n")] = [en.replace("\\n", "\n") for en in english]
    return translations


def fill(po_path: Path, translations: dict[str, list[str]]) -> list[str]:
    """Fill empty msgstr entries of a .po file; return msgids left untranslated."""
    import polib

    catalogue = polib.pofile(str(po_path))
    missing = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            # msgmerge's guess from a similar msgid is wrong more often than not
            # («Объявить инцидент» → "Send the rating"): untranslated is better than that.
            entry.msgstr = ""
            entry.msgstr_plural = dict.fromkeys(entry.msgstr_plural, "")
        english = translations.get(entry.msgid)
        if entry.msgid_plural:
            if english:  # English has two forms: one, and many (a single form serves both)
                entry.msgstr_plural = {0: english[0], 1: english[-1]}
            elif not all(entry.msgstr_plural.values()):
                missing.append(entry.msgid)
        elif english:
            entry.msgstr = english[0]
        elif not entry.msgstr:
            missing.append(entry.msgid)
    catalogue.save()
    catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
    return missing


def main() -> None:
    subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "en", "-l", "ru",
                    "--no-location", "--ignore=.venv/*", "--ignore=var/*", "--ignore=bench/*"],
                   cwd=ROOT, check=True)
    missing = fill(LOCALE / "en" / "LC_MESSAGES" / "django.po", load_translations())
    fill(LOCALE / "ru" / "LC_MESSAGES" / "django.po", {})
    if missing:
        print(f"{len(missing)} msgids have no English translation yet:")
        for msgid in missing:
            print("  ", msgid.replace("\n", "\\n"))


if __name__ == "__main__":
    main()
