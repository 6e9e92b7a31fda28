"""Intercom's regional servers: one workspace lives in one region, each region has its own host."""

from __future__ import annotations

from typing import Final

__all__ = ["DEFAULT_REGION", "REGIONS", "TOKEN_ENV", "region_of_url", "token_env_for"]

REGIONS: Final[dict[str, str]] = {
    "us": "https://api.intercom.io",
    "eu": "https://api.eu.intercom.io",
    "au": "https://api.au.intercom.io",
}
DEFAULT_REGION: Final = "us"
TOKEN_ENV: Final = "INTERCOM_ACCESS_TOKEN"


def region_of_url(url: str) -> str | None:
    """The region whose documented server is `url` (trailing slash ignored), or None."""
    wanted = url.rstrip("/")
    return next((region for region, server in REGIONS.items() if server == wanted), None)


def token_env_for(region: str) -> str:
    """The environment variable holding a region's access token, e.g. INTERCOM_ACCESS_TOKEN_EU."""
    return f"{TOKEN_ENV}_{region.upper()}"
