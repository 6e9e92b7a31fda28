"""The stateful flows: a hypothesis state machine over one workspace, for one region x version.

Its rules create contacts, companies, tags, conversations, notes, data events, tickets and articles, and act on what
they made (update, attach, tag, reply, close, open, assign, delete) through our links (links.yaml); an operation the
version lacks takes its rules out. After each step the invariants (contracts.flows._invariants) read the workspace
back. Every record carries the run's marker (`<marker>-<n>@example.com`, `<marker> contact <n>`, `<marker>-tag-<n>`)
so a person can tell what a run made; a flow only ever touches what it made. hypothesis shrinks a failure to the
shortest sequence of steps that still breaks the invariant.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any, ClassVar

from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from ._invariants import (
    Holds,
    Text,
    deleted_ids_answer_404,
    lists_hold_created_not_deleted,
    written_reads_back,
)
from ._links import Links
from ._world import Answer, FlowTarget, Model, Requests, Stopped

__all__ = ["FlowMachine", "flow_machine", "flow_settings", "run_flows"]

_REFUSED = "written_reads_back"  # a step the contract allows that the target refuses: what was written is not there


def _can(resource: str, verb: str = "create", *, admin: bool = False) -> Callable[[FlowMachine], bool]:
    """A rule's precondition: the version has the operation, an admin acts where needed."""

    def allowed(machine: FlowMachine) -> bool:
        if not machine.links.has(resource, verb):
            return False
        return not admin or machine.target.admin_id is not None

    return allowed


class FlowMachine(RuleBasedStateMachine):
    """The flows over one target (set by `flow_machine`); each example starts from what the target holds."""

    target: ClassVar[FlowTarget]
    links: ClassVar[Links]

    contacts = Bundle("contacts")
    companies = Bundle("companies")
    tags = Bundle("tags")
    conversations = Bundle("conversations")
    tickets = Bundle("tickets")
    articles = Bundle("articles")

    def __init__(self) -> None:
        super().__init__()
        self.target.trail.clear()
        if self.target.fresh is not None:
            self.target.fresh()  # the fake: a fresh workspace for each example
        self.requests = Requests(self.target, self.links)
        self.model = Model()
        self.ticket_type: str | None = None

    # -- sending -----------------------------------------------------------------------------------------------------
    def _step(self, name: str, *ids: str) -> None:
        self.target.trail.append(f"{name}({', '.join(ids)})")
        self.target.taken += 1

    def _send(self, resource: str, verb: str, ids: dict[str, str] | None = None, body: Any = None) -> Answer:
        """The answer; Stopped (out of the whole run) when a safety rule or cap keeps the request back."""
        return self.requests.send(resource, verb, ids, body)

    def _done(self, answer: Answer, what: str, statuses: tuple[int, ...] = (200,)) -> None:
        """Fails when the target refused the step."""
        self.requests.expect(answer, statuses, _REFUSED, f"{what} was refused")

    def _create(self, resource: str, body: Any, ids: dict[str, str] | None = None) -> str:
        """Create and return the new id (for the rule's bundle)."""
        answer = self._send(resource, "create", ids, body)
        self._done(answer, f"creating a {resource}")
        made = answer.at(self.links.link(resource, "create").id_pointer or "/id")
        if not isinstance(made, (str, int)):
            self.requests.fail(_REFUSED, answer.link, f"the new {resource} has no id", answer.shown(), "its id")
        return str(made)

    def _text(self, what: str) -> tuple[int, str]:
        number = self.target.number()
        return number, f"{self.target.marker} {what} {number}"

    # -- contacts ------------------------------------------------------------------------------------------------------
    @precondition(_can("contact"))
    @rule(target=contacts)
    def create_contact(self) -> Any:
        number, name = self._text("contact")
        marker = self.target.marker
        fields = {"email": f"{marker}-{number}@example.com", "name": name, "external_id": f"{marker}-{number}"}
        made = self._create("contact", {"role": "user", **fields})
        self._step("create_contact", made)
        self.model.made("contact", made, {f"/{key}": value for key, value in fields.items()})
        return made

    @precondition(_can("contact", "update"))
    @rule(contact=contacts)
    def rename_contact(self, contact: str) -> None:
        self._update("contact", contact, "name", "rename_contact")

    @precondition(_can("contact", "delete"))
    @rule(contact=consumes(contacts))
    def delete_contact(self, contact: str) -> None:
        self._delete("contact", contact, "deleting a contact")

    # -- companies -----------------------------------------------------------------------------------------------------
    @precondition(_can("company"))
    @rule(target=companies)
    def create_company(self) -> Any:
        number, name = self._text("company")
        fields = {"company_id": f"{self.target.marker}-{number}", "name": name}
        made = self._create("company", fields)
        self._step("create_company", made)
        self.model.made("company", made, {f"/{key}": value for key, value in fields.items()})
        return made

    @precondition(_can("company"))
    @rule(company=companies)
    def rename_company(self, company: str) -> None:
        """Companies are updated as they are created, by their company_id (every version documents it so)."""
        company_id = self.model.expected.get("company", {}).get(company, {}).get("/company_id")
        if company_id is None:
            return
        _, name = self._text("renamed company")
        answer = self._send("company", "create", body={"company_id": company_id, "name": name})
        self._done(answer, "updating a company by its company_id")
        self._step("rename_company", company)
        self.model.wrote("company", company, {"/id": company, "/name": name})

    @precondition(_can("company", "attach"))
    @rule(contact=contacts, company=companies)
    def attach_company(self, contact: str, company: str) -> None:
        self._attach(contact, "company", company, "attach_company")

    @precondition(_can("company", "detach"))
    @rule(contact=contacts, company=companies)
    def detach_company(self, contact: str, company: str) -> None:
        self._detach(contact, "company", company, "detach_company")

    @precondition(_can("company", "delete"))
    @rule(company=consumes(companies))
    def delete_company(self, company: str) -> None:
        self._delete("company", company, "deleting a company")

    # -- tags ----------------------------------------------------------------------------------------------------------
    @precondition(_can("tag"))
    @rule(target=tags)
    def create_tag(self) -> Any:
        name = f"{self.target.marker}-tag-{self.target.number()}"
        made = self._create("tag", {"name": name})
        self._step("create_tag", made)
        self.model.made("tag", made, {"/name": name})
        return made

    @precondition(_can("tag", "attach"))
    @rule(contact=contacts, tag=tags)
    def tag_contact(self, contact: str, tag: str) -> None:
        self._attach(contact, "tag", tag, "tag_contact")

    @precondition(_can("tag", "detach"))
    @rule(contact=contacts, tag=tags)
    def untag_contact(self, contact: str, tag: str) -> None:
        self._detach(contact, "tag", tag, "untag_contact")

    @precondition(_can("tag", "delete"))
    @rule(tag=consumes(tags))
    def delete_tag(self, tag: str) -> None:
        self._delete("tag", tag, "deleting a tag")

    # -- conversations -------------------------------------------------------------------------------------------------
    @precondition(_can("conversation"))
    @rule(target=conversations, contact=contacts)
    def start_conversation(self, contact: str) -> Any:
        _, text = self._text("hello")
        made = self._create("conversation", {"from": {"type": "user"}, "body": text}, {"contact": contact})
        self._step("start_conversation", contact)
        self.model.made("conversation", made, {"/source/body": Text(text)})
        return made

    @precondition(_can("conversation", "reply", admin=True))
    @rule(conversation=conversations)
    def reply(self, conversation: str) -> None:
        _, text = self._text("reply")
        body = {"message_type": "comment", "type": "admin", "admin_id": self.target.admin_id, "body": text}
        parts = {"/conversation_parts/conversation_parts": Holds("body", text)}
        self._manage(conversation, "reply", body, parts)

    @precondition(_can("conversation", "manage", admin=True))
    @rule(conversation=conversations)
    def close(self, conversation: str) -> None:
        _, text = self._text("closed")
        body = {"message_type": "close", "type": "admin", "admin_id": self.target.admin_id, "body": text}
        self._manage(conversation, "manage", body, {"/state": "closed"})

    @precondition(_can("conversation", "manage", admin=True))
    @rule(conversation=conversations)
    def reopen(self, conversation: str) -> None:
        body = {"message_type": "open", "admin_id": self.target.admin_id}
        self._manage(conversation, "manage", body, {"/state": "open"})

    @precondition(_can("conversation", "manage", admin=True))
    @rule(conversation=conversations)
    def assign(self, conversation: str) -> None:
        admin = self.target.admin_id
        body = {"message_type": "assignment", "type": "admin", "admin_id": admin, "assignee_id": admin}
        self._manage(conversation, "manage", body, {"/admin_assignee_id": admin})

    def _manage(self, conversation: str, verb: str, body: dict[str, Any], expected: dict[str, Any]) -> None:
        answer = self._send("conversation", verb, {"conversation": conversation}, body)
        self._done(answer, f"{body['message_type']} on a conversation")
        self._step(str(body["message_type"]), conversation)
        self.model.wrote("conversation", conversation, expected)

    @precondition(_can("conversation", "delete"))
    @rule(conversation=consumes(conversations))
    def delete_conversation(self, conversation: str) -> None:
        self._delete("conversation", conversation, "deleting a conversation")

    # -- notes and data events -----------------------------------------------------------------------------------------
    @precondition(_can("note", admin=True))
    @rule(contact=contacts)
    def note_contact(self, contact: str) -> None:
        _, text = self._text("note")
        made = self._create("note", {"body": text, "admin_id": self.target.admin_id}, {"contact": contact})
        self._step("note_contact", contact)
        self.model.made("note", made, {"/body": Text(text), "/author/id": self.target.admin_id})
        self.model.attach(("contact", contact), "note", made, made)

    @precondition(_can("data_event"))
    @rule(contact=contacts)
    def track_event(self, contact: str) -> None:
        name = f"{self.target.marker}-event-{self.target.number()}"
        body = {"event_name": name, "created_at": int(time.time())}
        answer = self._send("data_event", "create", {"contact": contact}, body)
        self._done(answer, "tracking a data event", (202, 200))
        self._step("track_event", contact)
        self.model.attach(("contact", contact), "data_event", name, name)

    # -- tickets -------------------------------------------------------------------------------------------------------
    @precondition(_can("ticket"))
    @rule(target=tickets, contact=contacts)
    def open_ticket(self, contact: str) -> Any:
        ticket_type = self._ticket_type()
        if ticket_type is None:
            return multiple()
        _, title = self._text("ticket")
        body = {"ticket_type_id": ticket_type, "ticket_attributes": {"_default_title_": title}}
        made = self._create("ticket", body, {"contact": contact})
        self._step("open_ticket", contact)
        expected = {"/ticket_attributes/_default_title_": title, "/contacts/contacts": Holds("id", contact)}
        self.model.made("ticket", made, expected)
        return made

    def _ticket_type(self) -> str | None:
        """A ticket type of the workspace; on the fake, one the flow makes when there is none."""
        if self.ticket_type is None and self.links.has("ticket_type", "list"):
            answer = self._send("ticket_type", "list")
            if answer.status == 200:
                found = next(iter(answer.at("/ticket_types") or answer.at("/data") or []), None)
                self.ticket_type = str(found["id"]) if isinstance(found, dict) and "id" in found else None
        if self.ticket_type is None and not self.target.live and self.links.has("ticket_type"):
            body = {"name": f"{self.target.marker} type"}
            if self.requests.declares("ticket_type", "create", "category"):
                body["category"] = "Customer"
            made = self._create("ticket_type", body)
            self.ticket_type = made
        return self.ticket_type

    @precondition(_can("ticket", "reply", admin=True))
    @rule(ticket=tickets)
    def reply_ticket(self, ticket: str) -> None:
        _, text = self._text("ticket reply")
        body = {"message_type": "comment", "type": "admin", "admin_id": self.target.admin_id, "body": text}
        if not self.requests.declares("ticket", "reply", "type"):  # 2.9's ticket reply is an admin's only
            del body["type"]
        self._done(self._send("ticket", "reply", {"ticket": ticket}, body), "replying to a ticket")
        self._step("reply_ticket", ticket)

    @precondition(_can("ticket", "delete"))
    @rule(ticket=consumes(tickets))
    def delete_ticket(self, ticket: str) -> None:
        self._delete("ticket", ticket, "deleting a ticket")

    # -- articles ------------------------------------------------------------------------------------------------------
    @precondition(_can("article", admin=True))
    @rule(target=articles)
    def write_article(self) -> Any:
        _, title = self._text("article")
        made = self._create("article", {"title": title, "author_id": int(str(self.target.admin_id)), "state": "draft"})
        self._step("write_article", made)
        self.model.made("article", made, {"/title": title})
        return made

    @precondition(_can("article", "update"))
    @rule(article=articles)
    def retitle_article(self, article: str) -> None:
        self._update("article", article, "title", "retitle_article")

    @precondition(_can("article", "delete"))
    @rule(article=consumes(articles))
    def delete_article(self, article: str) -> None:
        self._delete("article", article, "deleting an article")

    # -- what the rules share -----------------------------------------------------------------------------------------
    def _update(self, resource: str, item: str, field: str, step: str) -> None:
        """Give `item` a new `field` (its name, its title) and expect it read back."""
        _, value = self._text(step.replace("_", " "))
        self._done(self._send(resource, "update", {resource: item}, {field: value}), f"the {step} step")
        self._step(step, item)
        self.model.wrote(resource, item, {f"/{field}": value})

    def _attach(self, contact: str, kind: str, item: str, step: str) -> None:
        """Attach `item` (a company, a tag) to `contact`: from now on the contact's list of them holds it."""
        self._done(self._send(kind, "attach", {"contact": contact, kind: item}, {}), f"the {step} step")
        self._step(step, contact, item)
        self.model.attach(("contact", contact), kind, item, item)

    def _detach(self, contact: str, kind: str, item: str, step: str) -> None:
        """Detach `item` from `contact`, where the flow attached it: the contact's list of them holds it no more."""
        if item not in self.model.attached.get(("contact", contact, kind), {}):
            return
        self._done(self._send(kind, "detach", {"contact": contact, kind: item}), f"the {step} step")
        self._step(step, contact, item)
        self.model.detach(("contact", contact), kind, item)

    def _delete(self, resource: str, item: str, doing: str) -> None:
        """Delete `item`: from now on it answers 404 and no list holds it."""
        self._done(self._send(resource, "delete", {resource: item}), doing)
        self._step(f"delete_{resource}", item)
        self.model.removed(resource, item)

    # -- the invariants, after each step -------------------------------------------------------------------------------
    @invariant()
    def what_was_written_reads_back(self) -> None:
        written_reads_back(self.requests, self.model)

    @invariant()
    def deleted_ids_answer_404(self) -> None:
        deleted_ids_answer_404(self.requests, self.model)

    @invariant()
    def lists_and_pages_hold_what_exists(self) -> None:
        searches = {"contact": {"query": {"field": "email", "operator": "~", "value": self.target.marker}}}
        lists_hold_created_not_deleted(self.requests, self.model, searches)


def flow_machine(target: FlowTarget) -> type[FlowMachine]:
    """The state machine class of the flows over `target` (its links resolved for the target's version)."""
    name = "Flows_" + re.sub(r"\W", "_", f"{target.region}_{target.version}")
    return type(name, (FlowMachine,), {"target": target, "links": target.links()})


def flow_settings(*, examples: int, steps: int, live: bool = False) -> settings:
    """A live run neither shrinks nor replays (each would write again); the fake's run shrinks a failure."""
    phases = [Phase.explicit, Phase.generate] if live else [Phase.explicit, Phase.generate, Phase.shrink]
    return settings(
        max_examples=examples,
        stateful_step_count=steps,
        deadline=None,
        database=None,
        phases=phases,
        print_blob=not live,
        suppress_health_check=list(HealthCheck),
    )


def run_flows(target: FlowTarget, *, examples: int = 10, steps: int = 12, live: bool | None = None) -> str | None:
    """Run the flows over `target`; a broken invariant raises FlowFailure (shrunk on the fake). Returns why the flows
    ended early (a request a safety rule or cap kept back), or None."""
    chosen = target.live if live is None else live
    try:
        run_state_machine_as_test(
            flow_machine(target), settings=flow_settings(examples=examples, steps=steps, live=chosen)
        )
    except Stopped as stopped:
        return stopped.reason
    except Exception:
        if chosen and target.failure is not None:  # the failure met live, not what its replay made of it
            raise target.failure from None
        raise
    return None
