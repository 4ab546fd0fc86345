"""Who is asking, and what is known about them: the one mapping from intake data to a contact.

Identity comes from the channel only: the From address of a mail, the signed-in portal
user, the widget's signed token, the API token, the requester an agent names (API or a
consultation). Logins, names and phones typed in a request describe the problem — many
teachers share one school phone and one secretary writes for many — so:

* the channel's ``RequesterData`` says who is asking; the contact is found by the channel's
  e-mail, else its login, else its phone (``accounts.services.find_or_create_contact``);
* the form's or the letter's values fill only what the channel left blank, and never the
  identifying attributes (e-mail, login) — except on an anonymous form (the public web form,
  an agent typing a caller's data), where the form is all the channel has;
* what is filled in reaches the contact's record (blank attributes only), so the next
  request does not ask again.
"""

from __future__ import annotations

import dataclasses

from edudesk.accounts.models import Contact, Service, email_is
from edudesk.accounts.services import (
    LOOK_UP,
    find_or_create_contact,
    find_or_create_organisation,
    normalise_email,
)
from edudesk.intake.schema import FieldSpec
from edudesk.intake.submission import RequesterData

# A schema field's context key (the widget token's claim names) → the requester's attribute.
CONTEXT_ATTRIBUTES = {
    "full_name": "full_name",
    "login": "login",
    "role": "role",
    "organisation": "organisation",
    "email": "email",
    "phone": "phone",
}
# Schema fields without a context key that still describe the requester.
PLAIN_ATTRIBUTES = {"region": "region", "city": "city"}
# Attributes that say who is asking: only ever from the channel.
IDENTITY_ATTRIBUTES = frozenset({"email", "login"})


def attribute_for(spec: FieldSpec) -> str:
    """The requester attribute a schema field fills, or ""."""
    return CONTEXT_ATTRIBUTES.get(spec.context_key) or PLAIN_ATTRIBUTES.get(spec.key) or ""


def from_contact(contact: Contact | None) -> RequesterData:
    """What the desk already knows about a contact (the portal user, an API token's owner)."""
    if contact is None:
        return RequesterData()
    organisation = contact.organisation
    return RequesterData(
        email=contact.email, full_name=contact.full_name, phone=contact.phone,
        login=contact.login, role=contact.role,
        organisation=organisation.name if organisation else "",
        city=organisation.city if organisation else "",
        region=organisation.region if organisation else "",
    )


def known_values(contact: Contact | None) -> dict[str, str]:
    """The contact's data keyed like the schema's context keys (prefills a form)."""
    who = from_contact(contact)
    values = {key: getattr(who, attribute) for key, attribute in CONTEXT_ATTRIBUTES.items()}
    organisation = contact.organisation if contact else None
    values["platform_url"] = organisation.lms_url if organisation else ""
    values["region"], values["city"] = who.region, who.city
    return {key: value for key, value in values.items() if value}


def described(specs, values: dict[str, str]) -> RequesterData:
    """The requester's attributes as the schema's fields give them (cleaned values)."""
    found = RequesterData()
    for spec in specs:
        attribute = attribute_for(spec)
        if attribute and values.get(spec.key) and not getattr(found, attribute):
            setattr(found, attribute, values[spec.key])
    return found


def is_anonymous(channel: RequesterData) -> bool:
    """The channel itself knows nobody: the form's values are all there is."""
    return not (channel.email or channel.login or channel.phone)


def combine(channel: RequesterData, form: RequesterData) -> RequesterData:
    """The channel's identity, completed by the form's description (see the module's rule)."""
    anonymous = is_anonymous(channel)
    result = dataclasses.replace(channel)
    for item in dataclasses.fields(RequesterData):
        name = item.name
        if getattr(result, name):
            continue
        if name in IDENTITY_ATTRIBUTES and not anonymous:
            continue
        setattr(result, name, getattr(form, name))
    return result


def known(service: Service, who: RequesterData, found: dict | None = None) -> Contact | None:
    """The existing contact the channel's identity names (nothing is created).

    `found`: the lookups of one submission by identity (``Submission.found_contacts``), so that
    its steps (repeat check, validation, registration) look a requester up once."""
    key = _identity(service, who)
    if found is not None and key in found:
        return found[key]
    contacts = Contact.objects.filter(service=service).select_related("organisation").order_by("id")
    contact = None
    if who.email:
        contact = contacts.filter(email_is(normalise_email(who.email))).first()
    elif who.login:
        contact = contacts.filter(login=who.login.strip()).first()
    if found is not None and key is not None:
        found[key] = contact
    return contact


def _identity(service: Service, who: RequesterData) -> tuple | None:
    if who.email:
        return service.pk, "email", normalise_email(who.email)
    if who.login:
        return service.pk, "login", who.login.strip()
    return None


def with_known(service: Service, who: RequesterData, found: dict | None = None) -> RequesterData:
    """The channel's requester completed with what the desk already knows about them, so a
    known sender is not asked again for data they gave before."""
    if is_anonymous(who):
        return who
    contact = known(service, who, found)
    return combine(who, from_contact(contact)) if contact is not None else who


def remember(contact: Contact, specs, values: dict[str, str]) -> Contact:
    """Data a customer gives later (a follow-up: «Регион: …») completes their record too, so
    the next request does not ask again; blanks only, identity never."""
    return resolve(contact.service, combine(from_contact(contact), described(specs, values)))


def resolve(service: Service, who: RequesterData, found: dict | None = None) -> Contact:
    """The contact (and organisation) for this requester, created or completed as needed.

    `found`: as for ``known``; the contact its e-mail found then is not looked up again."""
    organisation = find_or_create_organisation(service, who.organisation, city=who.city,
                                               region=who.region)
    key = _identity(service, who) if who.email and found is not None else None
    by_email = found[key] if key in (found or {}) else LOOK_UP
    contact = find_or_create_contact(service, email=who.email, full_name=who.full_name,
                                     phone=who.phone, login=who.login, role=who.role,
                                     organisation=organisation, by_email=by_email)
    if key is not None:
        found[key] = contact  # a split request's next ticket: the contact this one made
    return contact
