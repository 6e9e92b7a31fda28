"""An Intercom integration written with Intercom's official Python SDK (python-intercom), pinned to 2.11.

When a user signs up: their contact is created, tagged with their plan, given a note for the team and a welcome
email; the team's dashboard lists the open conversations. `test_onboarding.py` tests it with
intercom-contracts' `intercom_mock`.
"""

from __future__ import annotations

from dataclasses import dataclass

from intercom import (
    CreateContactRequestWithExternalId,
    CreateMessageRequest_Email,
    CreateMessageRequestFrom,
    CreateMessageRequestTo,
    CreateOrUpdateTagRequest,
    Intercom,
)
from intercom.core.api_error import ApiError

API_VERSION = "2.11"  # the SDK sends no Intercom-Version of its own: the workspace's default would apply


@dataclass(frozen=True)
class SignUp:
    user_id: str
    email: str
    name: str
    plan: str


@dataclass(frozen=True)
class Onboarded:
    contact_id: str
    tag_id: str
    note_id: str
    message_id: str | None  # None: the new contact was not yet available for messaging (a 404, as Intercom warns)


def client(token: str, *, base_url: str = "https://api.intercom.io") -> Intercom:
    """The SDK's client, every request at API_VERSION."""
    return Intercom(token=token, base_url=base_url, headers={"Intercom-Version": API_VERSION}, timeout=10)


class Onboarding:
    def __init__(self, intercom: Intercom, *, admin_id: int) -> None:
        self.intercom, self.admin_id = intercom, admin_id

    def onboard(self, user: SignUp) -> Onboarded:
        # The API takes an external_id and an email together; the SDK has a model per required key, and passes on
        # the members it does not declare (its models allow extra members).
        contact = self.intercom.contacts.create(
            request=CreateContactRequestWithExternalId.model_validate(
                {"external_id": user.user_id, "email": user.email, "name": user.name}
            )
        )
        tag = self.intercom.tags.create(request=CreateOrUpdateTagRequest(name=f"plan:{user.plan}"))
        self.intercom.tags.tag_contact(contact.id, tag_id=tag.id)
        note = self.intercom.notes.create(
            contact.id, body=f"<p>Signed up on {user.plan}</p>", admin_id=str(self.admin_id)
        )
        return Onboarded(contact.id, tag.id, str(note.id), self._welcome(contact.id, user.name))

    def _welcome(self, contact_id: str, name: str) -> str | None:
        try:
            message = self.intercom.messages.create(
                request=CreateMessageRequest_Email(
                    subject=f"Welcome, {name}",
                    body=f"<p>Welcome aboard, {name}!</p>",
                    template="personal",
                    from_=CreateMessageRequestFrom(id=self.admin_id),
                    to=CreateMessageRequestTo(type="user", id=contact_id),
                )
            )
        except ApiError as error:  # the SDK has no class of its own for this operation's 404
            if error.status_code == 404:  # a contact just created may not be available for messaging yet
                return None
            raise
        return str(message.id)

    def open_conversations(self, *, per_page: int = 20) -> list[str]:
        """The ids of the open conversations, every page."""
        return [c.id for c in self.intercom.conversations.list(per_page=per_page) if c.state == "open"]
