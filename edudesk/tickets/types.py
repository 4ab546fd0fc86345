"""Small value types passed into the ticket domain."""

from dataclasses import dataclass

from edudesk.tickets.status import ActorKind


@dataclass(frozen=True)
class Actor:
    """Who makes a change: an agent (a User), a customer (a Contact) or the system."""

    kind: ActorKind
    user: object | None = None
    contact: object | None = None
    # A customer an agent let into the ticket (a held mail from a new correspondent accepted).
    admitted: bool = False

    @classmethod
    def agent(cls, user) -> "Actor":
        return cls(ActorKind.AGENT, user=user)

    @classmethod
    def customer(cls, contact, *, admitted: bool = False) -> "Actor":
        return cls(ActorKind.CUSTOMER, contact=contact, admitted=admitted)

    @classmethod
    def system(cls) -> "Actor":
        return cls(ActorKind.SYSTEM)

    def __str__(self) -> str:
        return str(self.user or self.contact or self.kind)


@dataclass(frozen=True)
class NewAttachment:
    """An image already verified and re-encoded by the intake attachment policy."""

    name: str
    content: bytes
    content_type: str
    width: int | None = None
    height: int | None = None
    sha256: str = ""
    original_name: str = ""
