"""Form schemas: which data a service asks for, in common and per category of problem.

A schema is plain data. It is stored as JSON (a JSONField editable in the admin), so every
label and help text carries its own translations (``{"ru": ..., "en": ...}``) instead of
relying on the gettext catalogue, which only knows the strings written in code.

Shape of the JSON document::

    {"service": "eschool", "version": 1,
     "common": [<field>, ...],
     "categories": [{"key": "error", "label": {...}, "help": {...}, "fields": [<field>, ...],
                     "suggestion": false}, ...]}

    <field> = {"key": "browser", "label": {"ru": ..., "en": ...}, "type": "browser",
               "required": true, "help": {...}, "choices": [{"value": ..., "label": {...}}],
               "context_key": "login", "max_length": 300, "min_files": 1}

A plain string is accepted wherever a translated text is expected (it is Russian).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

FIELD_TYPES = (
    "text",
    "textarea",
    "email",
    "phone",
    "url",
    "login",
    "choice",
    "region",  # Russia's subjects (core.regions), unless the field lists its own choices
    "browser",
    "file",
)

# Claims of the signed widget token that a field may be filled from (and locked by).
CONTEXT_KEYS = ("full_name", "login", "role", "organisation", "platform_url", "email", "phone")

DEFAULT_MAX_LENGTH = {"textarea": 10_000}
TEXT_MAX_LENGTH = 300
DEFAULT_LANGUAGE = "ru"


class SchemaError(ValueError):
    """A schema document is malformed; ``path`` says where (``categories[2].fields[0].type``)."""

    def __init__(self, path: str, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


@dataclass(frozen=True)
class LocalText:
    """A user-facing text in several languages; Russian is the fallback."""

    translations: Mapping[str, str]

    def get(self, language: str | None = None) -> str:
        language = (language or DEFAULT_LANGUAGE).split("-")[0].lower()
        return self.translations.get(language) or self.translations.get(DEFAULT_LANGUAGE, "")

    def __bool__(self) -> bool:
        return any(self.translations.values())

    def to_json(self) -> dict[str, str]:
        return dict(self.translations)

    @classmethod
    def parse(cls, raw: Any, path: str) -> LocalText:
        if raw is None:
            return cls({})
        if isinstance(raw, str):
            return cls({DEFAULT_LANGUAGE: raw})
        if isinstance(raw, Mapping) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in raw.items()
        ):
            return cls(dict(raw))
        raise SchemaError(path, "expected a string or an object of language → string")


def tr(ru: str, en: str = "") -> LocalText:
    """Shorthand for seeds and tests: ``tr("Регион", "Region")``."""
    return LocalText({"ru": ru, "en": en} if en else {"ru": ru})


@cache
def _region_choices() -> tuple[Choice, ...]:
    from edudesk.core import regions

    return tuple(Choice(name, LocalText({DEFAULT_LANGUAGE: name})) for name in regions.names())


@dataclass(frozen=True)
class Choice:
    value: str
    label: LocalText

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "label": self.label.to_json()}


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: LocalText
    type: str = "text"
    required: bool = True
    help: LocalText = field(default_factory=lambda: LocalText({}))
    choices: tuple[Choice, ...] = ()
    context_key: str = ""
    max_length: int = 0
    min_files: int = 0

    @property
    def effective_max_length(self) -> int:
        return self.max_length or DEFAULT_MAX_LENGTH.get(self.type, TEXT_MAX_LENGTH)

    @property
    def effective_min_files(self) -> int:
        """A required file field needs at least one file unless it says more."""
        if self.type != "file":
            return 0
        return max(self.min_files, 1 if self.required else 0)

    def choice_values(self) -> tuple[str, ...]:
        return tuple(choice.value for choice in self.choices)

    @property
    def offered_choices(self) -> tuple[Choice, ...]:
        """What a form offers: the field's own choices, or for a region Russia's subjects."""
        if self.choices or self.type != "region":
            return self.choices
        return _region_choices()

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "key": self.key,
            "label": self.label.to_json(),
            "type": self.type,
            "required": self.required,
        }
        if self.help:
            data["help"] = self.help.to_json()
        if self.choices:
            data["choices"] = [choice.to_json() for choice in self.choices]
        if self.context_key:
            data["context_key"] = self.context_key
        if self.max_length:
            data["max_length"] = self.max_length
        if self.min_files:
            data["min_files"] = self.min_files
        return data

    @classmethod
    def from_json(cls, raw: Any, path: str) -> FieldSpec:
        if not isinstance(raw, Mapping):
            raise SchemaError(path, "expected an object")
        key = raw.get("key")
        if not isinstance(key, str) or not key.isidentifier():
            raise SchemaError(f"{path}.key", "expected an identifier (letters, digits, _)")
        field_type = raw.get("type", "text")
        if field_type not in FIELD_TYPES:
            raise SchemaError(f"{path}.type", f"unknown type {field_type!r}")
        required = raw.get("required", True)
        if not isinstance(required, bool):
            raise SchemaError(f"{path}.required", "expected true or false")
        choices = tuple(
            _parse_choice(item, f"{path}.choices[{index}]")
            for index, item in enumerate(raw.get("choices") or ())
        )
        if field_type == "choice" and not choices:
            raise SchemaError(f"{path}.choices", "a choice field needs choices")
        context_key = raw.get("context_key", "") or ""
        if context_key and context_key not in CONTEXT_KEYS:
            raise SchemaError(f"{path}.context_key", f"unknown context key {context_key!r}")
        label = LocalText.parse(raw.get("label"), f"{path}.label")
        if not label:
            raise SchemaError(f"{path}.label", "a field needs a label")
        return cls(
            key=key,
            label=label,
            type=field_type,
            required=required,
            help=LocalText.parse(raw.get("help"), f"{path}.help"),
            choices=choices,
            context_key=context_key,
            max_length=_non_negative_int(raw.get("max_length", 0), f"{path}.max_length"),
            min_files=_non_negative_int(raw.get("min_files", 0), f"{path}.min_files"),
        )


@dataclass(frozen=True)
class CategorySpec:
    key: str
    label: LocalText
    fields: tuple[FieldSpec, ...] = ()
    help: LocalText = field(default_factory=lambda: LocalText({}))
    # Suggestions for improving the platform get their own status («Предложения по СДО»).
    suggestion: bool = False

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "key": self.key,
            "label": self.label.to_json(),
            "fields": [spec.to_json() for spec in self.fields],
        }
        if self.help:
            data["help"] = self.help.to_json()
        if self.suggestion:
            data["suggestion"] = True
        return data

    @classmethod
    def from_json(cls, raw: Any, path: str) -> CategorySpec:
        if not isinstance(raw, Mapping):
            raise SchemaError(path, "expected an object")
        key = raw.get("key")
        if not isinstance(key, str) or not key.isidentifier():
            raise SchemaError(f"{path}.key", "expected an identifier (letters, digits, _)")
        label = LocalText.parse(raw.get("label"), f"{path}.label")
        if not label:
            raise SchemaError(f"{path}.label", "a category needs a label")
        fields_raw = raw.get("fields") or []
        if not isinstance(fields_raw, list):
            raise SchemaError(f"{path}.fields", "expected a list")
        suggestion = raw.get("suggestion", False)
        if not isinstance(suggestion, bool):
            raise SchemaError(f"{path}.suggestion", "expected true or false")
        return cls(
            key=key,
            label=label,
            fields=tuple(
                FieldSpec.from_json(item, f"{path}.fields[{index}]")
                for index, item in enumerate(fields_raw)
            ),
            help=LocalText.parse(raw.get("help"), f"{path}.help"),
            suggestion=suggestion,
        )


@dataclass(frozen=True)
class FormSchema:
    service: str
    common: tuple[FieldSpec, ...]
    categories: tuple[CategorySpec, ...]
    version: int = 1

    def category(self, key: str) -> CategorySpec:
        for category in self.categories:
            if category.key == key:
                return category
        raise KeyError(key)

    def has_category(self, key: str) -> bool:
        return any(category.key == key for category in self.categories)

    def fields_for(self, category_key: str) -> tuple[FieldSpec, ...]:
        """The form of one category: the common fields, then the category's own."""
        return self.common + self.category(category_key).fields

    def file_field_for(self, category_key: str) -> FieldSpec | None:
        return next((f for f in self.fields_for(category_key) if f.type == "file"), None)

    def iter_fields(self) -> Iterator[tuple[str, FieldSpec]]:
        for spec in self.common:
            yield "common", spec
        for category in self.categories:
            for spec in category.fields:
                yield category.key, spec

    def to_json(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "version": self.version,
            "common": [spec.to_json() for spec in self.common],
            "categories": [category.to_json() for category in self.categories],
        }

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2)

    @classmethod
    def loads(cls, document: str) -> FormSchema:
        try:
            raw = json.loads(document)
        except json.JSONDecodeError as exc:
            raise SchemaError("$", f"not valid JSON: {exc}") from exc
        return cls.from_json(raw)

    @classmethod
    def from_json(cls, raw: Any) -> FormSchema:
        if not isinstance(raw, Mapping):
            raise SchemaError("$", "expected an object")
        service = raw.get("service")
        if not isinstance(service, str) or not service:
            raise SchemaError("service", "expected the service's slug")
        common_raw = raw.get("common") or []
        categories_raw = raw.get("categories") or []
        if not isinstance(common_raw, list):
            raise SchemaError("common", "expected a list")
        if not isinstance(categories_raw, list) or not categories_raw:
            raise SchemaError("categories", "expected a non-empty list")
        schema = cls(
            service=service,
            version=_non_negative_int(raw.get("version", 1), "version"),
            common=tuple(
                FieldSpec.from_json(item, f"common[{index}]")
                for index, item in enumerate(common_raw)
            ),
            categories=tuple(
                CategorySpec.from_json(item, f"categories[{index}]")
                for index, item in enumerate(categories_raw)
            ),
        )
        _check_unique_keys(schema)
        return schema


def _check_unique_keys(schema: FormSchema) -> None:
    category_keys = [category.key for category in schema.categories]
    duplicates = {key for key in category_keys if category_keys.count(key) > 1}
    if duplicates:
        raise SchemaError("categories", f"duplicate category keys: {sorted(duplicates)}")
    common_keys = [spec.key for spec in schema.common]
    for index, category in enumerate(schema.categories):
        keys = common_keys + [spec.key for spec in category.fields]
        duplicates = {key for key in keys if keys.count(key) > 1}
        if duplicates:
            raise SchemaError(
                f"categories[{index}].fields", f"duplicate field keys: {sorted(duplicates)}"
            )
        if sum(spec.type == "file" for spec in schema.fields_for(category.key)) > 1:
            raise SchemaError(f"categories[{index}].fields", "at most one file field per form")


def _parse_choice(raw: Any, path: str) -> Choice:
    if isinstance(raw, str):
        return Choice(value=raw, label=LocalText({DEFAULT_LANGUAGE: raw}))
    if not isinstance(raw, Mapping) or not isinstance(raw.get("value"), str):
        raise SchemaError(path, "expected a string or {value, label}")
    label = LocalText.parse(raw.get("label"), f"{path}.label")
    return Choice(value=raw["value"], label=label or LocalText({DEFAULT_LANGUAGE: raw["value"]}))


def _non_negative_int(raw: Any, path: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise SchemaError(path, "expected a non-negative integer")
    return raw
