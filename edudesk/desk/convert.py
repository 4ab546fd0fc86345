"""«Оформить официальное обращение» from a consultation: the service's intake form, prefilled.

The form is built from the service's schema (the common fields and the chosen category's),
filled with what is known about the caller. An agent registering a caller's request is
lenient, like the intake pipeline: missing data does not stop registration (it is reported),
but malformed data (an e-mail without @) is refused with the schema's message.
"""

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from edudesk.intake.schema import FieldSpec, FormSchema
from edudesk.intake.validation import clean_value
from edudesk.tickets.models import Consultation, Priority

# Schema context keys and plain keys → the caller's known data.
REQUESTER_KEYS = {"full_name": "full_name", "email": "email", "phone": "phone", "login": "login",
                  "role": "role", "organisation": "organisation"}
PLAIN_KEYS = {"region": "region", "city": "city"}


def specs_for(schema: FormSchema, category: str) -> tuple[FieldSpec, ...]:
    specs = schema.fields_for(category) if schema.has_category(category) else schema.common
    return tuple(s for s in specs if s.type != "file" and s.key != "description")


def known_data(consultation: Consultation) -> dict[str, str]:
    contact = consultation.contact
    organisation = contact.organisation if contact else None
    return {
        "full_name": (contact.full_name if contact else "") or consultation.caller_name,
        "email": contact.email if contact else "",
        "phone": contact.phone if contact else "",
        "login": contact.login if contact else "",
        "role": contact.role if contact else "",
        "organisation": organisation.name if organisation else "",
        "region": organisation.region if organisation else "",
        "city": organisation.city if organisation else "",
        "platform_url": organisation.lms_url if organisation else "",
    }


def requester_attribute(spec: FieldSpec) -> str:
    return REQUESTER_KEYS.get(spec.context_key) or PLAIN_KEYS.get(spec.key) or ""


class ConvertForm(forms.Form):
    category = forms.ChoiceField(label=_("К чему относится обращение"))
    subject = forms.CharField(label=_("Тема"), max_length=300)
    description = forms.CharField(label=_("Суть вопроса"), widget=forms.Textarea(attrs={"rows": 5}))
    priority = forms.ChoiceField(label=_("Приоритет"), choices=Priority.choices, initial=Priority.NORMAL)

    def __init__(self, *args, schema: FormSchema, category: str, consultation: Consultation, **kwargs):
        super().__init__(*args, **kwargs)
        language = get_language()
        self.schema, self.category_key = schema, category
        self.fields["category"].choices = [(c.key, c.label.get(language)) for c in schema.categories]
        known = known_data(consultation)
        self.specs = specs_for(schema, category)
        for spec in self.specs:
            widget = forms.Textarea(attrs={"rows": 2}) if spec.type == "textarea" else forms.TextInput
            field = forms.CharField(label=spec.label.get(language), required=False, widget=widget,
                                    help_text=spec.help.get(language))
            field.initial = known.get(requester_attribute(spec) or spec.context_key, "")
            name = f"f_{spec.key}"
            self.fields[name] = field
            if self.initial.get(name) == "":
                del self.initial[name]
        self.initial.setdefault("category", category)
        self.initial.setdefault("subject", consultation.topic)
        self.initial.setdefault("description", consultation.notes or consultation.topic)

    def schema_fields(self):
        return [self[f"f_{spec.key}"] for spec in self.specs]

    def clean(self):
        data = super().clean()
        self.values: dict[str, str] = {}
        self.missing: list[str] = []
        for spec in self.specs:
            raw = data.get(f"f_{spec.key}") or ""
            value, error = clean_value(spec, raw)
            if error and raw.strip():
                self.add_error(f"f_{spec.key}", error)
            elif error:
                self.missing.append(spec.label.get(get_language()))
            elif value:
                self.values[spec.key] = value
        requester = self.requester()
        if not (requester.get("email") or requester.get("phone") or requester.get("login")):
            raise forms.ValidationError(
                _("Укажите контактные данные заявителя: адрес электронной почты или телефон."))
        return data

    def requester(self) -> dict[str, str]:
        """The caller's data as the requester of the new ticket."""
        found = {}
        for spec in self.specs:
            attribute = requester_attribute(spec)
            if attribute and self.values.get(spec.key):
                found.setdefault(attribute, self.values[spec.key])
        return found
