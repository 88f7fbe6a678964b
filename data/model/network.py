"""The account's network the estate lives in: VPC, subnets, the load balancers' certificate."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from data.model.base import StrictModel, Threshold


class Network(StrictModel):
    """Account-specific network the estate lives in (the runbooks leave it as vpc-XXXXXXXX)."""

    vpc_id: str = Field(pattern=r"^vpc-[0-9a-f]{8,17}$", description="The VPC the environments and the cache live in.")
    public_subnet_ids: list[Annotated[str, Field(pattern=r"^subnet-[0-9a-f]{8,17}$")]] = Field(
        default=[],
        description="Subnets of the internet-facing load balancers, in at least two availability zones (ALB's rule);"
        " needed only when a service has a `public_url`.",
    )
    private_subnet_ids: list[Annotated[str, Field(pattern=r"^subnet-[0-9a-f]{8,17}$")]] = Field(
        min_length=2, description="Subnets of the instances and the cache, in at least two availability zones.",
    )
    certificate_arn: str | None = Field(
        default=None, pattern=r"^arn:aws:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]{36}$",
        description="The ACM certificate of the HTTPS listeners on 443 (seed 003: HTTPS forced); needed when a service"
        " has a `public_url`. Internal load balancers use it too when set, else listen on HTTP inside the VPC. In the"
        " stack's region (`aws:region`): ACM certificates are regional and cannot be copied (data/catalogue/acm.py).",
    )
    certificate_expiry_days: Threshold | None = Field(
        default=Threshold(warning=30, critical=7, direction="below"),
        description="Days before `certificate_arn` expires under which the alarms fire (AWS/CertificateManager"
        " DaysToExpiry; runbook 000's monthly check: more than 30 days; critical: one week); null: not watched.",
    )
