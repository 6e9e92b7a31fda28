"""The compiled Create-a-message contract of one spec, for one Intercom-Version.

Compiled once per spec (schemas resolved and translated, validators built); a Contract adds the version sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jsonschema.exceptions import SchemaError

from ..errors import SpecError
from ..schema import CREATE_MESSAGE_RULES, MISSING, Validator, as_list, bundle_schema, deref_bundled, join, with_rules
from ._facts import CREATE_MESSAGE, IDENTIFY_ADMIN

if TYPE_CHECKING:
    from ._spec import Operation, Spec

__all__ = ["CompiledContract", "Contract", "json_schema_pointer"]

VERSION_HEADER = "intercom-version"


@dataclass(frozen=True)
class CompiledContract:
    """What a spec documents about POST /messages (and GET /me), compiled."""

    request: Validator
    message: Validator
    error: Validator
    admin: Validator | None
    versions: tuple[str, ...]
    default_version: str | None
    statuses: frozenset[int]
    request_pointer: str
    message_pointer: str
    error_pointer: str

    @classmethod
    def build(cls, spec: Spec) -> CompiledContract:
        try:
            return cls._build(spec)
        except SchemaError as error:
            raise SpecError(
                spec.source, f"holds an invalid schema: {error.message}", pointer=_document_pointer(error)
            ) from None
        except RecursionError:
            raise SpecError(spec.source, "holds schemas nested or referring to each other too deeply") from None

    @classmethod
    def _build(cls, spec: Spec) -> CompiledContract:
        operation = spec.operation(CREATE_MESSAGE)
        request_pointer = _request_schema_pointer(spec, operation)
        message_pointer = _response_schema_pointer(spec, operation, lambda status: status == 200, "200")
        error_pointer = _response_schema_pointer(spec, operation, _is_error_status, "error (4xx)")
        admin = None
        if spec.has_operation(IDENTIFY_ADMIN):
            me = spec.operation(IDENTIFY_ADMIN)
            admin_pointer = _response_schema_pointer(spec, me, lambda status: status == 200, "200")
            admin = Validator(bundle_schema(spec.document, admin_pointer, source=spec.source), subject="Admin")
        request_schema = bundle_schema(spec.document, request_pointer, source=spec.source)
        versions, default = _versions(spec, operation)
        return cls(
            request=Validator(with_rules(request_schema, CREATE_MESSAGE_RULES), subject="Create-a-message request"),
            message=Validator(bundle_schema(spec.document, message_pointer, source=spec.source), subject="Message"),
            error=Validator(bundle_schema(spec.document, error_pointer, source=spec.source), subject="Error list"),
            admin=admin,
            versions=versions,
            default_version=default,
            statuses=frozenset(_statuses(spec, operation)),
            request_pointer=request_pointer,
            message_pointer=message_pointer,
            error_pointer=error_pointer,
        )


@dataclass(frozen=True)
class Contract:
    """The contract of Create a message as one spec documents it, sending `version` as Intercom-Version."""

    spec: Spec
    version: str
    compiled: CompiledContract

    @property
    def versions(self) -> tuple[str, ...]:
        """Every Intercom-Version value the spec documents."""
        return self.compiled.versions

    @property
    def statuses(self) -> frozenset[int]:
        """The status codes documented for POST /messages."""
        return self.compiled.statuses

    @property
    def servers(self) -> list[str]:
        return self.spec.servers

    def operation_id_at(self, method: str, path: str) -> str | None:
        """The operationId a request to `method path` reaches in this contract's spec (None: no operation)."""
        operation = self.spec.operation_at(method, path)
        return operation.operation_id if operation is not None else None

    @property
    def request_schema(self) -> dict[str, Any]:
        """The request body schema (JSON Schema 2020-12, domain rules included)."""
        return self.compiled.request.schema

    @property
    def declared_request_fields(self) -> frozenset[str]:
        """Every top-level field some branch of the request schema declares."""
        return declared_fields(self.compiled.request.schema)

    @property
    def message_schema(self) -> dict[str, Any]:
        return self.compiled.message.schema

    @property
    def error_schema(self) -> dict[str, Any]:
        return self.compiled.error.schema

    def validate_create_message_request(self, payload: Any) -> None:
        """Raise ContractViolation unless `payload` is a request body the contract accepts."""
        self.compiled.request.validate(payload)

    def validate_message(self, message: Any) -> None:
        """Raise ContractViolation unless `message` is a valid Message (the 200 body)."""
        self.compiled.message.validate(message)

    def validate_error(self, body: Any) -> None:
        """Raise ContractViolation unless `body` is a valid error envelope."""
        self.compiled.error.validate(body)

    def validate_admin(self, admin: Any) -> None:
        """Raise ContractViolation unless `admin` is a valid GET /me answer."""
        if self.compiled.admin is None:
            raise SpecError(self.spec.source, "has no identifyAdmin operation (GET /me)", pointer="#/paths")
        self.compiled.admin.validate(admin)

    def __repr__(self) -> str:
        return f"<Contract createMessage {self.spec.source} Intercom-Version {self.version}>"


def declared_fields(root: dict[str, Any], node: Any = None, depth: int = 0) -> frozenset[str]:
    """The property names a bundled object schema declares, through $refs, allOf and every anyOf/oneOf branch."""
    node = deref_bundled(root, root if node is None else node)
    if not isinstance(node, dict) or depth > 16:
        return frozenset()
    names = set(node.get("properties", {})) if isinstance(node.get("properties"), dict) else set()
    for keyword in ("allOf", "anyOf", "oneOf"):
        for member in node.get(keyword, []) if isinstance(node.get(keyword), list) else []:
            names |= declared_fields(root, member, depth + 1)
    return frozenset(names)


def _document_pointer(error: SchemaError) -> str | None:
    """Where in the spec an invalid schema keyword is: bundled `$defs` keys are document pointers."""
    path = list(error.path)
    if len(path) >= 2 and path[0] == "$defs":
        return join("#/" + str(path[1]), *path[2:])
    return None


def _is_error_status(status: int) -> bool:
    return 400 <= status < 500


def _json_media(spec: Spec, content: Any, pointer: str) -> str:
    if not isinstance(content, dict) or not content:
        raise SpecError(spec.source, "documents no content", pointer=pointer)
    media = next((m for m in content if str(m).split(";")[0].strip() == "application/json"), None)
    media = media or next((m for m in content if "json" in str(m)), None)
    if media is None:
        raise SpecError(
            spec.source, f"documents no JSON content (only {', '.join(map(str, content))})", pointer=pointer
        )
    schema_pointer = join(pointer, media, "schema")
    if spec.at(schema_pointer) is MISSING:
        raise SpecError(spec.source, "documents no schema for its JSON content", pointer=join(pointer, media))
    return schema_pointer


def json_schema_pointer(spec: Spec, body_pointer: str) -> str | None:
    """The schema pointer of the JSON content of the request body or response at `body_pointer` (None: no JSON)."""
    from ..schema import resolve

    node, pointer = spec.deref(resolve(spec.document, body_pointer), body_pointer)
    content = node.get("content") if isinstance(node, dict) else None
    if not isinstance(content, dict) or not any("json" in str(media) for media in content):
        return None
    return _json_media(spec, content, join(pointer, "content"))


def _request_schema_pointer(spec: Spec, operation: Operation) -> str:
    body, pointer = spec.deref(operation.node.get("requestBody"), join(operation.pointer, "requestBody"))
    if not isinstance(body, dict):
        raise SpecError(spec.source, f"{operation.operation_id} documents no request body", pointer=pointer)
    return _json_media(spec, body.get("content"), join(pointer, "content"))


def _response_schema_pointer(spec: Spec, operation: Operation, wanted: Any, description: str) -> str:
    responses = operation.node.get("responses")
    responses_pointer = join(operation.pointer, "responses")
    for status, node in (responses or {}).items() if isinstance(responses, dict) else ():
        if str(status).isdigit() and wanted(int(status)):
            response, pointer = spec.deref(node, join(responses_pointer, status))
            if isinstance(response, dict) and response.get("content"):
                return _json_media(spec, response.get("content"), join(pointer, "content"))
    raise SpecError(
        spec.source,
        f"{operation.operation_id} documents no {description} response with a JSON schema",
        pointer=responses_pointer,
    )


def _statuses(spec: Spec, operation: Operation) -> list[int]:
    responses = operation.node.get("responses")
    return [int(s) for s in (responses or {}) if str(s).isdigit()] if isinstance(responses, dict) else []


def _versions(spec: Spec, operation: Operation) -> tuple[tuple[str, ...], str | None]:
    """The Intercom-Version enum of the operation's header parameter (the spec's own version when absent)."""
    for index, parameter in enumerate(as_list(operation.node.get("parameters"))):
        node, pointer = spec.deref(parameter, join(operation.pointer, "parameters", index))
        if not isinstance(node, dict) or node.get("in") != "header":
            continue
        if str(node.get("name", "")).lower() != VERSION_HEADER:
            continue
        schema, _ = spec.deref(node.get("schema"), join(pointer, "schema"))
        if isinstance(schema, dict) and isinstance(schema.get("enum"), list):
            default = schema.get("default")
            return tuple(str(v) for v in schema["enum"]), None if default is None else str(default)
    return (spec.version,), spec.version
