"""``estate preflight``: what must be true in the AWS account (and Atlas) before ``pulumi up``, and
cannot be seen offline. Read-only: boto3 ``Describe*``/``Get*``/``List*``/``Head*`` calls, Atlas Admin
API ``GET``s. Each family of checks is a module of this package registered in ``registry.CHECKS``:

- ``platform``    each service's platform branch has a solution stack in the region
- ``secret``      operator-set secrets exist and have a value (never read)
- ``sms``         SMS sandbox and spend limit in every region with SMS subscribers
- ``certificate`` the ACM certificates (load balancers', CloudFront's) are ISSUED, in their region, cover the
                  public host names and do not expire within their DaysToExpiry alarm's level
- ``network``     VPC and subnets exist; private subnets route through a NAT gateway
- ``bucket``      bucket names are free or already ours
- ``ses``         the SES domain is verified (or will be created); production access
- ``atlas``       the Atlas access list contains the NAT gateways' addresses
- ``cloudfront``  the distributions exist; their monitoring subscription is not held elsewhere
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# Registration order is the order of the checks (and of the lines); network runs before atlas, which
# reads the NAT gateways it found.
from tools.preflight import platform  # noqa: F401  # isort: skip
from tools.preflight import secrets  # noqa: F401  # isort: skip
from tools.preflight import sms  # noqa: F401  # isort: skip
from tools.preflight import certificate  # noqa: F401  # isort: skip
from tools.preflight import network  # noqa: F401  # isort: skip
from tools.preflight import buckets  # noqa: F401  # isort: skip
from tools.preflight import mail  # noqa: F401  # isort: skip
from tools.preflight import atlas  # noqa: F401  # isort: skip
from tools.preflight import cdn  # noqa: F401  # isort: skip
from tools.preflight.aws import AwsUnreachable, Clients, error_code
from tools.preflight.registry import CHECKS, Context
from tools.preflight.result import FAIL, NOT_CHECKABLE, PASS, Report, Result

__all__ = ["CHECKS", "FAIL", "NOT_CHECKABLE", "PASS", "AwsUnreachable", "Clients", "Report", "Result", "run_preflight"]


def run_preflight(estate, clients: Clients, *, stack: str, config: Mapping[str, Any] | None = None,
                  project_dir=None, env: Mapping[str, str] | None = None, only: Iterable[str] | None = None) -> Report:
    """Run every registered check (or those named in ``only``) and gather their results.

    Raises ``AwsUnreachable`` when AWS cannot be reached or the credentials are missing or refused.
    """
    from botocore.exceptions import ClientError

    ctx = Context(estate=estate, clients=clients, config=dict(config or {}), project_dir=project_dir, stack=stack)
    if env is not None:
        ctx.env = env
    wanted = set(only) if only is not None else None
    report = Report(stack=stack, region=estate.region)
    for name, spec in CHECKS.items():
        if wanted is not None and name not in wanted:
            continue
        try:
            report.extend(spec.run(ctx))
        except ClientError as error:  # an AWS answer no check expected: say so, never pass
            code, status = error_code(error)
            report.extend([Result(name, "(whole check)", estate.region, NOT_CHECKABLE,
                                  f"AWS answered {code or status}: {str(error).splitlines()[0]}",
                                  f"run the check by hand: {spec.what}")])
    return report
