"""Network: the VPC and subnets of ``network`` exist, in that VPC; the public subnets route
0.0.0.0/0 to an internet gateway (the load balancers and the NAT gateways live there) and the private
subnets route 0.0.0.0/0 through an available NAT gateway (the instances and Redis have no public
address: without it they reach neither Atlas nor AWS's APIs).

``DescribeVpcs``, ``DescribeSubnets``, ``DescribeRouteTables`` (the subnet's explicit association, else
the VPC's main table), ``DescribeNatGateways``. The NAT gateways found are kept in ``ctx.memo`` for the
Atlas access-list check.
"""

from __future__ import annotations

from tools.preflight.aws import Missing, Unavailable, call
from tools.preflight.registry import Context, check

NAT_MEMO = "nat_gateways"  # list of (nat id, public ip, subnet id) or None when unknown


def _route_table(tables: list[dict], subnet_id: str) -> dict | None:
    for table in tables:
        if any(a.get("SubnetId") == subnet_id for a in table.get("Associations", [])):
            return table
    return next((t for t in tables if any(a.get("Main") for a in t.get("Associations", []))), None)


def _default_route(table: dict | None) -> dict | None:
    if table is None:
        return None
    return next((r for r in table.get("Routes", []) if r.get("DestinationCidrBlock") == "0.0.0.0/0"
                 and r.get("State", "active") == "active"), None)


@check("network", "the VPC and subnets exist; private subnets route 0.0.0.0/0 through a NAT gateway")
def network(ctx: Context):
    ctx.memo[NAT_MEMO] = None
    net = ctx.estate.network
    if net is None:
        return
    region = ctx.region
    ec2 = ctx.clients("ec2", region)
    try:
        call(ec2.describe_vpcs, VpcIds=[net.vpc_id])
    except Missing:
        yield ctx.failed("network", net.vpc_id, region, "the VPC does not exist in this account",
                         f"set network.vpc_id to the estate's VPC in {region} (aws ec2 describe-vpcs)")
        for kind, ids in (("public", net.public_subnet_ids), ("private", net.private_subnet_ids)):
            for subnet_id in ids:  # each subnet is its own precondition: name every missing one
                found = yield from _subnet(ctx, ec2, kind, subnet_id)
                if found is not None:
                    yield ctx.failed("network", subnet_id, region, f"the {kind} subnet is in {found.get('VpcId')},"
                                     f" not in {net.vpc_id}", f"list subnets of the estate's VPC under network.{kind}_subnet_ids")
        return
    except Unavailable as error:
        yield ctx.unavailable("network", net.vpc_id, region, "DescribeVpcs", error, "check the VPC by hand")
        return
    yield ctx.passed("network", net.vpc_id, region, "the VPC exists")
    try:
        tables = call(ec2.describe_route_tables, Filters=[{"Name": "vpc-id", "Values": [net.vpc_id]}])["RouteTables"]
        nats = call(ec2.describe_nat_gateways, Filters=[{"Name": "vpc-id", "Values": [net.vpc_id]}])["NatGateways"]
    except Unavailable as error:
        yield ctx.unavailable("network", f"{net.vpc_id} routes", region, "DescribeRouteTables/DescribeNatGateways",
                              error, "check the subnets' routes by hand")
        return
    nat_by_id = {n["NatGatewayId"]: n for n in nats}
    used_nats: dict[str, dict] = {}
    for kind, ids in (("public", net.public_subnet_ids), ("private", net.private_subnet_ids)):
        for subnet_id in ids:
            subnet = yield from _subnet(ctx, ec2, kind, subnet_id)
            if subnet is None:
                continue
            if subnet.get("VpcId") != net.vpc_id:
                yield ctx.failed("network", subnet_id, region,
                                 f"the {kind} subnet is in {subnet.get('VpcId')}, not in {net.vpc_id}",
                                 f"list subnets of {net.vpc_id} under network.{kind}_subnet_ids")
                continue
            route = _default_route(_route_table(tables, subnet_id))
            if kind == "public":
                if route and str(route.get("GatewayId", "")).startswith("igw-"):
                    yield ctx.passed("network", subnet_id, region, f"public, 0.0.0.0/0 via {route['GatewayId']}")
                else:
                    yield ctx.failed("network", subnet_id, region,
                                     "the public subnet has no 0.0.0.0/0 route to an internet gateway",
                                     "add a 0.0.0.0/0 route to the VPC's internet gateway in its route table")
                continue
            nat_id = (route or {}).get("NatGatewayId")
            nat = nat_by_id.get(nat_id) if nat_id else None
            if nat is None:
                via = f" (0.0.0.0/0 goes to {_target(route)})" if route else ""
                yield ctx.failed("network", subnet_id, region,
                                 f"the private subnet does not route 0.0.0.0/0 through a NAT gateway{via}",
                                 "route 0.0.0.0/0 of its route table to a NAT gateway in a public subnet"
                                 " (the instances reach Atlas and AWS through it)")
            elif nat.get("State") != "available":
                yield ctx.failed("network", subnet_id, region, f"its NAT gateway {nat_id} is {nat.get('State')}",
                                 "replace the NAT gateway (or wait until it is available) before `pulumi up`")
            else:
                used_nats[nat_id] = nat
                yield ctx.passed("network", subnet_id, region, f"private, 0.0.0.0/0 via {nat_id}")
    ctx.memo[NAT_MEMO] = [
        (nat_id, address.get("PublicIp"), nat.get("SubnetId"))
        for nat_id, nat in sorted(used_nats.items())
        for address in nat.get("NatGatewayAddresses", [])
        if address.get("PublicIp")
    ] or None


def _subnet(ctx: Context, ec2, kind: str, subnet_id: str):
    """The subnet, or None after yielding why it could not be read."""
    try:
        return call(ec2.describe_subnets, SubnetIds=[subnet_id])["Subnets"][0]
    except Missing:
        yield ctx.failed("network", subnet_id, ctx.region, f"the {kind} subnet does not exist",
                         f"set network.{kind}_subnet_ids to subnets of the estate's VPC (aws ec2 describe-subnets)")
    except Unavailable as error:
        yield ctx.unavailable("network", subnet_id, ctx.region, "DescribeSubnets", error, "check the subnet by hand")
    return None


def _target(route: dict) -> str:
    for key in ("GatewayId", "NatGatewayId", "TransitGatewayId", "NetworkInterfaceId", "VpcPeeringConnectionId", "InstanceId"):
        if route.get(key):
            return route[key]
    return "an unknown target"
