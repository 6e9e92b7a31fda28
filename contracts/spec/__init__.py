"""What Intercom promises: descriptions (facts pack, path, URL, cache), errata, the contracts of a version."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from ._contract import Contract, declared_fields, json_schema_pointer
    from ._documents import parse
    from ._errata import Erratum, known_errata, known_undocumented, undocumented_inputs
    from ._facts import (
        BAD_REQUEST,
        BODY_REQUIRED,
        CREATE_MESSAGE,
        CREATE_MESSAGE_STATUSES,
        DOCUMENTED_ERRORS,
        IDENTIFY_ADMIN,
        MESSAGE_TYPES_IN_RESPONSE,
        NO_SUBJECT,
        NOT_FOUND,
        RATE_LIMITED,
        UNAUTHORIZED,
        VERSION_INVALID,
        Rejection,
    )
    from ._operations import Judged, OperationContract, operation_contract
    from ._sources import check_source, is_loopback_host, pack_versions, version_key
    from ._spec import HTTP_METHODS, Operation, Spec, load_spec, path_values
    from ._versions import Contracts

__all__ = [
    "BAD_REQUEST",
    "BODY_REQUIRED",
    "CREATE_MESSAGE",
    "CREATE_MESSAGE_STATUSES",
    "DOCUMENTED_ERRORS",
    "HTTP_METHODS",
    "IDENTIFY_ADMIN",
    "MESSAGE_TYPES_IN_RESPONSE",
    "NOT_FOUND",
    "NO_SUBJECT",
    "RATE_LIMITED",
    "UNAUTHORIZED",
    "VERSION_INVALID",
    "Contract",
    "Contracts",
    "Erratum",
    "Judged",
    "Operation",
    "OperationContract",
    "Rejection",
    "Spec",
    "check_source",
    "declared_fields",
    "is_loopback_host",
    "json_schema_pointer",
    "known_errata",
    "known_undocumented",
    "load_spec",
    "operation_contract",
    "pack_versions",
    "parse",
    "path_values",
    "undocumented_inputs",
    "version_key",
]

__getattr__, __dir__ = attach(__name__, {
    "BAD_REQUEST": "_facts",
    "BODY_REQUIRED": "_facts",
    "CREATE_MESSAGE": "_facts",
    "CREATE_MESSAGE_STATUSES": "_facts",
    "Contract": "_contract",
    "Contracts": "_versions",
    "DOCUMENTED_ERRORS": "_facts",
    "Erratum": "_errata",
    "HTTP_METHODS": "_spec",
    "IDENTIFY_ADMIN": "_facts",
    "Judged": "_operations",
    "MESSAGE_TYPES_IN_RESPONSE": "_facts",
    "NOT_FOUND": "_facts",
    "NO_SUBJECT": "_facts",
    "Operation": "_spec",
    "OperationContract": "_operations",
    "RATE_LIMITED": "_facts",
    "Rejection": "_facts",
    "Spec": "_spec",
    "UNAUTHORIZED": "_facts",
    "VERSION_INVALID": "_facts",
    "check_source": "_sources",
    "declared_fields": "_contract",
    "is_loopback_host": "_sources",
    "json_schema_pointer": "_contract",
    "known_errata": "_errata",
    "known_undocumented": "_errata",
    "load_spec": "_spec",
    "operation_contract": "_operations",
    "pack_versions": "_sources",
    "parse": "_documents",
    "path_values": "_spec",
    "undocumented_inputs": "_errata",
    "version_key": "_sources",
})
