"""The desk's article form: service, category (or a new one), title, Markdown, visibility, status."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from edudesk.kb.models import Article, Category

TITLE_LENGTH = 300


class ArticleForm(forms.Form):
    service = forms.ModelChoiceField(queryset=None, label=_("Сервис"))
    category = forms.ModelChoiceField(queryset=None, required=False, label=_("Раздел"),
                                      empty_label=_("— без раздела —"))
    new_category = forms.CharField(label=_("или новый раздел"), max_length=200, required=False)
    title = forms.CharField(label=_("Заголовок"), max_length=TITLE_LENGTH,
                            help_text=_("Словами пользователей: «Оценки не сохраняются в журнале»."))
    body = forms.CharField(label=_("Текст"), widget=forms.Textarea(attrs={"rows": 14}),
                           help_text=_("Markdown: **жирный**, списки «1.» и «-», ссылки [текст](адрес)."))
    visibility = forms.ChoiceField(label=_("Кто видит"), choices=Article.Visibility.choices,
                                   widget=forms.RadioSelect)
    status = forms.ChoiceField(label=_("Состояние"), choices=Article.Status.choices,
                               widget=forms.RadioSelect)

    def __init__(self, *args, services=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.fields["category"].queryset = (Category.objects.filter(service__in=services)
                                            .select_related("service"))
        self.fields["category"].label_from_instance = lambda c: f"{c.service.name}: {c.name}"

    def clean(self):
        data = super().clean()
        service, category = data.get("service"), data.get("category")
        if service is not None and category is not None and category.service_id != service.pk:
            self.add_error("category", _("Этот раздел относится к другому сервису."))
        if not (data.get("body") or "").strip():
            self.add_error("body", _("Напишите текст статьи."))
        return data

    def chosen_category(self) -> Category | None:
        """The chosen category, or the new one named (created for the service if missing)."""
        name = " ".join(self.cleaned_data.get("new_category", "").split())
        if name:
            return Category.objects.get_or_create(service=self.cleaned_data["service"], name=name)[0]
        return self.cleaned_data.get("category")
