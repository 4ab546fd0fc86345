"""Notification texts: defaults in Russian (translated to English through the catalogue),
stored as ``MailTemplate`` rows that administrators edit, rendered with Django templates.

The HTML part is the text part with line breaks and links, unless an administrator wrote
an HTML version of the template.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q
from django.template import Context, Template
from django.template.defaultfilters import linebreaks_filter, urlize
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

from edudesk.core import memo
from edudesk.mail.models import MailTemplate

Key = MailTemplate.Key
LANGUAGES = ("ru", "en")

_SIGNATURE = N_("-- \nТехподдержка {{ service }}{% if support_phone %}, тел. {{ support_phone }}{% endif %}")
_KEEP_SUBJECT = N_("Чтобы дополнить обращение, ответьте на это письмо, не меняя тему.")
_REFUSED_FILES = N_(
    "{% if refused_files %}Не приняты вложения:\n{% for item in refused_files %}- {{ item }}\n"
    "{% endfor %}\n{% endif %}"
)

# Said in every registration notice (seed 1 and seed 2): one problem per request (to a letter
# in seed 1's own words, «В одном письме…»), note the number and date, and the advice to users.
_CONTINUES = N_(
    "{% if continues %}Обращение {{ continues }} уже закрыто, поэтому ваше сообщение "
    "зарегистрировано как новое обращение, связанное с ним.\n\n{% endif %}"
)
_REGISTRATION_TAIL = N_(
    "{% if problems %}В обращении описано несколько проблем:\n"
    "{% for item in problems %}- {{ item }}\n{% endfor %}"
    "{% if by_mail %}В одном письме{% else %}В одном обращении{% endif %} должна быть описана "
    "одна проблема. Каждому инциденту присваивается свой номер, что помогает ускорить решение "
    "проблемы. Специалист выделит эти проблемы в отдельные обращения и сообщит их номера.\n\n"
    "{% endif %}"
    "ВАЖНО! Обязательно зафиксируйте номер и дату созданного инцидента! При повторном обращении "
    "это значительно ускорит решение!\n\n"
    "{% if advice %}Важные рекомендации при взаимодействии с технической поддержкой:\n"
    "{% for item in advice %}- {{ item }}\n{% endfor %}\n{% endif %}"
)

DEFAULTS: dict[str, tuple[str, str]] = {
    Key.REGISTERED: (
        N_("Обращение зарегистрировано: {{ subject }}"),
        N_(
            "Здравствуйте{% if name %}, {{ name }}{% endif %}!\n\n"
            "Ваше обращение зарегистрировано под номером {{ number }} от {{ created }}.\n"
            "{{ due_notice }}\n"
            "{% if off_hours_notice %}{{ off_hours_notice }}\n{% endif %}\n"
        ),
    ),
    Key.NEEDS_DATA: (
        N_("Обращение зарегистрировано, требуется уточнение: {{ subject }}"),
        N_(
            "Здравствуйте{% if name %}, {{ name }}{% endif %}!\n\n"
            "Ваше обращение зарегистрировано под номером {{ number }} от {{ created }}.\n"
            "{{ due_notice }}\n"
            "{% if off_hours_notice %}{{ off_hours_notice }}\n{% endif %}"
            "Статус обращения: «{{ status }}».\n\n"
            "Чтобы специалист мог найти ошибку, не хватает данных:\n"
            "{% for item in missing %}- {{ item }}\n{% endfor %}\n"
            "Ответьте, пожалуйста, на это письмо и укажите их.\n\n"
        ),
    ),
    Key.AGENT_REPLY: (
        N_("{{ subject }}"),
        N_("{{ message }}\n\nСтатус обращения {{ number }}: «{{ status }}».\n\n"),
    ),
    Key.CLARIFICATION: (
        N_("Требуется уточнение: {{ subject }}"),
        N_(
            "{{ message }}\n\n"
            "{% if missing %}Не хватает данных:\n{% for item in missing %}- {{ item }}\n"
            "{% endfor %}\n{% endif %}"
            "Статус обращения {{ number }}: «{{ status }}». Ответьте на это письмо, не меняя тему.\n\n"
        ),
    ),
    Key.STATUS_CHANGED: (
        N_("Статус обращения: {{ status }}"),
        N_(
            "Здравствуйте{% if name %}, {{ name }}{% endif %}!\n\n"
            "Статус вашего обращения {{ number }} «{{ subject }}» изменён: «{{ status }}».\n"
            "{% if status_meaning %}{{ status_meaning }}\n{% endif %}"
            "{% if next_step %}{{ next_step }}\n{% endif %}\n"
        ),
    ),
    Key.CLOSED: (
        N_("{{ status }}: {{ subject }}"),
        N_(
            "Здравствуйте{% if name %}, {{ name }}{% endif %}!\n\n"
            "Обращение {{ number }} «{{ subject }}» закрыто со статусом «{{ status }}».\n"
            "{% if reason %}Причина: {{ reason }}\n{% endif %}"
            "Если проблема повторится, ответьте на это письмо.\n\n"
            "{% if rating_url %}Оцените, пожалуйста, решение — один щелчок, без входа:\n"
            "{{ rating_url }}\n\n{% endif %}"
        ),
    ),
    Key.FILES_REFUSED: (
        N_("Вложения не приняты: {{ subject }}"),
        N_(
            "Здравствуйте{% if name %}, {{ name }}{% endif %}!\n\n"
            "Ваше сообщение добавлено к обращению {{ number }}, но не все вложения приняты.\n\n"
        ),
    ),
    Key.REPEAT_ADDED: (
        N_("Ваше сообщение добавлено к обращению {{ number }}"),
        N_(
            "Здравствуйте{% if name %}, {{ name }}{% endif %}!\n\n"
            "Ваше сообщение добавлено к обращению {{ number }} «{{ subject }}» от {{ created }}: "
            "эта проблема уже описана в нём, поэтому новое обращение не создано.\n"
            "Статус обращения: «{{ status }}».\n"
            "{% if due_notice %}{{ due_notice }}\n{% endif %}\n"
            "Если это другая проблема, ответьте на это письмо: специалист выделит её "
            "в отдельное обращение.\n\n"
        ),
    ),
    Key.KNOWN_PROBLEM: (
        N_("Известная проблема, обращение зарегистрировано: {{ subject }}"),
        N_(
            "Здравствуйте{% if name %}, {{ name }}{% endif %}!\n\n"
            "Ваше обращение зарегистрировано под номером {{ number }} от {{ created }}.\n\n"
            "Это известная проблема: «{{ incident_title }}».\n"
            "{{ incident_text }}\n\n"
            "Мы уже работаем над ней и сообщим вам, когда она будет устранена: писать повторно "
            "не нужно.{% if status_url %} Состояние работ: {{ status_url }}{% endif %}\n\n"
            "{% if missing %}Чтобы специалист мог найти ошибку, не хватает данных:\n"
            "{% for item in missing %}- {{ item }}\n{% endfor %}\n"
            "Ответьте, пожалуйста, на это письмо и укажите их.\n\n{% endif %}"
            "{% if off_hours_notice %}{{ off_hours_notice }}\n{% endif %}\n"
        ),
    ),
    Key.INCIDENT_LINKED: (
        N_("Известная проблема: {{ incident_title }}"),
        N_(
            "Здравствуйте{% if name %}, {{ name }}{% endif %}!\n\n"
            "Ваше обращение {{ number }} «{{ subject }}» связано с известной проблемой "
            "«{{ incident_title }}».\n{{ incident_text }}\n\n"
            "Мы уже работаем над ней и сообщим вам, когда она будет устранена: писать повторно "
            "не нужно.{% if status_url %} Состояние работ: {{ status_url }}{% endif %}\n\n"
        ),
    ),
    Key.INCIDENT_RESOLVED: (
        N_("Проблема устранена: {{ subject }}"),
        N_(
            "Здравствуйте{% if name %}, {{ name }}{% endif %}!\n\n"
            "{{ message }}\n\n"
            "Известная проблема, с которой связано ваше обращение {{ number }} «{{ subject }}», "
            "устранена. Обращение закрыто со статусом «{{ status }}».\n"
            "Если проблема повторится, ответьте на это письмо.\n\n"
            "{% if rating_url %}Оцените, пожалуйста, решение — один щелчок, без входа:\n"
            "{{ rating_url }}\n\n{% endif %}"
        ),
    ),
    Key.MERGED: (
        N_("Обращение объединено с обращением {{ original_number }}"),
        N_(
            "Здравствуйте{% if name %}, {{ name }}{% endif %}!\n\n"
            "Ваше обращение {{ number }} «{{ subject }}» объединено с обращением "
            "{{ original_number }} «{{ original_subject }}»: в них описана одна проблема.\n"
            "Следите за решением в обращении {{ original_number }}: дальнейшие новости "
            "придут по нему.\n\n"
        ),
    ),
}
# Mails to the staff (the line's supervisor): no customer footers, a link to the desk.
_SLA_NOTICE = N_(
    "{{ notice }}\n\n"
    "Сервис: {{ service }}. Линия: {{ group }}. Исполнитель: {{ assignee }}.\n"
    "Статус: «{{ status }}», приоритет: {{ priority }}.\n\n"
    "Открыть обращение: {{ desk_url }}\n"
)
STAFF_DEFAULTS: dict[str, tuple[str, str]] = {
    Key.SLA_WARNING: (
        N_("Срок под угрозой: {{ subject }}"),
        _SLA_NOTICE,
    ),
    Key.SLA_BREACHED: (
        N_("Срок нарушен: {{ subject }}"),
        _SLA_NOTICE,
    ),
}
STAFF_DEFAULTS[Key.LOW_RATING] = (
    N_("Низкая оценка решения ({{ score }} из 5): {{ subject }}"),
    N_(
        "Заявитель оценил решение обращения {{ number }} «{{ subject }}» на {{ score }} из 5."
        "{% if comment %}\nКомментарий: «{{ comment }}»{% endif %}\n\n"
        "Сервис: {{ service }}. Линия: {{ group }}. Исполнитель: {{ assignee }}.\n\n"
        "Открыть обращение: {{ desk_url }}\n"
        "Разобрать оценку: {{ follow_ups_url }}\n"
    ),
)
STAFF_KEYS = frozenset(STAFF_DEFAULTS)
# Mails about no ticket: nothing to reply to, only the signature.
PERSONAL_DEFAULTS: dict[str, tuple[str, str]] = {
    Key.REPORT_SUMMARY: (
        N_("Сводка техподдержки за {{ period }}"),
        N_(
            "Здравствуйте{% if name %}, {{ name }}{% endif %}!\n\n"
            "Сводка за {{ period }} ({{ scope }}):\n"
            "- создано обращений: {{ created }}, решено: {{ resolved }}, в очереди на конец: {{ backlog }};\n"
            "- рассмотрено в срок: {{ review_met }};\n"
            "- потребовали уточнения: {{ clarification_rate }}.\n\n"
            "Подробности — во вложении (XLSX) и в отчёте: {{ url }}\n"
            "Отписаться можно на странице отчёта.\n\n"
        ),
    ),
    Key.SIGN_IN_LINK: (
        N_("Вход в «Мои обращения»"),
        N_(
            "Здравствуйте!\n\n"
            "Чтобы войти в раздел «Мои обращения» техподдержки «{{ service }}», откройте ссылку:\n"
            "{{ url }}\n\n"
            "Ссылка действует 30 минут и срабатывает один раз. Если вы не запрашивали вход, "
            "просто удалите это письмо.\n\n"
        ),
    ),
}
# Every notification with a default text.
ALL_KEYS: tuple[str, ...] = (*DEFAULTS, *STAFF_DEFAULTS, *PERSONAL_DEFAULTS)
# Parts appended to every default text for customers, in this order.
_FOOTERS = (_REFUSED_FILES, _KEEP_SUBJECT, _SIGNATURE)
_REGISTRATION_KEYS = frozenset({Key.REGISTERED, Key.NEEDS_DATA, Key.KNOWN_PROBLEM})


def default_texts(key: str, language: str) -> tuple[str, str]:
    """(subject, text) of a notification's default template in a language."""
    with translation.override(language):
        if key in STAFF_DEFAULTS:
            subject, body = STAFF_DEFAULTS[key]
            return gettext(subject), gettext(body)
        if key in PERSONAL_DEFAULTS:
            subject, body = PERSONAL_DEFAULTS[key]
            return gettext(subject), gettext(body) + gettext(_SIGNATURE)
        subject, body = DEFAULTS[key]
        if key in _REGISTRATION_KEYS:
            body = gettext(body) + gettext(_CONTINUES) + gettext(_REGISTRATION_TAIL)
        else:
            body = gettext(body)
        footer = "\n\n".join(gettext(part) for part in _FOOTERS)
        return gettext(subject), body + footer


def create_default_templates() -> None:
    """Store the defaults for every notification and language that has no row yet."""
    for key in ALL_KEYS:
        for language in LANGUAGES:
            subject, text = default_texts(key, language)
            MailTemplate.objects.get_or_create(
                key=key, language=language, service=None,
                defaults={"subject": subject, "body_text": text,
                          "default_digest": MailTemplate.content_digest(subject, text)},
            )


class Reset(StrEnum):
    RESET = "reset"  # took the current default
    KEPT = "kept"  # edited by an administrator: kept (``force`` replaces it)
    CURRENT = "current"  # already the current default


@dataclass(frozen=True)
class TemplateChange:
    name: str  # "key/language"
    outcome: Reset
    diff: str  # what the current default changes, as a unified diff of subject and text


def reset_default_templates(keys: list[str] | None = None, *, force: bool = False,
                            dry_run: bool = False) -> list[TemplateChange]:
    """Give the templates for all services (not a service's own) the current default text.

    The defaults are copied into rows once, so a new wording never reaches an installation by
    itself; an administrator runs ``reset_mail_templates`` after reading what changed. A row an
    administrator edited (``MailTemplate.edited``) is kept unless ``force``; ``dry_run``
    reports what would change and writes nothing.
    """
    changes = []
    for key in keys or ALL_KEYS:
        for language in LANGUAGES:
            subject, text = default_texts(key, language)
            digest = MailTemplate.content_digest(subject, text)
            row = MailTemplate.objects.filter(key=key, language=language, service=None).first()
            if row is None:
                row = MailTemplate(key=key, language=language, subject="", body_text="")
                outcome = Reset.RESET
            elif (row.subject, row.body_text, row.body_html) == (subject, text, ""):
                outcome = Reset.CURRENT
            elif row.edited and not force:
                outcome = Reset.KEPT
            else:
                outcome = Reset.RESET
            if outcome is Reset.RESET and not dry_run:
                row.subject, row.body_text, row.body_html = subject, text, ""
                row.default_digest = digest
                row.save()
            elif outcome is Reset.CURRENT and row.default_digest != digest and not dry_run:
                MailTemplate.objects.filter(pk=row.pk).update(default_digest=digest)
            if outcome is not Reset.CURRENT:
                changes.append(TemplateChange(f"{key}/{language}", outcome,
                                              _diff(row, subject, text)))
    return changes


def _diff(row: MailTemplate, subject: str, text: str) -> str:
    name = f"{row.key}/{row.language}"
    before = [row.subject, "", *row.body_text.splitlines()]
    if row.body_html:
        before += ["", "(HTML)", *row.body_html.splitlines()]
    after = [subject, "", *text.splitlines()]
    return "\n".join(difflib.unified_diff(before, after, f"{name} (now)", f"{name} (default)",
                                          lineterm=""))


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    # An administrator's HTML template, rendered; empty when the HTML part is the text's own
    # (``html_of_text``): nothing to store, it is made from the text when the mail is sent.
    own_html: str = ""

    @property
    def html(self) -> str:
        return self.own_html or html_of_text(self.text)


def html_of_text(text: str) -> str:
    """A plain-text mail's HTML part: its paragraphs and line breaks, links clickable."""
    return linebreaks_filter(urlize(text, autoescape=True), autoescape=False)


def _template_row(key: str, language: str, service_id: int | None) -> MailTemplate:
    """The row a mail is composed from (looked up once per batch of mails: ``core.memo``)."""
    return memo.cached(("mail_template", key, language, service_id),
                       lambda: _find_template_row(key, language, service_id))


def _find_template_row(key: str, language: str, service_id: int | None) -> MailTemplate:
    """The service's own template before the installation's, the reader's language before
    Russian (one query)."""
    whose = Q(service__isnull=True) | Q(service_id=service_id) if service_id else Q(service__isnull=True)
    rows = MailTemplate.objects.filter(whose, key=key, language__in=[language, "ru"])
    candidates = sorted(rows, key=lambda r: (r.service_id is None, r.language != language))
    if candidates:
        return candidates[0]
    subject, text = default_texts(key, language)
    return MailTemplate(key=key, language=language, subject=subject, body_text=text)


@functools.lru_cache(maxsize=256)
def _compiled(source: str, autoescape: bool) -> Template:
    """Templates compile once per text: administrators' edits are new texts."""
    if not autoescape:
        source = "{% autoescape off %}" + source + "{% endautoescape %}"
    return Template(source)


def _render_plain(source: str, context: dict) -> str:
    return _compiled(source, False).render(Context(context))


def render(key: str, language: str, context: dict, service_id: int | None = None) -> RenderedMail:
    """Subject, text and HTML of a notification for one ticket and reader."""
    row = _template_row(key, language, service_id)
    with translation.override(language):
        subject = " ".join(_render_plain(row.subject, context).split())
        text = re.sub(r"\n{3,}", "\n\n", _render_plain(row.body_text, context)).strip() + "\n"
        if row.body_html.strip():
            return RenderedMail(subject=subject, text=text,
                                own_html=_compiled(row.body_html, True).render(Context(context)))
    return RenderedMail(subject=subject, text=text)
