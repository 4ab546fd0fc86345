"""Admin: mailboxes (credentials write-only), the inbound ledger with quarantine and held
mail, outbound mail with resend, and the notification templates."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from edudesk.mail import outbound
from edudesk.mail.forms import SenderAddressForm
from edudesk.mail.ingest import TemporaryFailure, accept_held, reject_held, rerun
from edudesk.mail.models import InboundMail, Mailbox, MailTemplate, OutboundMail
from edudesk.tickets.types import Actor


class MailboxForm(forms.ModelForm):
    password = forms.CharField(
        label=_("пароль"), required=False, widget=forms.PasswordInput(render_value=False),
        help_text=_("Оставьте пустым, чтобы не менять сохранённый пароль."),
    )

    class Meta:
        model = Mailbox
        fields = ["name", "address", "service", "group", "polling_enabled", "host", "port",
                  "security", "username", "password", "folder", "after_processing",
                  "processed_folder", "poll_interval_seconds"]

    def clean_password(self) -> str:
        return self.cleaned_data["password"] or (self.instance.password if self.instance.pk else "")


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = ["name", "address", "service", "polling_enabled", "host", "last_polled_at",
                    "last_error"]
    list_filter = ["service", "polling_enabled"]
    readonly_fields = ["last_polled_at", "last_error"]


def _report(modeladmin, request, done: int, failed: int) -> None:
    if done:
        modeladmin.message_user(request, ngettext("Обработано писем: %(n)d.",
                                                  "Обработано писем: %(n)d.", done) % {"n": done})
    if failed:
        modeladmin.message_user(
            request, _("База данных недоступна, повторите позже (писем: %(n)d).") % {"n": failed},
            messages.ERROR)


@admin.action(description=_("Обработать повторно"))
def rerun_mail(modeladmin, request, queryset):
    done = failed = 0
    for row in queryset:
        try:
            rerun(row)
            done += 1
        except TemporaryFailure:
            failed += 1
    _report(modeladmin, request, done, failed)


@admin.action(description=_("Обработать как письмо человека (не автоответ)"))
def rerun_as_person(modeladmin, request, queryset):
    done = failed = 0
    for row in queryset:
        try:
            rerun(row, treat_as_person=True)
            done += 1
        except TemporaryFailure:
            failed += 1
    _report(modeladmin, request, done, failed)


@admin.action(description=_("Добавить задержанное письмо к обращению"))
def accept_held_mail(modeladmin, request, queryset):
    done = 0
    for row in queryset.filter(state=InboundMail.State.HELD):
        accept_held(row)
        done += 1
    _report(modeladmin, request, done, 0)


@admin.action(description=_("Отклонить задержанное письмо"))
def reject_held_mail(modeladmin, request, queryset):
    done = 0
    for row in queryset.filter(state=InboundMail.State.HELD):
        reject_held(row, actor=Actor.agent(request.user))
        done += 1
    _report(modeladmin, request, done, 0)


@admin.register(InboundMail)
class InboundMailAdmin(admin.ModelAdmin):
    list_display = ["received_at", "from_address", "subject", "state", "ticket", "mailbox",
                    "source", "size", "attempts", "reused_message_id"]
    list_filter = ["state", "source", "mailbox", "service", "reused_message_id"]
    search_fields = ["message_id", "from_address", "subject", "ticket__number"]
    raw_id_fields = ["ticket", "ticket_message", "mailbox"]
    exclude = ["raw"]
    readonly_fields = ["message_id", "mailbox", "service", "source", "size", "from_address",
                       "subject", "state", "detail", "ticket", "ticket_message", "attempts",
                       "reused_message_id", "received_at", "processed_at", "original"]
    actions = [rerun_mail, rerun_as_person, accept_held_mail, reject_held_mail]

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        from django.urls import path

        return [
            path("<int:pk>/raw/", self.admin_site.admin_view(self.download_raw),
                 name="mail_inboundmail_raw"),
            path("<int:pk>/ticket-for-address/",
                 self.admin_site.admin_view(self.ticket_for_address),
                 name="mail_inboundmail_ticket_for_address"),
            *super().get_urls(),
        ]

    @admin.display(description=_("исходное письмо"))
    def original(self, row: InboundMail):
        links = format_html('<a href="{}">{}</a>', reverse("admin:mail_inboundmail_raw", args=[row.pk]),
                            _("скачать"))
        if row.state in (InboundMail.State.QUARANTINED, InboundMail.State.NOISE,
                         InboundMail.State.REFUSED):
            links += format_html(' · <a href="{}">{}</a>',
                                 reverse("admin:mail_inboundmail_ticket_for_address", args=[row.pk]),
                                 _("создать обращение от адреса"))
        return links

    def ticket_for_address(self, request, pk: int):
        """A quarantined mail (no usable sender, say) becomes a ticket for the address named."""
        inbound = get_object_or_404(InboundMail, pk=pk)
        if not self.has_change_permission(request, inbound):
            return HttpResponse(status=403)
        form = SenderAddressForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = rerun(inbound, sender=form.cleaned_data["address"])
            except TemporaryFailure:
                _report(self, request, 0, 1)
            else:
                inbound.refresh_from_db()
                self.message_user(request, _("Результат: %(state)s. %(detail)s") % {
                    "state": inbound.get_state_display(), "detail": inbound.detail},
                    messages.SUCCESS if result.ticket_id else messages.WARNING)
                return redirect("admin:mail_inboundmail_change", inbound.pk)
        return render(request, "mail/admin/ticket_for_address.html", {
            **self.admin_site.each_context(request), "inbound": inbound, "form": form,
            "title": _("Создать обращение от адреса"),
        })

    def download_raw(self, request, pk: int):
        """The original message, whole, as the admin can open it in a mail program.

        Only for those who may view received mail in the admin: `admin_view` lets in any staff
        member (a supervisor has no admin permissions of their own)."""
        row = get_object_or_404(InboundMail, pk=pk)
        if not self.has_view_permission(request, row):
            raise PermissionDenied
        response = HttpResponse(bytes(row.raw), content_type="message/rfc822")
        response["Content-Disposition"] = f'attachment; filename="mail-{row.pk}.eml"'
        return response


@admin.action(description=_("Отправить повторно"))
def resend_mail(modeladmin, request, queryset):
    rows = queryset.filter(state__in=[OutboundMail.State.FAILED, OutboundMail.State.SUPPRESSED])
    for row in rows:
        outbound.resend(row)
    modeladmin.message_user(request, _("Поставлено в очередь: %(n)d.") % {"n": len(rows)})


@admin.register(OutboundMail)
class OutboundMailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "ticket", "to_address", "subject", "template", "state",
                    "attempts", "last_error"]
    list_filter = ["state", "template", "automatic"]
    search_fields = ["to_address", "subject", "message_id", "ticket__number"]
    raw_id_fields = ["ticket", "event"]
    readonly_fields = [f.name for f in OutboundMail._meta.fields if f.name != "id"]
    actions = [resend_mail]

    def has_add_permission(self, request):
        return False

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and obj.template == MailTemplate.Key.SIGN_IN_LINK:
            # The link signs its reader in as the customer: not for administrators' eyes.
            return [f for f in fields if f not in ("body_text", "body_html")]
        return fields


@admin.register(MailTemplate)
class MailTemplateAdmin(admin.ModelAdmin):
    list_display = ["key", "language", "service", "subject", "edited"]
    list_filter = ["key", "language", "service"]

    @admin.display(boolean=True, description=_("изменён (reset_mail_templates его не заменит)"))
    def edited(self, obj: MailTemplate) -> bool:
        return obj.edited
