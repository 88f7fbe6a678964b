"""Talking to AWS: boto3 clients per service and region, and one way to call an API that tells
"this API cannot answer here" (``Unavailable``: not implemented, server error, access denied) from
"no such resource" (``LookupError``) and from a real answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Error codes meaning "this API cannot answer here" rather than "the resource is wrong".
UNAVAILABLE_CODES = {
    "NotImplemented", "InternalFailure", "InternalError", "InternalServerError", "ServiceUnavailable",
    "UnknownOperation", "UnknownOperationException", "InvalidAction", "AccessDenied",
    "AccessDeniedException", "UnauthorizedOperation", "UnrecognizedClientException",
}
# Error codes meaning "no such resource".
MISSING_CODES = {
    "NoSuchBucket", "NotFoundException", "NotFound", "ResourceNotFoundException", "NoSuchHealthCheck",
    "ReplicationGroupNotFoundFault", "NoSuchEntity",
}


class Unavailable(Exception):
    """The API cannot answer here (not implemented, server error, access denied)."""


class Clients:
    """boto3 clients per (service, region), all pointed at ``endpoint_url`` when given (tests)."""

    def __init__(self, endpoint_url: str | None = None, session: Any = None):
        import boto3

        self._session = session or boto3.session.Session()
        self._endpoint_url = endpoint_url
        self._clients: dict[tuple[str, str], Any] = {}

    def __call__(self, service: str, region: str) -> Any:
        key = (service, region)
        if key not in self._clients:
            from botocore.config import Config

            self._clients[key] = self._session.client(
                service,
                region_name=region,
                endpoint_url=self._endpoint_url,
                config=Config(retries={"max_attempts": 2, "mode": "standard"}, connect_timeout=5, read_timeout=20),
            )
        return self._clients[key]


def error_code(error: Exception) -> tuple[str, int]:
    response = getattr(error, "response", None) or {}
    code = str(response.get("Error", {}).get("Code", ""))
    status = int(response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
    return code, status


def call(fn: Callable, **kwargs) -> Any:
    """Call an AWS API; ``Unavailable`` when it cannot answer, ``LookupError`` for a missing resource."""
    from botocore.exceptions import ClientError
    from botocore.parsers import ResponseParserError

    try:
        return fn(**kwargs)
    except NotImplementedError as error:  # moto in-process
        raise Unavailable(f"API not available here ({error})") from None
    except ResponseParserError:  # an HTML error page (moto_server's HTTP 500 for an unimplemented API)
        raise Unavailable("API not available here (HTTP 500, not an AWS answer)") from None
    except ClientError as error:
        code, status = error_code(error)
        # A 404 with an error code is a missing resource; without one, the route itself is unknown.
        if code in MISSING_CODES or (status == 404 and code and code not in UNAVAILABLE_CODES):
            raise LookupError(code) from None
        if status == 404:
            raise Unavailable("API not available here (HTTP 404 without an error code)") from None
        if code in UNAVAILABLE_CODES or status >= 500:
            raise Unavailable(f"API not available here ({code or 'HTTP'} {status})") from None
        raise
