"""«Оформить официальное обращение» from a consultation: the service's intake form, prefilled.

The form is built from the service's schema (the common fields and the chosen category's),
filled with what is known about the caller. What it becomes is decided by the intake
pipeline (``intake.consultations.convert``), as for the API: missing data does not stop
registration (it is reported), malformed data (an e-mail without @) is refused with the
schema's message, shown next to its field here.
"""

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from edudesk.core import regions
from edudesk.intake import requester as requesters
from edudesk.intake.schema import FieldSpec, FormSchema
from edudesk.tickets.models import Consultation, Priority


def specs_for(schema: FormSchema, category: str) -> tuple[FieldSpec, ...]:
    specs = schema.fields_for(category) if schema.has_category(category) else schema.common
    return tuple(s for s in specs if s.type != "file" and s.key != "description")


# The schema's help is written to the customer («мы заполнили поле по данным вашего браузера»):
# the agent is told instead what to ask for the fields the customer's browser fills by itself,
# and which values come from the requester's record.
AGENT_HINTS = {
    "browser": _("Спросите у заявителя название и версию браузера: например, Chrome 120 или "
                 "Яндекс Браузер 24.1."),
}
PREFILLED_HINT = _("Заполнено по карточке заявителя — сверьте с ним.")


def agent_help(spec: FieldSpec, prefilled: bool) -> str:
    hints = [str(hint) for hint in (AGENT_HINTS.get(spec.type), prefilled and PREFILLED_HINT) if hint]
    return " ".join(hints)


def _widget(spec: FieldSpec, language: str) -> forms.Widget:
    if spec.type == "textarea":
        return forms.Textarea(attrs={"rows": 2})
    if spec.offered_choices:  # a choice, a region: what the pipeline accepts, nothing else
        return forms.Select(choices=[("", _("— выберите —")),
                                     *((c.value, c.label.get(language)) for c in spec.offered_choices)])
    return forms.TextInput()


def known_data(consultation: Consultation) -> dict[str, str]:
    """What is known about the caller, keyed like the schema's context keys."""
    known = requesters.known_values(consultation.contact)
    known.setdefault("full_name", consultation.caller_name)
    return known


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
            initial = known.get(spec.context_key or spec.key, "")
            if spec.type == "region" and not spec.choices:
                initial = regions.canonical(initial) or initial
            widget = _widget(spec, language)
            field = forms.CharField(label=spec.label.get(language), required=False, widget=widget,
                                    help_text=agent_help(spec, bool(initial)), initial=initial)
            name = f"f_{spec.key}"
            self.fields[name] = field
            if self.initial.get(name) == "":
                del self.initial[name]
        self.initial.setdefault("category", category)
        self.initial.setdefault("subject", consultation.topic)
        self.initial.setdefault("description", consultation.notes or consultation.topic)

    def schema_fields(self):
        return [self[f"f_{spec.key}"] for spec in self.specs]

    def values(self) -> dict[str, str]:
        """The schema fields as typed (the pipeline cleans and judges them)."""
        return {spec.key: (self.cleaned_data.get(f"f_{spec.key}") or "").strip()
                for spec in self.specs if self.cleaned_data.get(f"f_{spec.key}")}

    def show_errors(self, errors: dict[str, list[str]]) -> None:
        """The pipeline's refusal, each message next to its field."""
        names = {spec.key for spec in self.specs}
        for key, messages in errors.items():
            for message in messages:
                self.add_error(f"f_{key}" if key in names else None, message)
