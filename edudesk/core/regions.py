"""Russia's regions: the 89 subjects of the Federation (``data/regions_ru.txt``), shipped.

Forms offer them where a region is asked (a schema field of type ``region``, the desk's and the
reports' filters, the admin's organisations); a value typed or mailed the usual ways
(«Тверская обл.», «г. Москва», «Татарстан», «ХАНТЫ-МАНСИЙСКИЙ АО») is read as its name in the
list. A service that names its regions otherwise gives the field its own choices, which win.
"""

import re
from functools import cache
from pathlib import Path

from django import forms

DATA = Path(__file__).resolve().parent / "data" / "regions_ru.txt"

# Shortenings people write, as whole words: «обл.», «респ.», «АО», «г.».
_SHORT = {"обл": "область", "респ": "республика", "ао": "автономный округ",
          "аобл": "автономная область"}
# Words that only say what kind of subject it is: «Татарстан» names the republic alone.
_KIND_WORDS = frozenset({"республика", "область", "край", "автономный", "автономная", "округ",
                         "народная", "г", "город"})
_WORD = re.compile(r"[0-9a-zа-я]+")


@cache
def names() -> tuple[str, ...]:
    lines = DATA.read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _words(value: str) -> list[str]:
    text = value.casefold().replace("ё", "е")
    return [_SHORT.get(word, word) for word in _WORD.findall(text)]


def _keys(value: str) -> tuple[str, str]:
    """The whole name's key, and the key of its distinctive words only."""
    words = " ".join(_words(value)).split()
    return " ".join(words), " ".join(w for w in words if w not in _KIND_WORDS)


@cache
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for name in names():
        # «Республика Саха (Якутия)» is also «Якутия»; «Кемеровская область — Кузбасс» also
        # «Кемеровская область».
        plain = re.sub(r"\s*(\(.*?\)|—.*)$", "", name)
        variants = {name, plain, *re.findall(r"\((.*?)\)", name), *re.findall(r"—\s*(.+)$", name)}
        for variant in variants:
            for key in _keys(variant):
                if key:
                    index.setdefault(key, name)
    return index


def canonical(value: str) -> str:
    """The list's name of the region `value` names, or "" when it names none."""
    for key in _keys(value):
        if key and key in _index():
            return _index()[key]
    return ""


def choices() -> list[tuple[str, str]]:
    return [(name, name) for name in names()]


class RegionInput(forms.TextInput):
    """A text box offering the regions as you type (an HTML datalist); any text is kept, for
    filters and records that predate the list."""

    def __init__(self, attrs=None):
        super().__init__({"list": "regions-ru", "autocomplete": "off", **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        from django.utils.html import format_html, format_html_join

        options = format_html_join("", '<option value="{}"></option>', ((n,) for n in names()))
        return format_html('{}<datalist id="regions-ru">{}</datalist>',
                           super().render(name, value, attrs, renderer), options)
