"""The services' network: the security groups every Elastic Beanstalk service of the estate shares.

The load balancers admit HTTPS from the internet (their port-80 listener is disabled, see
``environment``); the instances admit the proxy port from the load balancers only. Data stores
(Redis) admit their port from ``instances`` by security group id, never by CIDR.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.common import Tagging, child, type_token
from data.model import Estate, Network

HTTPS_PORT = 443
# On AL2023 the nginx proxy listens on 80 on each instance and forwards to the app's PORT; the
# load balancer's default process targets instance port 80.
INSTANCE_PROXY_PORT = 80
EVERYWHERE = "0.0.0.0/0"


@dataclass(frozen=True)
class ServicesNetworkArgs:
    """The estate's network and who the groups belong to (their descriptions name it)."""

    network: Network
    owner: str  # "<organisation> <environment>", as the descriptions say it
    tags: Tagging

    @classmethod
    def from_estate(cls, estate: Estate) -> ServicesNetworkArgs:
        if estate.network is None:
            raise ValueError("the services' security groups need estate.network (its VPC)")
        return cls(network=estate.network, owner=f"{estate.organisation} {estate.environment}", tags=Tagging.of(estate))


class ServicesNetwork(pulumi.ComponentResource):
    """Security groups of the services: the load balancers' and the instances'.

    Egress is open: the services call Atlas, SES, Dashdoc and other APIs through the NAT.
    """

    def __init__(self, name: str, args: ServicesNetworkArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(type_token("beanstalk", "ServicesNetwork"), name, None, opts)
        everywhere_out = [
            aws.ec2.SecurityGroupEgressArgs(
                protocol="-1", from_port=0, to_port=0, cidr_blocks=[EVERYWHERE], description="All outbound"
            )
        ]
        self.load_balancer = aws.ec2.SecurityGroup(
            f"{name}-alb",
            name=f"{name}-alb",
            description=f"Load balancers of the {args.owner} services",
            vpc_id=args.network.vpc_id,
            ingress=[
                aws.ec2.SecurityGroupIngressArgs(
                    protocol="tcp", from_port=HTTPS_PORT, to_port=HTTPS_PORT, cidr_blocks=[EVERYWHERE],
                    description="HTTPS from the internet",
                ),
            ],
            egress=everywhere_out,
            tags=args.tags(Name=f"{name}-alb"),
            opts=child(self),
        )
        self.instances = aws.ec2.SecurityGroup(
            f"{name}-instances",
            name=f"{name}-instances",
            description=f"Instances of the {args.owner} services",
            vpc_id=args.network.vpc_id,
            ingress=[
                aws.ec2.SecurityGroupIngressArgs(
                    protocol="tcp", from_port=INSTANCE_PROXY_PORT, to_port=INSTANCE_PROXY_PORT,
                    security_groups=[self.load_balancer.id], description="From the services load balancers",
                )
            ],
            egress=everywhere_out,
            tags=args.tags(Name=f"{name}-instances"),
            opts=child(self),
        )
        self.register_outputs({"load_balancer": self.load_balancer.id, "instances": self.instances.id})
