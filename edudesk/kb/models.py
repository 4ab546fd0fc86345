"""The knowledge base: articles per service, in categories, public or internal, with every
earlier version kept (``ArticleRevision``) and the requests they answered (``Deflection``).

Articles are written in Markdown; ``html`` is rendered and sanitised once, on save
(``kb.markdown``), and ``search_text`` keeps what search compares (``kb.search``).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudesk.accounts.models import Service


class Category(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="kb_categories",
                                verbose_name=_("сервис"))
    name = models.CharField(_("название"), max_length=200)
    position = models.PositiveIntegerField(_("порядок"), default=0)

    class Meta:
        verbose_name = _("раздел базы знаний")
        verbose_name_plural = _("разделы базы знаний")
        ordering = ["service", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["service", "name"], name="kb_category_unique")]

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("публичная")
        INTERNAL = "internal", _("внутренняя")

    class Status(models.TextChoices):
        DRAFT = "draft", _("черновик")
        PUBLISHED = "published", _("опубликована")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="kb_articles",
                                verbose_name=_("сервис"))
    category = models.ForeignKey(Category, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="articles", verbose_name=_("раздел"))
    title = models.CharField(_("заголовок"), max_length=300)
    body = models.TextField(_("текст (Markdown)"))
    html = models.TextField(_("текст (HTML)"), blank=True, editable=False)
    visibility = models.CharField(_("видимость"), max_length=10, choices=Visibility.choices,
                                  default=Visibility.PUBLIC)
    status = models.CharField(_("состояние"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(_("создана"), default=timezone.now)
    updated_at = models.DateTimeField(_("изменена"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("автор"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("изменил"))

    class Meta:
        verbose_name = _("статья базы знаний")
        verbose_name_plural = _("статьи базы знаний")
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["service", "status", "visibility"], name="kb_article_scope")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        """Shown to customers: published and public."""
        return self.status == self.Status.PUBLISHED and self.visibility == self.Visibility.PUBLIC


class ArticleRevision(models.Model):
    """An article as it was before one save: its text, who wrote that version and when."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions",
                                verbose_name=_("статья"))
    title = models.CharField(_("заголовок"), max_length=300)
    body = models.TextField(_("текст (Markdown)"))
    category_name = models.CharField(_("раздел"), max_length=200, blank=True)
    visibility = models.CharField(_("видимость"), max_length=10, choices=Article.Visibility.choices)
    status = models.CharField(_("состояние"), max_length=10, choices=Article.Status.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+", verbose_name=_("автор версии"))
    written_at = models.DateTimeField(_("время версии"))
    replaced_at = models.DateTimeField(_("заменена"), default=timezone.now)

    class Meta:
        verbose_name = _("версия статьи")
        verbose_name_plural = _("версии статей")
        ordering = ["-written_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.written_at:%d.%m.%Y %H:%M})"


class Deflection(models.Model):
    """«Это помогло»: a customer read the article while writing a request and sent none."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="deflections",
                                verbose_name=_("статья"))
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("сервис"))
    channel = models.CharField(_("канал"), max_length=10)
    created_at = models.DateTimeField(_("время"), default=timezone.now)

    class Meta:
        verbose_name = _("решено статьёй")
        verbose_name_plural = _("решено статьями")
        indexes = [models.Index(fields=["service", "created_at"], name="kb_deflection_period")]

    def __str__(self) -> str:
        return f"{self.article} {self.created_at:%d.%m.%Y %H:%M}"
