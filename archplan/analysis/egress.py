"""How a subnet reaches AWS services: a default route out (NAT, internet or anything else that
may lead out), or VPC endpoints for the services it needs.

Used by the containers' and functions' rules: tasks and pods pull images from Amazon ECR (the
ecr.api and ecr.dkr interface endpoints and the S3 gateway endpoint, where the layers are), and
functions in a VPC reach the AWS services they call the same way.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from archplan.model import Architecture, Subnet, Vpc
from archplan.routes import table_of

# Full service names: com.amazonaws.us-east-1.s3 (cn.com.amazonaws.cn-north-1.* in China).
_FULL_NAME = re.compile(r"^(?:cn\.)?com\.amazonaws\.[a-z0-9-]+\.(.+)$")
# Services whose gateway endpoint sits in route tables rather than subnets.
GATEWAY_SERVICES = ("s3", "dynamodb")
# What an image pull from Amazon ECR needs without a way out (Amazon ECR User Guide, "Amazon ECR
# interface VPC endpoints (AWS PrivateLink)"): both ECR interface endpoints, and the S3 gateway
# endpoint ("The interface endpoints for Amazon S3 can't be used with Amazon ECR").
IMAGE_PULL = ("ecr.api", "ecr.dkr", "s3")


def short_name(service: str | None) -> str:
    written = (service or "").strip().lower()
    match = _FULL_NAME.match(written)
    return match.group(1) if match else written


class Egress(NamedTuple):
    """What one subnet can reach AWS services through."""

    way_out: bool  # a default route to anything but a blackhole: archplan cannot tell it fails
    interface: frozenset[str]  # services with an interface endpoint (private DNS on) in the VPC
    gateway: frozenset[str]  # services with a gateway endpoint on the subnet's route table

    def reaches(self, service: str, *, image_layers: bool = False) -> bool:
        """Whether `service` is reachable; ECR's image layers come from S3 through its gateway
        endpoint only."""
        if self.way_out:
            return True
        if image_layers:
            return service in self.gateway
        return service in self.interface or service in self.gateway

    def missing(self, services: tuple[str, ...], *, images: bool) -> list[str]:
        """The services of `services` it cannot reach (S3 counted as ECR's layer store when
        `images`)."""
        return [
            service
            for service in dict.fromkeys(services)
            if not self.reaches(service, image_layers=images and service == "s3")
        ]


def egress(vpc: Vpc, subnet: Subnet) -> Egress:
    table = table_of(vpc, subnet)
    way_out = False
    if table is not None:
        for route in table.routes:
            if (
                route.block is not None
                and route.block.prefix == 0
                and route.block.version == 4
                and route.target is not None
                and route.target.kind != "blackhole"
            ):
                way_out = True
    interface = frozenset(
        short_name(endpoint.service)
        for endpoint in vpc.endpoints.values()
        if endpoint.type == "interface" and endpoint.private_dns
    )
    gateway = frozenset(
        short_name(endpoint.service)
        for endpoint in vpc.endpoints.values()
        if endpoint.type == "gateway"
        and table is not None
        and table.name in endpoint.route_tables
        and short_name(endpoint.service) in GATEWAY_SERVICES
    )
    return Egress(way_out, interface, gateway)


def egress_known(architecture: Architecture, vpc: Vpc) -> bool:
    """Whether everything `egress` reads in `vpc` was accepted as written: a route, a route
    table, a subnet's association or an endpoint that was rejected may be the way out, so rules
    built on `egress` say nothing rather than report a missing route on a default."""
    return vpc.routes_known and not architecture.rejected_within(*vpc.path, "endpoints")
