"""Intake data: each service's form schema, drafts waiting for the user's choice, and the record
of the choices users made about duplicates and multi-problem requests."""

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudesk.accounts.models import Contact, Service
from edudesk.intake.schema import FormSchema as SchemaDocument
from edudesk.intake.schema import SchemaError


class FormSchema(models.Model):
    """The form of one service: common fields and per-category fields, as JSON.

    The document's shape is described in ``edudesk/intake/schema.py``; the admin validates it
    on save, so a broken schema never reaches the public form.
    """

    service = models.OneToOneField(
        Service, on_delete=models.CASCADE, related_name="form_schema", verbose_name=_("сервис")
    )
    document = models.JSONField(_("схема формы"))
    updated_at = models.DateTimeField(_("изменена"), auto_now=True)

    class Meta:
        verbose_name = _("схема формы")
        verbose_name_plural = _("схемы форм")

    def __str__(self) -> str:
        return str(self.service)

    def clean(self) -> None:
        try:
            schema = SchemaDocument.from_json(self.document)
        except SchemaError as exc:
            raise ValidationError({"document": f"{exc.path}: {exc.problem}"}) from exc
        if self.service_id and schema.service != self.service.code:
            raise ValidationError(
                {"document": _("Поле service схемы должно совпадать с кодом сервиса.")}
            )

    def as_schema(self) -> SchemaDocument:
        return SchemaDocument.from_json(self.document)


class Draft(models.Model):
    """A checked submission waiting for the user to choose: add to a similar open ticket,
    split into several tickets, or register as it is. Screenshots are kept re-encoded."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="+")
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("черновик обращения")
        verbose_name_plural = _("черновики обращений")

    def __str__(self) -> str:
        return str(self.id)


class KeptImage(models.Model):
    """A screenshot the attachment policy accepted (re-encoded), kept until a submission is sent."""

    position = models.PositiveSmallIntegerField()
    original_name = models.CharField(max_length=255)
    format = models.CharField(max_length=8)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        abstract = True
        ordering = ["position"]

    def __str__(self) -> str:
        return self.original_name


class DraftImage(KeptImage):
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="images")

    class Meta(KeptImage.Meta):
        verbose_name = _("снимок экрана черновика")
        verbose_name_plural = _("снимки экрана черновиков")


class IntakeDecision(models.Model):
    """What the user chose when edudesk suggested a similar ticket or a split (the seed asks
    for one problem per request and no repeated requests; these rows show whether it works)."""

    class Kind(models.TextChoices):
        ADDED_TO_EXISTING = "added_to_existing", _("добавлено в открытое обращение")
        CREATED_DESPITE_SIMILAR = "created_despite_similar", _("создано, несмотря на похожее")
        SPLIT = "split", _("разделено на несколько обращений")
        KEPT_TOGETHER = "kept_together", _("оставлено одним обращением")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    # Ticket numbers: the one written into, or the ones created.
    tickets = models.JSONField(default=list)
    # What was suggested: [{"number": ..., "score": ...}] or the number of problems found.
    suggested = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("решение при подаче обращения")
        verbose_name_plural = _("решения при подаче обращений")
        indexes = [models.Index(fields=["service", "kind", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {', '.join(self.tickets)}"


class CategoryExample(models.Model):
    """A request's text and the category an agent gave it: what the category model learns from.

    Recorded when an agent corrects (or confirms) the category edudesk suggested for a request
    that came without one.
    """

    class Source(models.TextChoices):
        CORRECTED = "corrected", _("исправлена специалистом")
        CONFIRMED = "confirmed", _("подтверждена специалистом")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    text = models.TextField()
    category = models.CharField(max_length=40)
    # What the model had suggested for it.
    suggested = models.CharField(max_length=40, blank=True)
    source = models.CharField(max_length=16, choices=Source.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("пример категории")
        verbose_name_plural = _("примеры категорий")
        indexes = [models.Index(fields=["service", "created_at"])]
        constraints = [models.UniqueConstraint(fields=["ticket"], name="intake_one_example_per_ticket")]

    def __str__(self) -> str:
        return f"{self.category}: {self.text[:60]}"


class CategoryModel(models.Model):
    """A service's trained category model (``intake.classifier``), stored as plain arrays."""

    service = models.OneToOneField(Service, on_delete=models.CASCADE, related_name="+")
    data = models.BinaryField()
    categories = models.JSONField(default=list)
    examples = models.PositiveIntegerField(default=0)
    # The newest example it learned from: a newer one means it is due for retraining.
    last_example_id = models.BigIntegerField(default=0)
    trained_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("модель категорий")
        verbose_name_plural = _("модели категорий")

    def __str__(self) -> str:
        return str(self.service)


class PendingUpload(KeptImage):
    """A screenshot accepted by a form whose submission failed for another reason: kept, tied
    to the form's token, so the user need not pick the file again (``intake.pending_uploads``)."""

    token = models.CharField(max_length=64, db_index=True)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta(KeptImage.Meta):
        verbose_name = _("сохранённый снимок экрана формы")
        verbose_name_plural = _("сохранённые снимки экрана форм")
