"""Who is the customer on this request: sign-in by a one-time e-mail link or a widget token.

A signed-in customer is a Contact of one service; the session keeps its id under
``SESSION_KEY``. Agents sign in elsewhere (the desk), never here.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone

from edudesk.accounts.models import Contact, Service, email_is
from edudesk.accounts.services import find_or_create_contact, find_or_create_organisation
from edudesk.portal.models import LoginLink, WidgetNonce
from edudesk.portal.widget_token import WidgetContext, verify
from edudesk.tickets import outbox

SESSION_KEY = "portal_contact_id"
LINK_LIFETIME = timedelta(minutes=30)
LINKS_PER_HOUR = 5


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_in(request, contact: Contact) -> None:
    # A new session key on every sign-in: a session id planted before it is worthless after.
    request.session.cycle_key()
    request.session[SESSION_KEY] = contact.pk


def sign_out(request) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()


def current_contact(request, service: Service) -> Contact | None:
    contact_id = request.session.get(SESSION_KEY)
    if not contact_id:
        return None
    return (Contact.objects.select_related("service", "organisation")
            .filter(pk=contact_id, service=service).first())


def contact_required(view):
    """The view gets ``service`` and ``contact``; strangers are sent to the sign-in page."""

    @functools.wraps(view)
    def wrapper(request, service: str, *args, **kwargs):
        service_obj = get_object_or_404(Service, code=service, is_active=True)
        contact = current_contact(request, service_obj)
        if contact is None:
            return redirect("portal:signin", service=service_obj.code)
        return view(request, service_obj, contact, *args, **kwargs)

    return wrapper


def active_service(code: str) -> Service:
    service = Service.objects.filter(code=code, is_active=True).first()
    if service is None:
        raise Http404
    return service


# --- one-time e-mail links ---------------------------------------------------------------------


def request_login_link(service: Service, email: str) -> None:
    """Queue the link's mail for whoever owns the address; the job finds out who that is.

    The request does the same work whatever the address: whether it belongs to a customer
    shows neither in the answer nor in its time, and a mail server outage breaks no page.
    Durable: the request is written to the outbox (``tickets/outbox.py``), so a web process
    killed after answering loses no link; the job consumer mails it.
    """
    with transaction.atomic():
        outbox.defer(mail_login_link, service_id=service.pk, email=email)


@outbox.durable
def mail_login_link(service_id: int, email: str, now: datetime | None = None) -> None:
    """Issue a link to the contact with this address (if any) and queue its mail."""
    from edudesk.mail.notifications import mail_sign_in_link

    with transaction.atomic():
        contact = (Contact.objects.select_related("service")
                   .filter(email_is(email), service_id=service_id, service__is_active=True)
                   .order_by("id").first())
        if contact is None:
            return
        token = issue_login_link(contact, now)
        if token is None:
            return
        path = reverse("portal:signin_link", kwargs={"service": contact.service.code,
                                                      "token": token})
        mail_sign_in_link(contact, settings.SITE_URL + path)


def issue_login_link(contact: Contact, now: datetime | None = None) -> str | None:
    """A new one-time token for the contact, or None when too many were asked for lately."""
    now = now or timezone.now()
    recent = LoginLink.objects.filter(contact=contact, created_at__gte=now - timedelta(hours=1))
    if recent.count() >= LINKS_PER_HOUR:
        return None
    token = secrets.token_urlsafe(32)
    LoginLink.objects.create(contact=contact, token_hash=_hash(token), created_at=now,
                             expires_at=now + LINK_LIFETIME)
    return token


def consume_login_link(service: Service, token: str, now: datetime | None = None) -> Contact | None:
    """The link's contact, once: the conditional UPDATE lets only one request use it."""
    now = now or timezone.now()
    link = (LoginLink.objects.select_related("contact")
            .filter(token_hash=_hash(token), contact__service=service).first())
    if link is None:
        return None
    used = LoginLink.objects.filter(pk=link.pk, used_at__isnull=True, expires_at__gt=now).update(
        used_at=now
    )
    return link.contact if used else None


def peek_login_link(service: Service, token: str, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return LoginLink.objects.filter(token_hash=_hash(token), contact__service=service,
                                    used_at__isnull=True, expires_at__gt=now).exists()


# --- widget tokens ----------------------------------------------------------------------------


def use_nonce(service: Service, now: datetime):
    """The database guard for widget nonces: a unique row per (service, nonce)."""

    def guard(_code: str, nonce: str, expires_at: datetime) -> bool:
        WidgetNonce.objects.filter(service=service, expires_at__lt=now).delete()
        try:
            with transaction.atomic():
                WidgetNonce.objects.create(service=service, nonce=nonce, expires_at=expires_at)
        except IntegrityError:
            return False
        return True

    return guard


def verify_widget_token(service: Service, token: str, now: datetime | None = None) -> WidgetContext:
    now = now or timezone.now()
    return verify(token, secret=service.widget_secret, service=service.code, now=now,
                  use_nonce=use_nonce(service, now))


def contact_from_widget(service: Service, context: WidgetContext) -> Contact:
    user = context.user
    organisation = find_or_create_organisation(service, user.get("organisation", ""))
    return find_or_create_contact(service, email=user.get("email", ""),
                                  full_name=user.get("full_name", ""), phone=user.get("phone", ""),
                                  login=user.get("login", ""), role=user.get("role", ""),
                                  organisation=organisation)
