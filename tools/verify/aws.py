"""Talking to AWS: boto3 clients per service and region, and one way to call an API that tells
"this API cannot answer here" (``Unavailable``: not implemented, server error, access denied) from
"no such resource" (``LookupError``) and from a real answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tools.aws import UNAVAILABLE_CODES, Clients, error_code  # noqa: F401  (Clients: verify's clients)

# Error codes meaning "no such resource".
MISSING_CODES = {
    "NoSuchBucket", "NotFoundException", "NotFound", "ResourceNotFoundException", "NoSuchHealthCheck",
    "ReplicationGroupNotFoundFault", "NoSuchEntity",
}


class Unavailable(Exception):
    """The API cannot answer here (not implemented, server error, access denied)."""


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
