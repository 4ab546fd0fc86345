from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _create_default_templates(sender, **kwargs) -> None:
    from edudesk.mail.mail_templates import create_default_templates

    create_default_templates()


class MailConfig(AppConfig):
    name = "edudesk.mail"
    label = "mail"
    verbose_name = _("Почта")

    def ready(self) -> None:
        from edudesk.core import memo
        from edudesk.mail.notifications import NOTIFIED_KINDS, notify_customer
        from edudesk.mail.outbound import sending_together
        from edudesk.mail.staff_notices import SLA_KINDS, notify_supervisor
        from edudesk.tickets import outbox
        from edudesk.tickets.events import subscribe

        subscribe(notify_customer, kinds=NOTIFIED_KINDS)
        subscribe(notify_supervisor, kinds=SLA_KINDS)
        # The mails one outbox job composes go out in one job, over one SMTP connection.
        outbox.around_dispatch(sending_together)
        # The template row and the sender address its mails repeat are looked up once.
        outbox.around_dispatch(memo.scope)
        post_migrate.connect(_create_default_templates, sender=self)
