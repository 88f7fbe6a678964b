"""boto3 access for preflight: one client per (service, region), every call read-only, and each AWS
answer sorted into "here it is", "no such thing" (``Missing``) or "this API cannot answer here"
(``Unavailable``: moto lacks it, a permission is missing). Unreachable AWS or absent credentials are
``AwsUnreachable``: bad input for the whole run (exit 2), not a finding about the account."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tools.aws import UNAVAILABLE_CODES, Clients, error_code  # noqa: F401  (Clients: the preflight's clients)


class Unavailable(Exception):
    """The API cannot answer here (not implemented, not permitted): the check is not checkable."""


class Missing(Exception):
    """The resource does not exist (``code`` is AWS's error code)."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


class AwsUnreachable(Exception):
    """No endpoint, no credentials, no region: nothing can be checked."""


# Error codes meaning "no such resource" (each API has its own).
MISSING_CODES = {
    "ResourceNotFoundException", "ParameterNotFound", "NoSuchBucket", "NotFound",
    "InvalidVpcID.NotFound", "InvalidSubnetID.NotFound", "InvalidRouteTableID.NotFound", "NatGatewayNotFound",
    "NoSuchDistribution", "NoSuchMonitoringSubscription", "NotFoundException", "RequestedEntityNotFound",
}


def call(fn: Callable, *, bare_404_is_missing: bool = False, **kwargs) -> Any:
    """Call a read-only AWS API: its answer, ``Missing``, ``Unavailable`` or ``AwsUnreachable``.

    A 404 without an AWS error code means the route is unknown (moto lacks the API), except for
    APIs whose "not found" has no body at all (HeadBucket): ``bare_404_is_missing``."""
    from botocore.exceptions import (
        ClientError, EndpointConnectionError, NoCredentialsError, NoRegionError, PartialCredentialsError,
    )
    from botocore.parsers import ResponseParserError

    try:
        return fn(**kwargs)
    except NotImplementedError as error:  # moto in-process
        raise Unavailable(f"the API is not available here ({error})") from None
    except ResponseParserError:  # moto_server's HTML error page for an unimplemented API
        raise Unavailable("the API is not available here (HTTP 500, not an AWS answer)") from None
    except (EndpointConnectionError, NoCredentialsError, PartialCredentialsError, NoRegionError) as error:
        raise AwsUnreachable(str(error)) from None
    except ClientError as error:
        code, status = error_code(error)
        if code in MISSING_CODES or code.endswith(".NotFound"):
            raise Missing(code) from None
        if status == 404 and code in ("", "404", "Not Found"):
            if bare_404_is_missing:
                raise Missing("404") from None
            # A 404 without an AWS error code: the route itself is unknown (moto lacks the API).
            raise Unavailable("the API is not available here (HTTP 404 without an error code)") from None
        if status == 404:
            raise Missing(code) from None
        if code in ("InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken", "ExpiredTokenException"):
            raise AwsUnreachable(f"the credentials were refused ({code})") from None
        if code in UNAVAILABLE_CODES or status >= 500:
            raise Unavailable(f"the API cannot answer here ({code or 'HTTP'} {status})") from None
        raise
