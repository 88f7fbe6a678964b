"""Elastic Beanstalk services: the network they share, and one application + environment per service."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.common import child, estate_tags, type_token
from infra.estate import Estate

HTTPS_PORT = 443
HTTP_PORT = 80
# On AL2023 the nginx proxy listens on 80 on each instance and forwards to the app's PORT; the
# load balancer's default process targets instance port 80.
INSTANCE_PROXY_PORT = 80


class ServicesNetwork(pulumi.ComponentResource):
    """Security groups of the services: the load balancers' and the instances'.

    The load balancer admits HTTPS (and HTTP, only to redirect it) from the internet; the instances
    admit the proxy port from the load balancers only. Egress is open: the services call Atlas,
    SES, Dashdoc and other APIs through the NAT. Data stores (Redis) admit their port from
    ``instances`` by security group id, never by CIDR.
    """

    def __init__(self, name: str, estate: Estate, opts: pulumi.ResourceOptions | None = None):
        super().__init__(type_token("beanstalk", "ServicesNetwork"), name, None, opts)
        network = estate.network
        everywhere_out = [
            aws.ec2.SecurityGroupEgressArgs(
                protocol="-1", from_port=0, to_port=0, cidr_blocks=["0.0.0.0/0"], description="All outbound"
            )
        ]
        self.load_balancer = aws.ec2.SecurityGroup(
            f"{name}-alb",
            name=f"{name}-alb",
            description=f"Load balancers of the {estate.organisation} {estate.environment} services",
            vpc_id=network.vpc_id,
            ingress=[
                aws.ec2.SecurityGroupIngressArgs(
                    protocol="tcp", from_port=HTTPS_PORT, to_port=HTTPS_PORT, cidr_blocks=["0.0.0.0/0"],
                    description="HTTPS from the internet",
                ),
                aws.ec2.SecurityGroupIngressArgs(
                    protocol="tcp", from_port=HTTP_PORT, to_port=HTTP_PORT, cidr_blocks=["0.0.0.0/0"],
                    description="HTTP, redirected to HTTPS by the listener",
                ),
            ],
            egress=everywhere_out,
            tags=estate_tags(estate, Name=f"{name}-alb"),
            opts=child(self),
        )
        self.instances = aws.ec2.SecurityGroup(
            f"{name}-instances",
            name=f"{name}-instances",
            description=f"Instances of the {estate.organisation} {estate.environment} services",
            vpc_id=network.vpc_id,
            ingress=[
                aws.ec2.SecurityGroupIngressArgs(
                    protocol="tcp", from_port=INSTANCE_PROXY_PORT, to_port=INSTANCE_PROXY_PORT,
                    security_groups=[self.load_balancer.id], description="From the services' load balancers",
                )
            ],
            egress=everywhere_out,
            tags=estate_tags(estate, Name=f"{name}-instances"),
            opts=child(self),
        )
        self.register_outputs({"load_balancer": self.load_balancer.id, "instances": self.instances.id})
