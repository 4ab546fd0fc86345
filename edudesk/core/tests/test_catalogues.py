"""The committed translation catalogues: English complete, and the compiled files match."""

import re
from pathlib import Path

import polib
import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "locale"


@pytest.mark.parametrize("language", ["en", "ru"])
def test_compiled_catalogue_matches_its_source(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    mo = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    source = {e.msgid: e.msgstr for e in po if not e.obsolete and e.msgstr and not e.msgid_plural}
    compiled = {e.msgid: e.msgstr for e in mo if e.msgid and not e.msgid_plural}
    assert compiled == source


def test_every_english_message_is_translated():
    po = polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.po"))
    untranslated = [e.msgid for e in po if not e.obsolete and not e.msgid_plural and not e.msgstr]
    assert untranslated == []


def test_the_seed_status_names_read_in_english():
    from edudesk.tickets.status import Status

    with translation.override("en"):
        assert str(Status.NEEDS_CLARIFICATION.label) == "Support needs clarification"
    with translation.override("ru"):
        assert str(Status.NEEDS_CLARIFICATION.label) == "Техподдержке требуется уточнение"


def _placeholders(text: str) -> set[str]:
    """The named %-placeholders of a message (%(n)d, %(number)s)."""
    return set(re.findall(r"%\((\w+)\)", text))


@pytest.mark.parametrize("language", ["en", "ru"])
def test_translations_keep_the_placeholders_of_their_message(language):
    """A translation with other placeholders than its message breaks at run time or says
    something else (msgmerge once guessed "Ticket %(number)s" for «Обработано писем: %(n)d.»)."""
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    wrong = []
    for entry in po:
        if entry.obsolete:
            continue
        forms = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        wrong += [(entry.msgid, form) for form in forms
                  if form and _placeholders(form) != _placeholders(entry.msgid)]
    assert wrong == []


def test_every_english_plural_message_is_translated():
    po = polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.po"))
    untranslated = [e.msgid for e in po if not e.obsolete and e.msgid_plural
                    and not all(e.msgstr_plural.values())]
    assert untranslated == []
