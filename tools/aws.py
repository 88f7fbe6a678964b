"""Talking to AWS, for the tools that read a live account (``verify``, ``preflight``): boto3 clients
per (service, region) and how an AWS error is read.

Every client shares one retry and timeout policy (two attempts, 5 s to connect, 20 s to read): a tool
that waits minutes on an unreachable endpoint helps nobody. ``endpoint_url`` points every client at one
endpoint (tests: a moto server on 127.0.0.1).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Error codes meaning "this API cannot answer here" (not implemented, server error, access denied)
# rather than "the resource is wrong".
UNAVAILABLE_CODES = frozenset({
    "NotImplemented", "InternalFailure", "InternalError", "InternalServerError", "ServiceUnavailable",
    "UnknownOperation", "UnknownOperationException", "InvalidAction", "AccessDenied",
    "AccessDeniedException", "UnauthorizedOperation", "UnrecognizedClientException", "AuthorizationError",
})


class Clients:
    """boto3 clients per (service, region), all pointed at ``endpoint_url`` when given (tests: moto).

    ``overrides`` maps (service, region) to a ready client (tests: a botocore ``Stubber`` for answers
    moto cannot give)."""

    def __init__(self, endpoint_url: str | None = None, session: Any = None,
                 overrides: Mapping[tuple[str, str], Any] | None = None):
        self._session = session
        self._endpoint_url = endpoint_url
        self._clients: dict[tuple[str, str], Any] = dict(overrides or {})

    def __call__(self, service: str, region: str) -> Any:
        key = (service, region)
        if key not in self._clients:
            import boto3
            from botocore.config import Config

            if self._session is None:
                self._session = boto3.session.Session()
            self._clients[key] = self._session.client(
                service,
                region_name=region,
                endpoint_url=self._endpoint_url,
                config=Config(retries={"max_attempts": 2, "mode": "standard"}, connect_timeout=5, read_timeout=20),
            )
        return self._clients[key]


def error_code(error: Exception) -> tuple[str, int]:
    """AWS's error code and HTTP status of a botocore error ("", 0 when it has none)."""
    response = getattr(error, "response", None) or {}
    code = str(response.get("Error", {}).get("Code", ""))
    status = int(response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
    return code, status
