"""The desk's incident forms: declare, edit, post an update, resolve, link a ticket by number."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudesk.incidents.models import ChildSla
from edudesk.incidents.services import TITLE_LENGTH


class DeclareForm(forms.Form):
    service = forms.ModelChoiceField(queryset=None, label=_("Сервис"))
    title = forms.CharField(
        label=_("Заголовок"), max_length=TITLE_LENGTH,
        help_text=_("Коротко, словами пользователей: «Не открывается электронный журнал»."))
    public_text = forms.CharField(
        label=_("Текст для пользователей"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Его увидят на странице состояния, в форме обращения и в письмах."))
    tickets = forms.CharField(
        label=_("Обращения"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Номера обращений через пробел или запятую: они станут связанными."))
    regions = forms.CharField(label=_("Затронутые регионы"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("По одному в строке; пусто — все регионы."))
    organisations = forms.ModelMultipleChoiceField(
        queryset=None, required=False, label=_("Затронутые организации"),
        widget=forms.CheckboxSelectMultiple, help_text=_("Не отмечено ни одной — все организации."))
    started_at = forms.DateTimeField(label=_("Начало"), required=False,
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                format="%Y-%m-%dT%H:%M"),
                                     input_formats=["%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M"])
    child_sla = forms.ChoiceField(label=_("Сроки связанных обращений"), choices=ChildSla.choices,
                                  widget=forms.RadioSelect)

    def __init__(self, *args, services=None, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.fields["organisations"].queryset = organisations

    def clean_started_at(self):
        value = self.cleaned_data.get("started_at")
        if value is not None and value > timezone.now():
            raise forms.ValidationError(_("Начало инцидента не может быть в будущем."))
        return value

    def numbers(self) -> list[str]:
        text = self.cleaned_data.get("tickets", "")
        return list(dict.fromkeys(part for part in text.replace(",", " ").split() if part))

    def region_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("regions", "").splitlines() if line.strip()]


class EditForm(forms.Form):
    """What an agent may correct after declaring (the service and the children stay)."""

    title = DeclareForm.base_fields["title"]
    public_text = DeclareForm.base_fields["public_text"]
    regions = DeclareForm.base_fields["regions"]
    organisations = DeclareForm.base_fields["organisations"]
    started_at = DeclareForm.base_fields["started_at"]

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = organisations
        self.fields["started_at"].required = True

    clean_started_at = DeclareForm.clean_started_at
    region_list = DeclareForm.region_list

    @classmethod
    def for_incident(cls, incident, data=None):
        from edudesk.accounts.models import Organisation

        return cls(data, organisations=Organisation.objects.filter(service=incident.service)
                   .order_by("name"),
                   initial={"title": incident.title, "public_text": incident.public_text,
                            "regions": "\n".join(incident.regions),
                            "organisations": list(incident.organisations.all()),
                            "started_at": timezone.localtime(incident.started_at)})


class UpdateForm(forms.Form):
    body = forms.CharField(label=_("Сообщение всем связанным обращениям"),
                           widget=forms.Textarea(attrs={"rows": 4}))


class ResolveForm(forms.Form):
    closing_text = forms.CharField(label=_("Как решена проблема"),
                                   widget=forms.Textarea(attrs={"rows": 4}))


class LinkForm(forms.Form):
    number = forms.CharField(label=_("Номер обращения"), max_length=20)
