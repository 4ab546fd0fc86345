"""Forms of the desk: sign-in, queue filters, the composer, actions, consultations."""

from django import forms
from django.utils.translation import gettext_lazy as _

from edudesk.accounts.models import Service, SupportGroup, User, line_choices
from edudesk.core.regions import RegionInput
from edudesk.desk import directory
from edudesk.desk.widgets import QuickSelect
from edudesk.tickets.models import Channel, Consultation, Priority
from edudesk.tickets.status import Status


class SignInForm(forms.Form):
    username = forms.CharField(label=_("Логин"), max_length=150)
    password = forms.CharField(label=_("Пароль"), widget=forms.PasswordInput)


def _blank(choices) -> list:
    return [("", _("все")), *choices]


def _labelled(field: forms.ModelChoiceField, objects) -> list[tuple[int, str]]:
    return [(obj.pk, str(field.label_from_instance(obj))) for obj in objects]


def _show_choices(field: forms.ModelChoiceField, labelled) -> None:
    """Show these (pk, label) pairs as the field's options. The queryset still validates what
    is posted; only the rendering stops asking the database again for the same rows."""
    field.widget.choices = [("", field.empty_label), *labelled]


def _render_choices(field: forms.ModelChoiceField, objects) -> None:
    _show_choices(field, _labelled(field, objects))


class QueueFilterForm(forms.Form):
    """Filters on top of a queue; every field is optional and maps to an indexed column."""

    service = forms.ModelChoiceField(label=_("Сервис"), queryset=Service.objects.none(),
                                     required=False, empty_label=_("все"), widget=QuickSelect)
    status = forms.ChoiceField(label=_("Статус"), choices=_blank(Status.choices), required=False,
                               widget=QuickSelect)
    priority = forms.ChoiceField(label=_("Приоритет"), choices=_blank(Priority.choices),
                                 required=False, widget=QuickSelect)
    channel = forms.ChoiceField(label=_("Канал"), choices=_blank(Channel.choices), required=False,
                                widget=QuickSelect)
    category = forms.CharField(label=_("Категория"), max_length=40, required=False)
    region = forms.CharField(label=_("Регион"), max_length=120, required=False, widget=RegionInput)
    organisation = forms.IntegerField(label=_("Организация"), required=False,
                                      widget=forms.HiddenInput)
    assignee = forms.ChoiceField(label=_("Исполнитель"), required=False, widget=QuickSelect)
    created_from = forms.DateField(label=_("Создано с"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    created_to = forms.DateField(label=_("Создано по"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, services=None, service_choices=None, agent_choices=(), **kwargs):
        """``services`` validates the chosen service; ``service_choices`` and ``agent_choices``
        are (pk, name) pairs shown (``desk.directory`` keeps them)."""
        super().__init__(*args, **kwargs)
        if services is not None:
            self.fields["service"].queryset = services
            _show_choices(self.fields["service"], service_choices or [])
        self.fields["assignee"].choices = [("", _("все")), ("none", _("не назначен")),
                                           *[(str(pk), name) for pk, name in agent_choices]]


class ComposerForm(forms.Form):
    """Public reply, internal note or request for clarification, with screenshots.

    `seen_event` is the version of the ticket the agent had on screen (``tickets.versions``); a
    newer one means the ticket changed while they wrote, and the reply is shown again over the
    changes instead of being sent blindly (``desk.staleness``).
    """

    MODES = [("reply", _("Ответ заявителю")), ("note", _("Внутренняя заметка")),
             ("clarify", _("Запросить уточнение"))]

    mode = forms.ChoiceField(label=_("Что отправить"), choices=MODES, initial="reply",
                             widget=forms.RadioSelect)
    body = forms.CharField(label=_("Текст"), required=False,
                           widget=forms.Textarea(attrs={"rows": 8, "id": "composer-body"}))
    missing = forms.MultipleChoiceField(label=_("Чего не хватает"), required=False,
                                        widget=forms.CheckboxSelectMultiple)
    then_status = forms.ChoiceField(label=_("После ответа"), required=False, widget=QuickSelect)
    seen_event = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, checklist=(), reply_statuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["missing"].choices = [(item.key, item.label) for item in checklist]
        self.fields["then_status"].choices = [("", _("оставить статус")), *reply_statuses]

    def clean(self):
        data = super().clean()
        mode, body = data.get("mode"), (data.get("body") or "").strip()
        if mode == "clarify" and not (body or data.get("missing")):
            self.add_error("missing", _("Отметьте, чего не хватает, или напишите вопрос."))
        return data


# What a person's name (User.__str__) is made of: enough to list hundreds of agents cheaply.
NAME_FIELDS = ("id", "full_name", "first_name", "last_name", "username")


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Исполнитель"), queryset=User.objects.none(),
                                      required=False, empty_label=_("не назначен"), widget=QuickSelect)
    group = forms.ModelChoiceField(label=_("Линия"), queryset=SupportGroup.objects.none(),
                                   required=False, empty_label=_("без линии"), widget=QuickSelect)

    def __init__(self, *args, ticket=None, **kwargs):
        super().__init__(*args, **kwargs)
        if ticket is not None:
            self.fields["assignee"].queryset = User.objects.filter(
                is_active=True, services=ticket.service_id).order_by("full_name", "username")
            self.fields["group"].queryset = SupportGroup.objects.filter(service_id=ticket.service_id)

    def fetch_choices(self, service_id: int) -> None:
        """The service's agents and lines for showing the form: two plain queries, kept in the
        cache until the directory changes (``desk.directory``)."""
        assignee, group = self.fields["assignee"], self.fields["group"]
        agents, groups = directory.cached("assign", service_id, lambda: (
            _labelled(assignee, assignee.queryset.only(*NAME_FIELDS)),
            line_choices(group.queryset.select_related("service"))))
        _show_choices(assignee, agents)
        _show_choices(group, groups)


class PriorityForm(forms.Form):
    priority = forms.ChoiceField(label=_("Приоритет"), choices=Priority.choices, widget=QuickSelect)


class CategoryForm(forms.Form):
    category = forms.ChoiceField(label=_("Категория"), required=False, widget=QuickSelect)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("не указана")), *categories]


class NumberForm(forms.Form):
    """Another ticket, given by its number (merge into it, link to it)."""

    number = forms.CharField(label=_("Номер обращения"), max_length=20)


class SplitForm(forms.Form):
    message = forms.IntegerField(required=False, widget=forms.HiddenInput)
    subject = forms.CharField(label=_("Тема нового обращения"), max_length=300, required=False)
    text = forms.CharField(label=_("Текст нового обращения"), widget=forms.Textarea(attrs={"rows": 4}))


class ConsultationForm(forms.Form):
    service = forms.ModelChoiceField(label=_("Сервис"), queryset=Service.objects.none(),
                                     empty_label=None)
    contact = forms.IntegerField(required=False, widget=forms.HiddenInput)
    caller_name = forms.CharField(label=_("Кто обратился"), max_length=300, required=False)
    contact_info = forms.CharField(label=_("Контакт для связи"), max_length=300, required=False)
    channel = forms.ChoiceField(label=_("Канал"), choices=Consultation.ConsultationChannel.choices)
    topic = forms.CharField(label=_("Тема"), max_length=300)
    notes = forms.CharField(label=_("Заметки"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    duration_minutes = forms.IntegerField(label=_("Длительность, мин"), required=False, min_value=0,
                                          max_value=24 * 60)
    outcome = forms.CharField(label=_("Результат"), max_length=300, required=False)

    def __init__(self, *args, services=None, **kwargs):
        super().__init__(*args, **kwargs)
        if services is not None:
            self.fields["service"].queryset = services
