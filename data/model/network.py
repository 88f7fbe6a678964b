"""The account's network the estate lives in: VPC, subnets, the load balancers' certificate."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from data.model.base import StrictModel


class Network(StrictModel):
    """Account-specific network the estate lives in (the runbooks leave it as vpc-XXXXXXXX)."""

    vpc_id: str = Field(pattern=r"^vpc-[0-9a-f]{8,17}$")
    public_subnet_ids: list[Annotated[str, Field(pattern=r"^subnet-[0-9a-f]{8,17}$")]] = Field(min_length=2)
    private_subnet_ids: list[Annotated[str, Field(pattern=r"^subnet-[0-9a-f]{8,17}$")]] = Field(min_length=2)
    certificate_arn: str = Field(pattern=r"^arn:aws:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]{36}$")
