"""One validation for every channel: web form, widget, API and mail.

Given a service's schema, the chosen category, the submitted field values, the files and the
context that arrived signed from the platform (the widget token), return the cleaned values,
the accepted screenshots and field-level messages in the active language. Messages for
missing data quote the seed's advice (the field's help text), because the advice says why.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from edudesk.accounts.phones import to_e164
from edudesk.core import regions
from edudesk.intake.attachments import (
    DEFAULT_POLICY,
    AcceptedImage,
    AttachmentPolicy,
    RefusedFile,
    Upload,
    check_uploads,
)
from edudesk.intake.schema import FieldSpec, FormSchema

CATEGORY_ERROR_KEY = "category"
DEFAULT_FILE_FIELD = "screenshots"


@dataclass
class ValidationResult:
    category: str
    cleaned: dict[str, str] = field(default_factory=dict)
    images: list[AcceptedImage] = field(default_factory=list)
    refused: list[RefusedFile] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)
    locked: frozenset[str] = frozenset()

    @property
    def ok(self) -> bool:
        return not self.errors

    def add_error(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)

    def messages(self) -> list[str]:
        """All messages in field order, for an error summary or a reply by mail."""
        return [message for messages in self.errors.values() for message in messages]


def validate_submission(
    schema: FormSchema,
    category_key: str,
    fields: Mapping[str, str],
    uploads: Iterable[Upload] = (),
    context: Mapping[str, str] | None = None,
    policy: AttachmentPolicy = DEFAULT_POLICY,
    already_attached: int = 0,
) -> ValidationResult:
    """Validate one submission against the schema of its category.

    Values signed by the platform (``context``, keyed by the fields' ``context_key``) win over
    what the user typed and are reported as locked, so a form cannot alter them. Fields that
    the schema does not know are dropped.
    """
    result = ValidationResult(category=category_key)
    if not schema.has_category(category_key):
        result.add_error(CATEGORY_ERROR_KEY, _("Выберите, к чему относится обращение."))
        specs: tuple[FieldSpec, ...] = schema.common
    else:
        specs = schema.fields_for(category_key)
    context = context or {}
    locked: set[str] = set()
    uploads = list(uploads)
    for spec in specs:
        if spec.type == "file":
            _validate_files(result, spec, uploads, policy, already_attached)
            uploads = []
            continue
        signed = (context.get(spec.context_key) or "").strip() if spec.context_key else ""
        if signed:
            cleaned, error = clean_value(spec, signed)
            if error is None:
                result.cleaned[spec.key] = cleaned
                locked.add(spec.key)
                continue
        raw = fields.get(spec.key)
        cleaned, error = clean_value(spec, raw if isinstance(raw, str) else "")
        if error:
            result.add_error(spec.key, error)
        elif cleaned:
            result.cleaned[spec.key] = cleaned
    if uploads:
        # The category asks for no screenshot (a suggestion), yet the channel brought files:
        # they still pass the same policy.
        _validate_files(result, None, uploads, policy, already_attached)
    result.locked = frozenset(locked)
    return result


def _validate_files(
    result: ValidationResult,
    spec: FieldSpec | None,
    uploads: list[Upload],
    policy: AttachmentPolicy,
    already_attached: int,
) -> None:
    key = spec.key if spec else DEFAULT_FILE_FIELD
    accepted, refused = check_uploads(uploads, policy, already_attached)
    result.images.extend(accepted)
    result.refused.extend(refused)
    for item in refused:
        result.add_error(key, item.message)
    needed = spec.effective_min_files if spec else 0
    if not refused and already_attached + len(accepted) < needed:
        result.add_error(key, _required_message(spec))


def clean_value(spec: FieldSpec, raw: str) -> tuple[str, str | None]:
    """Normalise one value; return (cleaned, None) or ("", message)."""
    value = raw.strip()
    if spec.type == "textarea":
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    else:
        value = " ".join(value.split())
    if not value:
        return "", (_required_message(spec) if spec.required else None)
    if len(value) > spec.effective_max_length:
        return "", _("Сократите текст до %(limit)d символов (сейчас %(length)d).") % {
            "limit": spec.effective_max_length,
            "length": len(value),
        }
    cleaner = _CLEANERS.get(spec.type)
    return cleaner(spec, value) if cleaner else (value, None)


def _required_message(spec: FieldSpec | None) -> str:
    if spec is None:
        return ""
    language = get_language()
    if spec.type == "file":
        message = _("Приложите снимок экрана в формате .jpeg или .png.")
    else:
        message = _("Заполните поле «%(label)s».") % {"label": spec.label.get(language)}
    advice = spec.help.get(language)
    return f"{message} {advice}" if advice else message


def email_error() -> str:
    return _("Укажите адрес электронной почты в виде name@example.ru.")


def is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _clean_email(spec: FieldSpec, value: str) -> tuple[str, str | None]:
    if not is_email(value):
        return "", email_error()
    local, _at, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}", None


_PHONE_CHARACTERS = re.compile(r"^\+?[\d\s()\-.]+$")


def _clean_phone(spec: FieldSpec, value: str) -> tuple[str, str | None]:
    digits = re.sub(r"\D", "", value)
    if not _PHONE_CHARACTERS.match(value) or not 10 <= len(digits) <= 15:
        return "", _("Укажите телефон с кодом города или оператора, например 8 800 200-95-82.")
    # E.164, Russian numbers written the domestic way included (8 (912) 345-67-89).
    return to_e164(value), None


_URL_VALIDATOR = URLValidator(schemes=["http", "https"])
_LOOKS_LIKE_HOST = re.compile(r"^[\w\-]+(\.[\w\-]+)+(:\d+)?(/|$)", re.UNICODE)


def _clean_url(spec: FieldSpec, value: str) -> tuple[str, str | None]:
    if "://" not in value and _LOOKS_LIKE_HOST.match(value):
        value = f"https://{value}"
    try:
        _URL_VALIDATOR(value)
    except ValidationError:
        return "", _(
            "Укажите ссылку целиком, как в адресной строке браузера, например "
            "https://sdo.example.ru/course/15."
        )
    return value, None


_LOGIN = re.compile(r"^[\w.@+\-]{2,150}$", re.UNICODE)


def _clean_login(spec: FieldSpec, value: str) -> tuple[str, str | None]:
    if not _LOGIN.match(value):
        return "", _(
            "Укажите логин так, как его вводят при входе в систему: без пробелов, "
            "буквы, цифры и знаки . _ - @ +."
        )
    return value, None


def _clean_choice(spec: FieldSpec, value: str) -> tuple[str, str | None]:
    wanted = value.casefold()
    for choice in spec.choices:
        names = {choice.value.casefold(), *(v.casefold() for v in choice.label.translations.values())}
        if wanted in names:
            return choice.value, None
    labels = ", ".join(choice.label.get(get_language()) for choice in spec.choices)
    return "", _("Выберите одно из значений: %(choices)s.") % {"choices": labels}


def _clean_region(spec: FieldSpec, value: str) -> tuple[str, str | None]:
    """A region of Russia, as the list names it («Тверская обл.» → «Тверская область»); a
    service that lists its own regions is held to its list."""
    if spec.choices:
        return _clean_choice(spec, value)
    name = regions.canonical(value)
    if not name:
        return "", _("Выберите регион из списка субъектов Российской Федерации, например "
                      "«Тверская область» или «Республика Татарстан».")
    return name, None


def _clean_browser(spec: FieldSpec, value: str) -> tuple[str, str | None]:
    if not (re.search(r"[^\W\d_]", value) and re.search(r"\d", value)):
        return "", _(
            "Укажите наименование и версию браузера, например: Chrome 120 или Firefox 128."
        )
    return value, None


_CLEANERS = {
    "email": _clean_email,
    "phone": _clean_phone,
    "url": _clean_url,
    "login": _clean_login,
    "choice": _clean_choice,
    "region": _clean_region,
    "browser": _clean_browser,
}
