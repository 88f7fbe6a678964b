"""The services' network: the load balancers' security group, and one instance group per service.

The load balancers admit HTTPS from the internet (their port-80 listener is disabled, see
``environment``); each service's instances admit the proxy port from the load balancers only. Data
stores (Redis) admit their port from the groups of the services that use them (``instances_of``), by
security group id, never by CIDR: one service's instances cannot reach a store another service uses
(issue 10 #13).
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
        self._args, self._name, self._everywhere_out = args, name, everywhere_out
        self.instance_groups: dict[str, aws.ec2.SecurityGroup] = {}
        self.register_outputs({"load_balancer": self.load_balancer.id})

    def instances_of(self, service: str) -> aws.ec2.SecurityGroup:
        """The instance security group of ``service``, declared the first time it is asked for (by the
        service's environment, or by a data store that admits it)."""
        if service not in self.instance_groups:
            name, args = self._name, self._args
            self.instance_groups[service] = aws.ec2.SecurityGroup(
                f"{name}-{service}-instances",
                name=f"{name}-{service}-instances",
                description=f"Instances of {service} ({args.owner})",
                vpc_id=args.network.vpc_id,
                ingress=[
                    aws.ec2.SecurityGroupIngressArgs(
                        protocol="tcp", from_port=INSTANCE_PROXY_PORT, to_port=INSTANCE_PROXY_PORT,
                        security_groups=[self.load_balancer.id], description="From the services load balancers",
                    )
                ],
                egress=self._everywhere_out,
                tags=args.tags(Name=f"{name}-{service}-instances", service=service),
                opts=child(self),
            )
        return self.instance_groups[service]
