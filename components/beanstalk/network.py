"""The services' network: the load balancers' security groups, and one instance group per service.

Internet-facing load balancers (services with a ``public_url``) admit HTTPS from the internet (their
port-80 listener is disabled, see ``environment``). Internal load balancers (web services without a
``public_url``, issue 12 #3) admit their listener port only from the instance groups of the estate's
services, by security group id, never from the internet; the rules are separate resources, so an
internal service may call another (or itself) without a cycle between groups. Each service's instances
admit the proxy port from their own kind of load balancer only; a worker's instances admit nothing.
Data stores (Redis) admit their port from the groups of the services that use them (``instances_of``):
one service's instances cannot reach a store another service uses (issue 10 #13).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.common import Tagging, child, type_token
from data.model import Estate, Network

HTTPS_PORT = 443
HTTP_PORT = 80
# On AL2023 the nginx proxy listens on 80 on each instance and forwards to the app's PORT; the
# load balancer's default process targets instance port 80.
INSTANCE_PROXY_PORT = 80
EVERYWHERE = "0.0.0.0/0"


@dataclass(frozen=True)
class ServicesNetworkArgs:
    """The estate's network, who the groups belong to (their descriptions name it), and which services
    sit behind which kind of load balancer."""

    network: Network
    owner: str  # "<organisation> <environment>", as the descriptions say it
    tags: Tagging
    public: tuple[str, ...] = ()  # services behind an internet-facing load balancer
    internal: tuple[str, ...] = ()  # services behind an internal load balancer
    callers: tuple[str, ...] = ()  # services whose instances may call the internal load balancers

    @classmethod
    def from_estate(cls, estate: Estate) -> ServicesNetworkArgs:
        if estate.network is None:
            raise ValueError("the services' security groups need estate.network (its VPC)")
        beanstalk = [s for s in estate.services if s.environment_declared]
        return cls(
            network=estate.network, owner=f"{estate.organisation} {estate.environment}", tags=Tagging.of(estate),
            public=tuple(s.name for s in beanstalk if s.tier == "web" and not s.internal),
            internal=tuple(s.name for s in beanstalk if s.internal),
            callers=tuple(s.name for s in beanstalk),
        )

    @property
    def internal_port(self) -> int:
        """The internal load balancers' listener: HTTPS with the estate's certificate, else HTTP inside the VPC."""
        return HTTPS_PORT if self.network.certificate_arn else HTTP_PORT


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
        self._args, self._name, self._everywhere_out = args, name, everywhere_out
        self.instance_groups: dict[str, aws.ec2.SecurityGroup] = {}
        self.load_balancer: aws.ec2.SecurityGroup | None = None
        self.internal_load_balancer: aws.ec2.SecurityGroup | None = None
        if args.public:
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
        if args.internal:
            port = args.internal_port
            self.internal_load_balancer = aws.ec2.SecurityGroup(
                f"{name}-internal-alb",
                name=f"{name}-internal-alb",
                description=f"Internal load balancers of the {args.owner} services (VPC only)",
                vpc_id=args.network.vpc_id,
                egress=everywhere_out,
                tags=args.tags(Name=f"{name}-internal-alb"),
                opts=child(self),
            )
            for caller in args.callers:
                aws.vpc.SecurityGroupIngressRule(
                    f"{name}-internal-alb-from-{caller}",
                    security_group_id=self.internal_load_balancer.id,
                    referenced_security_group_id=self.instances_of(caller).id,
                    ip_protocol="tcp", from_port=port, to_port=port,
                    description=f"From the instances of {caller}",
                    tags=args.tags(Name=f"{name}-internal-alb-from-{caller}"),
                    opts=child(self),
                )
        self.register_outputs({
            "load_balancer": self.load_balancer.id if self.load_balancer else None,
            "internal_load_balancer": self.internal_load_balancer.id if self.internal_load_balancer else None,
        })

    def balancer_of(self, service: str) -> aws.ec2.SecurityGroup | None:
        """The load balancer group in front of ``service``: internal, internet-facing, or None (a worker)."""
        if service in self._args.internal:
            return self.internal_load_balancer
        if service in self._args.public:
            return self.load_balancer
        return None

    def instances_of(self, service: str) -> aws.ec2.SecurityGroup:
        """The instance security group of ``service``, declared the first time it is asked for (by the
        service's environment, or by a data store or internal load balancer that admits it)."""
        if service not in self.instance_groups:
            name, args = self._name, self._args
            balancer = self.balancer_of(service)
            internal = service in args.internal
            self.instance_groups[service] = aws.ec2.SecurityGroup(
                f"{name}-{service}-instances",
                name=f"{name}-{service}-instances",
                description=f"Instances of {service} ({args.owner})",
                vpc_id=args.network.vpc_id,
                ingress=[
                    aws.ec2.SecurityGroupIngressArgs(
                        protocol="tcp", from_port=INSTANCE_PROXY_PORT, to_port=INSTANCE_PROXY_PORT,
                        security_groups=[balancer.id],
                        description="From the internal load balancers" if internal else "From the services load balancers",
                    )
                ] if balancer is not None else [],
                egress=self._everywhere_out,
                tags=args.tags(Name=f"{name}-{service}-instances", service=service),
                opts=child(self),
            )
        return self.instance_groups[service]
