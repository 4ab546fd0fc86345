"""The ledger of imported tickets: which ticket each reference of a previous system became."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudesk.tickets.models import Ticket


class ImportedTicket(models.Model):
    """One ticket brought over from a previous help desk, keyed by that system's reference.

    Written in the same transaction as the ticket, so a re-run of the same file skips what is
    already here (the import is idempotent and resumable) and the old number stays findable.
    """

    reference = models.CharField(_("номер в прежней системе"), max_length=100, unique=True)
    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="imported_from",
                                  verbose_name=_("обращение"))
    imported_at = models.DateTimeField(_("импортировано"), default=timezone.now)

    class Meta:
        verbose_name = _("импортированное обращение")
        verbose_name_plural = _("импортированные обращения")

    def __str__(self) -> str:
        return f"{self.reference} → {self.ticket_id}"
