"""The one form agents and administrators use to make a ticket of a quarantined mail."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SenderAddressForm(forms.Form):
    address = forms.EmailField(
        label=_("адрес отправителя"), max_length=320,
        help_text=_("Письмо будет обработано как письмо с этого адреса: обращение, заявитель и "
                    "ответы — на него."),
    )
