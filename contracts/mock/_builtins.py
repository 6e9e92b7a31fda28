"""What every Intercom workspace has from the start: its built-in data attributes.

Sources: the company attributes are those of the `GET /data_attributes` example of every published description (the
attributes with `custom: false`); the contact attributes are the fields of the contacts search's "Accepted Fields"
table (every version), with the types it gives. Each is listed by `GET /data_attributes` in every version, beside
the custom attributes a test's code creates.
"""

from __future__ import annotations

from typing import Any, Final

__all__ = ["BUILTIN_ATTRIBUTES", "builtin_attributes"]

# (model, name, data_type, label, api_writable)
BUILTIN_ATTRIBUTES: Final[tuple[tuple[str, str, str, str, bool], ...]] = (
    ("company", "name", "string", "Company name", True),
    ("company", "company_id", "string", "Company ID", False),
    ("company", "last_request_at", "date", "Company last seen", False),
    ("company", "remote_created_at", "date", "Company created at", False),
    ("company", "user_count", "integer", "People", False),
    ("company", "session_count", "integer", "Company web sessions", False),
    ("company", "monthly_spend", "float", "Monthly Spend", True),
    ("company", "size", "integer", "Company size", True),
    ("company", "industry", "string", "Company industry", True),
    ("company", "website", "string", "Company website", True),
    ("company", "id", "string", "ID", False),
    ("company", "created_at", "date", "Created at", False),
    ("company", "updated_at", "date", "Updated at", False),
    ("company", "app_id", "string", "App ID", False),
    ("contact", "id", "string", "ID", False),
    ("contact", "role", "string", "Role", True),
    ("contact", "name", "string", "Name", True),
    ("contact", "avatar", "string", "Avatar", True),
    ("contact", "owner_id", "integer", "Owner", True),
    ("contact", "email", "string", "Email", True),
    ("contact", "email_domain", "string", "Email domain", False),
    ("contact", "phone", "string", "Phone", True),
    ("contact", "external_id", "string", "User ID", True),
    ("contact", "created_at", "date", "Created at", False),
    ("contact", "signed_up_at", "date", "Signed up", True),
    ("contact", "updated_at", "date", "Updated at", False),
    ("contact", "last_seen_at", "date", "Last seen", True),
    ("contact", "last_contacted_at", "date", "Last contacted", False),
    ("contact", "last_replied_at", "date", "Last heard from", False),
    ("contact", "last_email_opened_at", "date", "Last opened email", False),
    ("contact", "last_email_clicked_at", "date", "Last clicked on link in email", False),
    ("contact", "language_override", "string", "Language override", True),
    ("contact", "browser", "string", "Browser", False),
    ("contact", "browser_language", "string", "Browser language", False),
    ("contact", "os", "string", "OS", False),
    ("contact", "location.country", "string", "Country", False),
    ("contact", "location.region", "string", "Region", False),
    ("contact", "location.city", "string", "City", False),
    ("contact", "unsubscribed_from_emails", "boolean", "Unsubscribed from emails", True),
    ("contact", "marked_email_as_spam", "boolean", "Marked email as spam", False),
    ("contact", "has_hard_bounced", "boolean", "Has hard bounced", False),
)


def builtin_attributes() -> list[dict[str, Any]]:
    """The bodies of the built-in data attributes, as `GET /data_attributes` lists them."""
    return [
        {
            "type": "data_attribute",
            "name": name,
            "full_name": name,
            "label": label,
            "description": f"{label} (built in)",
            "data_type": data_type,
            "api_writable": writable,
            "ui_writable": False,
            "messenger_writable": writable,
            "custom": False,
            "archived": False,
            "model": model,
        }
        for model, name, data_type, label, writable in BUILTIN_ATTRIBUTES
    ]
