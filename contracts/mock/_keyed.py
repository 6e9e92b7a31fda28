"""Items Intercom knows by a key other than a collection's id: custom object instances and data exports.

- A custom object instance is of a custom object type (`Order`), named first in its path; it is found by its id or by
  the `external_id` the client gave it, within its type; POST to the type creates one, or updates the one holding the
  same `external_id`; 2.16 lists a type's instances. Types are made in Intercom's settings, not through the API: the
  fake serves any type name.
- A content data export is known by the `job_identifier` its creation answers (Intercom's: 15 lowercase letters and
  digits, `orzzsbd7hk67xyu`); it starts `pending`, and a cancelled one reads back `canceled`.
Registered as overrides of the generic engine when imported (contracts.mock._model imports this module).
"""

from __future__ import annotations

from typing import Any, Final

from ._paging import filtered
from ._resources import Answer, Call, Resources, Shape, not_found, override
from ._workspace import Item

__all__ = ["INSTANCE", "job_identifier"]

INSTANCE: Final = "custom_object_instance"
EXPORT: Final = "data_export"
OBJECT_NOT_FOUND: Final = (404, "not_found", "Object not found")  # the descriptions' ObjectNotFound answer
_DIGITS: Final = "0123456789abcdefghijklmnopqrstuvwxyz"


# -- custom object instances ------------------------------------------------------------------------------------------
def _fields(call: Call, *dropped: str) -> dict[str, Any]:
    body = call.body if isinstance(call.body, dict) else {}
    return {key: value for key, value in body.items() if key not in dropped}


def _type_and_id(call: Call) -> tuple[str, str | None]:
    """The custom object type the path names, and the instance's id when it names one (names vary by version)."""
    values = list(call.path_values.values())
    return values[0], values[1] if len(values) > 1 else None


def _instance(resources: Resources, type_name: str, *, id: str | None = None, external_id: Any = None) -> Item | None:
    for item in resources.workspace.items(INSTANCE):
        if item.body.get("type") != type_name:
            continue
        if (id is not None and item.id == id) or (
            external_id is not None and item.body.get("external_id") == external_id
        ):
            return item
    return None


def _found(resources: Resources, call: Call) -> Item | None:
    type_name, id = _type_and_id(call)
    if id is not None:
        return _instance(resources, type_name, id=id)
    return _instance(resources, type_name, external_id=call.query.get("external_id"))


def _object_not_found() -> Answer:
    return Answer(OBJECT_NOT_FOUND[0], None, error=OBJECT_NOT_FOUND)


@override("POST /custom_object_instances/{}")
def create_or_update_instance(resources: Resources, call: Call, shape: Shape) -> Answer:
    type_name, _ = _type_and_id(call)
    fields = _fields(call, "id", "type")
    existing = (
        _instance(resources, type_name, external_id=fields.get("external_id")) if "external_id" in fields else None
    )
    if existing is not None:
        resources.workspace.update(INSTANCE, existing.id, fields)
        return resources.shaped(call, existing.body)
    return resources.shaped(call, resources.workspace.add(INSTANCE, {**fields, "type": type_name}))


@override("GET /custom_object_instances/{}", "GET /custom_object_instances/{}/{}")
def read_instance(resources: Resources, call: Call, shape: Shape) -> Answer:
    if shape.list_field is not None:  # 2.16 lists a type's instances (one page holding the match of an external_id)
        type_name, _ = _type_and_id(call)
        of_type = [item for item in resources.workspace.items(INSTANCE) if item.body.get("type") == type_name]
        return resources.listed(call, shape, filtered(of_type, call.query))
    found = _found(resources, call)
    return _object_not_found() if found is None else resources.shaped(call, found.body)


@override("DELETE /custom_object_instances/{}", "DELETE /custom_object_instances/{}/{}")
def delete_instance(resources: Resources, call: Call, shape: Shape) -> Answer:
    found = _found(resources, call)
    if found is None:
        return _object_not_found()
    resources.workspace.remove(INSTANCE, found.id)
    return resources.shaped(call, {"id": found.id, "object": found.body.get("type"), "deleted": True})


# -- data exports -----------------------------------------------------------------------------------------------------
def job_identifier(number: int) -> str:
    """Intercom's form of a job identifier: 15 lowercase letters and digits."""
    letters = []
    for _ in range(15):
        number, digit = divmod(number, len(_DIGITS))
        letters.append(_DIGITS[digit])
    return "".join(reversed(letters))


@override("POST /export/content/data")
def create_data_export(resources: Resources, call: Call, shape: Shape) -> Answer:
    fields = _fields(call, "id", "job_identifier")
    job = job_identifier(0x6F72_7A7A_7362_6437 + int(resources.workspace.new_id()))
    stored = resources.workspace.add(EXPORT, {**fields, "job_identifier": job, "status": "pending"}, id=job)
    return resources.shaped(call, stored)


@override("GET /export/content/data/{}")
def read_data_export(resources: Resources, call: Call, shape: Shape) -> Answer:
    found = resources.workspace.item(EXPORT, next(iter(call.path_values.values()), None))
    return not_found(EXPORT) if found is None else resources.shaped(call, found.body)


@override("POST /export/cancel/{}")
def cancel_data_export(resources: Resources, call: Call, shape: Shape) -> Answer:
    job = next(iter(call.path_values.values()), None)
    found = resources.workspace.item(EXPORT, job)
    if found is None:  # cancelling a job never made documents no 404: answered as the description says
        return resources.shaped(call, {"job_identifier": job})
    resources.workspace.update(EXPORT, found.id, {"status": "canceled"})
    return resources.shaped(call, found.body)
