"""Who fills in the form, and what is known about them before they type anything.

Three kinds of visitor: a stranger on the public form; a customer signed in to the portal
(their contact data prefills the form, editable); a platform user arriving through the widget
(the signed token's data fills the form and is locked). A widget visitor carries a signed
``widget_session`` in every form instead of a cookie, because cookies inside another site's
iframe are third-party and browsers drop them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core import signing

from edudesk.accounts.models import Contact, Service
from edudesk.intake import requester as requesters
from edudesk.intake.schema import FormSchema
from edudesk.intake.submission import RequesterData

WIDGET_SALT = "edudesk.portal.widget-session"
WIDGET_SESSION_AGE = 2 * 60 * 60


@dataclass
class Visitor:
    service: Service
    contact: Contact | None = None
    # The widget token's user claims (full_name, login, role, organisation, platform_url, ...).
    claims: dict[str, str] = field(default_factory=dict)
    widget_session: str = ""

    @property
    def is_widget(self) -> bool:
        return bool(self.widget_session)

    def locked_keys(self, schema: FormSchema) -> frozenset[str]:
        return frozenset(
            spec.key for _where, spec in schema.iter_fields()
            if spec.context_key and self.claims.get(spec.context_key)
        )

    def known_values(self, schema: FormSchema) -> dict[str, str]:
        """Values to show before the user types: the token's claims, or the contact's data."""
        known = self.claims or _contact_claims(self.contact)
        values = {}
        for _where, spec in schema.iter_fields():
            if spec.context_key and known.get(spec.context_key):
                values[spec.key] = known[spec.context_key]
        if self.contact and self.contact.organisation and self.contact.organisation.region:
            values.setdefault("region", self.contact.organisation.region)
        return values

    def requester(self) -> RequesterData:
        """Who is asking, as this channel knows it: the token's user, the signed-in contact,
        or nobody (a stranger on the public form: the form's own data then says who)."""
        claims = self.claims
        if not claims:
            return requesters.from_contact(self.contact)
        return RequesterData(
            email=claims.get("email", ""), full_name=claims.get("full_name", ""),
            phone=claims.get("phone", ""), login=claims.get("login", ""),
            role=claims.get("role", ""), organisation=claims.get("organisation", ""),
        )


def _contact_claims(contact: Contact | None) -> dict[str, str]:
    return requesters.known_values(contact)


def widget_session_for(service: Service, contact: Contact, claims: dict[str, str]) -> str:
    return signing.dumps({"s": service.code, "c": contact.pk, "u": claims}, salt=WIDGET_SALT,
                         compress=True)


def widget_visitor(service: Service, value: str) -> Visitor | None:
    """The visitor of a signed widget session, or None when it is forged, stale or foreign."""
    try:
        data = signing.loads(value or "", salt=WIDGET_SALT, max_age=WIDGET_SESSION_AGE)
    except signing.BadSignature:
        return None
    if data.get("s") != service.code:
        return None
    contact = (Contact.objects.select_related("organisation")
               .filter(pk=data.get("c"), service=service).first())
    if contact is None:
        return None
    return Visitor(service=service, contact=contact, claims=dict(data.get("u") or {}),
                   widget_session=value)
