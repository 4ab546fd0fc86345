"""People and tenants: services, organisations, customer contacts, agents, support lines, API tokens."""

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Upper
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _


def _default_time_zone() -> str:
    return settings.EDUDESK_TIME_ZONE


def _new_widget_secret() -> str:
    return secrets.token_urlsafe(32)


class Service(models.Model):
    """A supported platform (a tenant): the e-school, the LMS vendor, a university."""

    code = models.SlugField(_("код"), max_length=40, unique=True)
    name = models.CharField(_("название"), max_length=200)
    number_prefix = models.CharField(_("префикс номера обращения"), max_length=10, default="INC")
    time_zone = models.CharField(_("часовой пояс"), max_length=64, default=_default_time_zone)
    support_email = models.EmailField(_("адрес техподдержки"), blank=True)
    support_phone = models.CharField(_("телефон техподдержки"), max_length=40, blank=True)
    widget_secret = models.CharField(_("секрет виджета"), max_length=128, default=_new_widget_secret)
    org_admins_see_org_tickets = models.BooleanField(
        _("администратор организации видит обращения организации"), default=False
    )
    # The highest priority a customer may give their own request (agents set any).
    customer_max_priority = models.CharField(
        _("наивысший приоритет, который может выбрать заявитель"), max_length=10,
        choices=[("low", _("низкий")), ("normal", _("обычный")), ("high", _("высокий")),
                 ("critical", _("критический"))],
        default="normal",
    )
    is_active = models.BooleanField(_("активен"), default=True)

    class Meta:
        verbose_name = _("сервис")
        verbose_name_plural = _("сервисы")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """A school, a vendor, a university: the requester's institution."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="organisations")
    name = models.CharField(_("наименование"), max_length=300)
    city = models.CharField(_("город"), max_length=120, blank=True)
    region = models.CharField(_("регион"), max_length=120, blank=True)
    lms_url = models.URLField(_("ссылка на СДО"), blank=True)

    class Meta:
        verbose_name = _("организация")
        verbose_name_plural = _("организации")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["service", "name"]),
            # Organisations are matched by name without regard to case (``name_is``).
            models.Index(F("service"), Upper("name"), name="organisation_service_name_ci"),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.city}" if self.city else self.name


class Role(models.TextChoices):
    """Roles in the platform, from both seeds (LMS roles and school roles)."""

    ADMINISTRATOR = "administrator", _("администратор")
    MANAGER = "manager", _("менеджер")
    TEACHER = "teacher", _("преподаватель")
    EDITOR = "editor", _("редактор")
    LEARNER = "learner", _("слушатель")
    CONTRACTOR = "contractor", _("контрагент")
    AGENT = "agent", _("агент")
    SCHOOL_ADMIN = "school_admin", _("администратор школы")
    SCHOOL_TEACHER = "school_teacher", _("учитель")
    STUDENT = "student", _("ученик")
    PARENT = "parent", _("родитель")
    OTHER = "other", _("другое")


def same_text(field: str, value: str) -> Exact:
    """A filter: ``field`` equals ``value`` whatever its case, through an index on
    (service, UPPER(field)). ``__iexact`` is LIKE on SQLite, which no index serves: each lookup
    read every row of the service. Both sides go through the database's UPPER, so the match is
    what ``iexact`` matched on each database."""
    return Exact(Upper(field), Upper(Value(value)))


def email_is(email: str) -> Exact:
    """A contact filter: this address, whatever its case (index ``contact_service_email_ci``)."""
    return same_text("email", email)


def name_is(name: str) -> Exact:
    """An organisation filter: this name, whatever its case (index
    ``organisation_service_name_ci``)."""
    return same_text("name", name)


class Contact(models.Model):
    """A customer who writes to support: a teacher, a learner, a school or LMS administrator."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="contacts")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="contacts"
    )
    full_name = models.CharField(_("ФИО"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    phone = models.CharField(_("телефон"), max_length=40, blank=True, db_index=True)
    login = models.CharField(_("логин"), max_length=150, blank=True, db_index=True)
    role = models.CharField(_("роль"), max_length=32, choices=Role.choices, blank=True)
    is_org_admin = models.BooleanField(_("администратор организации"), default=False)
    language = models.CharField(_("язык"), max_length=8, default="ru")
    created_at = models.DateTimeField(_("создан"), auto_now_add=True)

    class Meta:
        verbose_name = _("контакт")
        verbose_name_plural = _("контакты")
        ordering = ["full_name"]
        indexes = [
            models.Index(fields=["service", "email"]),
            # Requesters are matched by e-mail without regard to case (``email_is``).
            models.Index(F("service"), Upper("email"), name="contact_service_email_ci"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email or self.phone or self.login or f"#{self.pk}"


class User(AbstractUser):
    """A person who signs in to the agent workspace or the admin."""

    class Kind(models.TextChoices):
        AGENT = "agent", _("специалист")
        SUPERVISOR = "supervisor", _("руководитель линии")
        ADMINISTRATOR = "administrator", _("администратор")

    kind = models.CharField(_("роль"), max_length=20, choices=Kind.choices, default=Kind.AGENT)
    services = models.ManyToManyField(Service, blank=True, related_name="agents",
                                      verbose_name=_("сервисы"))
    full_name = models.CharField(_("ФИО"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("сотрудник")
        verbose_name_plural = _("сотрудники")

    def __str__(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def is_supervisor(self) -> bool:
        return self.kind in {self.Kind.SUPERVISOR, self.Kind.ADMINISTRATOR} or self.is_superuser

    def served_service_ids(self) -> set[int]:
        """Services whose tickets this person may see (administrators see every service)."""
        return set(self.served_service_ids_query())

    def served_service_ids_query(self):
        """The ids of ``served_service_ids`` as a query, to use as a subquery of another."""
        if self.is_superuser or self.kind == self.Kind.ADMINISTRATOR:
            return Service.objects.values_list("id", flat=True)
        return self.services.values_list("id", flat=True)


class SupportGroup(models.Model):
    """A support line (первая линия, вторая линия) with its members and supervisor."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="groups")
    name = models.CharField(_("название"), max_length=200)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="supervised_groups", verbose_name=_("руководитель"),
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                     related_name="support_groups", verbose_name=_("участники"))
    is_default = models.BooleanField(_("линия по умолчанию"), default=False)

    class Meta:
        verbose_name = _("линия поддержки")
        verbose_name_plural = _("линии поддержки")
        ordering = ["service", "name"]
        constraints = [models.UniqueConstraint(fields=["service", "name"], name="uniq_group_name")]

    def __str__(self) -> str:
        return f"{self.service.name} · {self.name}"


def line_choices(groups) -> list:
    """Support lines as a select shows them, by their names: grouped under each service's name
    (an <optgroup>) when they belong to several services, a plain list when to one."""
    by_service: dict[str, list] = {}
    for group in sorted(groups, key=lambda g: (g.service.name, g.name)):
        by_service.setdefault(group.service.name, []).append((group.pk, group.name))
    if len(by_service) > 1:
        return list(by_service.items())
    return [choice for choices in by_service.values() for choice in choices]


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for an agent, an integration (owned by a user) or a customer contact.

    Only the SHA-256 of the token is stored; the token itself is shown once at creation.
    """

    name = models.CharField(_("название"), max_length=200, blank=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("начало токена"), max_length=12, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="api_tokens", verbose_name=_("сотрудник"))
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="api_tokens", verbose_name=_("контакт"))
    created_at = models.DateTimeField(_("создан"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("последнее использование"), null=True, blank=True)
    revoked = models.BooleanField(_("отозван"), default=False)

    class Meta:
        verbose_name = _("API-токен")
        verbose_name_plural = _("API-токены")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) ^ models.Q(contact__isnull=False),
                name="token_has_one_owner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user or self.contact})"

    @classmethod
    def issue(cls, *, user=None, contact=None, name: str = "") -> tuple["ApiToken", str]:
        """Create a token and return it with its raw value (shown once, never stored)."""
        raw = "edk_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, contact=contact, name=name,
                                   key_hash=hash_token(raw), prefix=raw[:12])
        return token, raw
