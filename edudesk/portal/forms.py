"""What the form template needs for each schema field: plain data, decided here, not in templates."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language

from edudesk.core import regions
from edudesk.intake.attachments import DEFAULT_POLICY
from edudesk.intake.schema import FieldSpec, FormSchema
from edudesk.intake.submission import IncomingFile

INPUT_TYPES = {"email": "email", "phone": "tel", "url": "url"}
AUTOCOMPLETE = {"full_name": "name", "email": "email", "phone": "tel",
                "organisation": "organization", "institution": "organization"}
ACCEPTED_IMAGES = ".jpeg,.jpg,.png,image/jpeg,image/png"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    selected: bool


@dataclass(frozen=True)
class FieldView:
    key: str
    label: str
    help: str
    widget: str  # "input", "textarea", "select", "file"
    input_type: str
    value: str
    required: bool
    locked: bool
    errors: tuple[str, ...]
    choices: tuple[Choice, ...] = ()
    autocomplete: str = ""
    accept: str = ""

    @property
    def id(self) -> str:
        return f"field-{self.key}"

    @property
    def described_by(self) -> str:
        parts = [f"{self.id}-help" if self.help else "", f"{self.id}-errors" if self.errors else ""]
        return " ".join(part for part in parts if part)


@dataclass(frozen=True)
class CategoryView:
    key: str
    label: str
    help: str
    selected: bool


def category_views(schema: FormSchema, selected: str) -> list[CategoryView]:
    language = get_language()
    return [CategoryView(c.key, c.label.get(language), c.help.get(language), c.key == selected)
            for c in schema.categories]


def field_views(schema: FormSchema, category: str, values: dict[str, str],
                errors: dict[str, list[str]], locked: frozenset[str] = frozenset()) -> list[FieldView]:
    return [_field_view(spec, values, errors, locked) for spec in schema.fields_for(category)]


def without_help(message: str, help_text: str) -> str:
    """The intake's message quotes the field's help for channels without a form (a reply by
    mail); on the form the help stands under the field already, so the message stays short."""
    if help_text and message.endswith(help_text):
        return message[: -len(help_text)].rstrip()
    return message


def _field_view(spec: FieldSpec, values, errors, locked) -> FieldView:
    language = get_language()
    widget = {"textarea": "textarea", "choice": "select", "region": "select",
              "file": "file"}.get(spec.type, "input")
    value = values.get(spec.key, "")
    if spec.type == "region" and not spec.choices:
        value = regions.canonical(value) or value  # «Тверская обл.» on record selects its region
    help_text = spec.help.get(language)
    return FieldView(
        key=spec.key,
        label=spec.label.get(language),
        help=help_text,
        widget=widget,
        input_type=INPUT_TYPES.get(spec.type, "text"),
        value=value,
        required=spec.required,
        locked=spec.key in locked,
        errors=tuple(without_help(message, help_text) for message in errors.get(spec.key, ())),
        choices=tuple(Choice(c.value, c.label.get(language), c.value == value)
                      for c in spec.offered_choices),
        autocomplete=AUTOCOMPLETE.get(spec.key, ""),
        accept=ACCEPTED_IMAGES if spec.type == "file" else "",
    )


def incoming_files(request, name: str = "screenshots") -> list[IncomingFile]:
    """The uploaded files, each read only up to one byte past the size limit (so a huge file
    is refused as too big without being held in memory), and only as many as may be kept."""
    limit = DEFAULT_POLICY.max_bytes + 1
    files = []
    for index, upload in enumerate(request.FILES.getlist(name)):
        content = upload.read(limit) if index <= DEFAULT_POLICY.max_count else b""
        files.append(IncomingFile(upload.name, content, upload.content_type or ""))
    return files
