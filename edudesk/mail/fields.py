"""The structured data people write into a mail: "Регион: Тверская область" lines.

The seeds ask mail writers to list their data (region, full name, institution, logins,
contacts, browser). A line ``Label: value`` whose label names a field of the service's
form (in Russian or English, shortened as people do: «Логин инициатора» for «Логин
пользователя инициатора заявки») fills that field; a phone number anywhere in the text
fills the phone field, and a browser named with its version («Яндекс Браузер 24.10») the
browser field.
"""

from __future__ import annotations

import re

from edudesk.intake.schema import FieldSpec, FormSchema

_LINE = re.compile(r"^\s*[-*•]?\s*([^:\n]{2,80}?)\s*[:—–]\s+(\S.*?)\s*$", re.MULTILINE)
_WORD = re.compile(r"[0-9a-zа-яё]+")
_STEM_LENGTH = 5
_PHONE = re.compile(r"(?<!\d)(?:\+7|8)[\s(-]*\d{3}[\s)-]*\d{3}[\s-]*\d{2}[\s-]*\d{2}(?!\d)")
# A browser named with its version anywhere in the text: «Яндекс Браузер 24.10», «Chrome 120».
_BROWSER = re.compile(
    r"(?<![\w-])((?:google\s+)?chrome|хром|(?:mozilla\s+)?firefox|фаерфокс|файрфокс|"
    r"(?:microsoft\s+)?edge|эдж|opera|опера|safari|сафари|"
    r"(?:яндекс|yandex)[\s.]*(?:браузер|browser)?)\s*(?:версии\s+|v\.?\s*)?(\d+(?:\.\d+)*)",
    re.IGNORECASE)
# Words that carry no meaning in a label ("с указанием", "под которым").
_STOP_STEMS = {"с", "в", "и", "на", "по", "для", "of", "the", "in", "under", "which"}


def _stems(text: str) -> set[str]:
    words = _WORD.findall(text.lower().replace("ё", "е"))
    return {word[:_STEM_LENGTH] for word in words} - _STOP_STEMS


def _label_stems(spec: FieldSpec) -> list[set[str]]:
    return [_stems(text) for text in spec.label.to_json().values() if text]


def _best_field(label: str, specs: list[FieldSpec]) -> FieldSpec | None:
    """The field whose label contains every word of ``label``, the closest one if several."""
    words = _stems(label)
    if not words:
        return None
    scored = []
    for spec in specs:
        for stems in _label_stems(spec):
            if words <= stems:
                scored.append((len(words) / len(stems), spec.key, spec))
    if not scored:
        return None
    scored.sort(key=lambda item: (-item[0], item[1]))
    if len(scored) > 1 and scored[0][0] == scored[1][0] and scored[0][1] != scored[1][1]:
        return None  # ambiguous: «Логин» alone could be either login
    return scored[0][2]


def _choice_value(spec: FieldSpec, value: str) -> str:
    """A choice written by its label («преподаватель») becomes the choice's value."""
    wanted = value.strip().rstrip(".").casefold()
    for choice in spec.choices:
        names = {choice.value.casefold(), *(t.casefold() for t in choice.label.to_json().values())}
        if wanted in names:
            return choice.value
    return value


def fields_from_text(text: str, schema: FormSchema, category: str = "") -> dict[str, str]:
    """Field values found in a mail's text, by field key (the first value of each wins)."""
    if category and schema.has_category(category):
        specs = list(schema.fields_for(category))
    else:
        specs = [spec for _category, spec in schema.iter_fields()]
    specs = [spec for spec in specs if spec.type not in ("file", "textarea")]
    values: dict[str, str] = {}
    for label, value in _LINE.findall(text):
        spec = _best_field(label, specs)
        if spec is not None and spec.key not in values:
            values[spec.key] = _choice_value(spec, value)
    browser_spec = next((spec for spec in specs if spec.type == "browser"), None)
    if browser_spec is not None and browser_spec.key not in values:
        match = _BROWSER.search(text)
        if match:
            values[browser_spec.key] = match.group(0).strip()
    phone_spec = next((spec for spec in specs if spec.type == "phone"), None)
    if phone_spec is not None and phone_spec.key not in values:
        match = _PHONE.search(text)
        if match:
            values[phone_spec.key] = match.group(0)
    return values
