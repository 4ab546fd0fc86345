"""The filters of a report over a period."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudesk.accounts.models import Organisation, SupportGroup, User, line_choices
from edudesk.core.regions import RegionInput
from edudesk.desk.widgets import QuickSelect
from edudesk.reports.figures import Scope
from edudesk.tickets.models import Channel, Priority

GROUPING_CHOICES = [("day", _("по дням")), ("week", _("по неделям")), ("month", _("по месяцам"))]
# Report filter -> figure dimension (the desk's queue filter of the same meaning).
DIMENSION_FILTERS = {"agent": "agent", "channel": "channel", "category": "category",
                     "priority": "priority", "region": "region", "organisation": "organisation"}
BREAKDOWN_CHOICES = [("category", _("категориям")), ("channel", _("каналам")),
                     ("agent", _("специалистам")), ("priority", _("приоритетам")),
                     ("region", _("регионам")), ("organisation", _("организациям"))]
MAX_DAYS = 3 * 366


def _blank(choices):
    return [("", _("все")), *choices]


class ReportForm(forms.Form):
    date_from = forms.DateField(label=_("С"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("По"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    grouping = forms.ChoiceField(label=_("Группировка"), choices=GROUPING_CHOICES, required=False,
                                 widget=QuickSelect)
    service = forms.TypedChoiceField(empty_value=None, label=_("Сервис"), coerce=int, required=False,
                                     widget=QuickSelect)
    line = forms.TypedChoiceField(empty_value=None, label=_("Линия"), coerce=int, required=False,
                                  widget=QuickSelect)
    agent = forms.TypedChoiceField(empty_value=None, label=_("Специалист"), coerce=int, required=False,
                                   widget=QuickSelect)
    channel = forms.ChoiceField(label=_("Канал"), choices=_blank(Channel.choices), required=False,
                                widget=QuickSelect)
    category = forms.CharField(label=_("Категория"), max_length=40, required=False)
    priority = forms.ChoiceField(label=_("Приоритет"), choices=_blank(Priority.choices), required=False,
                                 widget=QuickSelect)
    region = forms.CharField(label=_("Регион"), max_length=120, required=False, widget=RegionInput)
    organisation = forms.TypedChoiceField(empty_value=None, label=_("Организация"), coerce=int,
                                          required=False, widget=QuickSelect)
    breakdown = forms.ChoiceField(label=_("Где: разбить по"), choices=BREAKDOWN_CHOICES,
                                  required=False, widget=QuickSelect)

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.services = list(services)
        ids = [s.pk for s in self.services]
        self.fields["service"].choices = _blank([(s.pk, s.name) for s in self.services])
        self.fields["line"].choices = _blank(line_choices(
            SupportGroup.objects.filter(service_id__in=ids).select_related("service")))
        agents = User.objects.filter(services__in=ids).distinct().order_by("full_name", "username")
        self.fields["agent"].choices = _blank([(a.pk, str(a)) for a in agents])
        organisations = Organisation.objects.filter(service_id__in=ids).order_by("name")[:500]
        self.fields["organisation"].choices = _blank([(o.pk, o.name) for o in organisations])

    def clean(self):
        data = super().clean()
        chosen = [name for name in DIMENSION_FILTERS if data.get(name) not in (None, "")]
        today = timezone.localdate()
        data["date_to"] = data.get("date_to") or today
        data["date_from"] = data.get("date_from") or data["date_to"].replace(day=1)
        if data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("Начало периода позже его конца."))
        if (data["date_to"] - data["date_from"]).days > MAX_DAYS:
            raise forms.ValidationError(_("Период длиннее трёх лет: выберите период короче."))
        if not data.get("grouping"):
            days = (data["date_to"] - data["date_from"]).days
            data["grouping"] = "day" if days <= 31 else "week" if days <= 120 else "month"
        data["breakdown"] = data.get("breakdown") or "category"
        data["dimension"] = chosen[0] if chosen else ""
        data["dimensions"] = chosen
        return data

    def scope(self) -> Scope:
        data = self.cleaned_data
        ids = tuple(s.pk for s in self.services)
        if data.get("service"):
            ids = tuple(i for i in ids if i == data["service"])
        pairs = [(dim, str(data[dim])) for dim in data["dimensions"]]
        first, *more = pairs or [("", "")]
        return Scope(service_ids=ids, group_id=data.get("line"), dim=first[0], value=first[1],
                     more=tuple(more))

    def previous_range(self):
        data = self.cleaned_data
        length = data["date_to"] - data["date_from"] + timedelta(days=1)
        return data["date_from"] - length, data["date_from"] - timedelta(days=1)
