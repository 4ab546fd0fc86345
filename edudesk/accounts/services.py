"""Finding and registering the people who write to support."""

from django.db import transaction

from edudesk.accounts.models import Contact, Organisation, Role, Service, email_is, name_is
from edudesk.accounts.phones import to_e164


def normalise_email(email: str) -> str:
    email = (email or "").strip()
    if "@" not in email:
        return email
    local, _, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def normalise_phone(phone: str) -> str:
    """Digits only, Russian 8-prefix folded to 7, so «8 (800) 100-08-62» matches «+78001000862»
    (for searching by a number or part of one; contacts keep ``phones.to_e164``)."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    if len(digits) == 11 and digits.startswith("8"):
        digits = "7" + digits[1:]
    return digits


@transaction.atomic(savepoint=False)  # part of the caller's change when there is one
def find_or_create_organisation(service: Service, name: str, *, city: str = "",
                                region: str = "") -> Organisation | None:
    name = (name or "").strip()
    if not name:
        return None
    organisation = (Organisation.objects.filter(name_is(name), service=service)
                    .order_by("id").first())
    if organisation is None:
        organisation = Organisation.objects.create(service=service, name=name, city=city.strip(),
                                                   region=region.strip())
    else:
        changed = [f for f, v in (("city", city), ("region", region))
                   if v.strip() and not getattr(organisation, f)]
        for f in changed:
            setattr(organisation, f, {"city": city, "region": region}[f].strip())
        if changed:
            organisation.save(update_fields=changed)
    return organisation


# ``find_or_create_contact(by_email=...)`` not given: the contact is looked up there.
LOOK_UP = object()


@transaction.atomic(savepoint=False)
def find_or_create_contact(service: Service, *, email: str = "", full_name: str = "",
                           phone: str = "", login: str = "", role: str = "",
                           organisation: Organisation | None = None,
                           by_email: Contact | object | None = LOOK_UP) -> Contact:
    """The contact with this e-mail (or, without one, this login, then this phone) in the
    service, or a new one.

    An e-mail that matches nobody makes a new contact: a login or phone given with it (a
    school's shared phone, a colleague's login) never hands the request to someone else.
    Known data is never overwritten by blanks; missing data is filled in.
    ``by_email``: what the caller's own lookup of this e-mail in this service found a moment
    ago (None: nobody), so it is not looked up twice.
    """
    email, phone = normalise_email(email), to_e164(phone)
    login = (login or "").strip()
    contacts = Contact.objects.select_for_update().filter(service=service).order_by("id")
    contact = None
    if email:
        contact = contacts.filter(email_is(email)).first() if by_email is LOOK_UP else by_email
    if contact is None and login and not email:
        contact = contacts.filter(login=login).first()
    if contact is None and phone and not email:
        contact = contacts.filter(phone=phone).first()
    if role and role not in Role.values:
        role = Role.OTHER
    # Only when the login would be written (a contact's own login is not asked about again).
    if (login and not getattr(contact, "login", "")
            and contacts.filter(login=login).exclude(pk=getattr(contact, "pk", None)).exists()):
        login = ""  # a platform login belongs to one person: it stays with its owner
    if contact is None:
        return Contact.objects.create(service=service, email=email, full_name=full_name.strip(),
                                      phone=phone, login=login, role=role,
                                      organisation=organisation)
    updates = {"email": email, "full_name": full_name.strip(), "phone": phone, "login": login,
               "role": role, "organisation": organisation}
    # (organisation_id: asking for the organisation itself would read it from the database)
    changed = [key for key, value in updates.items()
               if value and not getattr(contact, "organisation_id" if key == "organisation" else key)]
    for key in changed:
        setattr(contact, key, updates[key])
    if changed:
        contact.save(update_fields=changed)
    if organisation is not None and contact.organisation_id == organisation.pk:
        contact.organisation = organisation  # in hand already: the ticket needs no second read
    return contact
