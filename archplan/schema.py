"""The shape of architecture format 1, declared once: the decoder checks files against it.

Each kind says what a value must be; `Object` lists the keys an object may have. The same
declaration serves validation (unknown keys, wrong types, missing fields) and, later, the
JSON Schema that editors use, so the two cannot drift apart. The kinds themselves are in
archplan.schema_kinds (re-exported here); containers and functions in archplan.schema_containers.
"""

from __future__ import annotations

from archplan import quotas, schema_containers
from archplan.schema_kinds import (
    ACCOUNT,
    COUNT,
    MONEY,
    PERCENT,
    REGION,
    Boolean,
    Cidr,
    Either,
    Field,
    Integer,
    Kind,
    ListOf,
    NamedMap,
    Number,
    Object,
    Reference,
    Text,
)

# Re-exported: every user of the format reads the kinds from here.
__all__ = [
    "ACCOUNT",
    "COUNT",
    "MONEY",
    "PERCENT",
    "REGION",
    "Boolean",
    "Cidr",
    "Either",
    "Field",
    "Integer",
    "Kind",
    "ListOf",
    "NamedMap",
    "Number",
    "Object",
    "Reference",
    "Text",
]

PEERING_STATUSES = (
    "active",
    "pending-acceptance",
    "provisioning",
    "initiating-request",
    "rejected",
    "expired",
    "failed",
    "deleting",
    "deleted",
)
SPOT_STRATEGIES = (
    "price-capacity-optimized",
    "capacity-optimized",
    "capacity-optimized-prioritized",
    "lowest-price",
)
COMMITMENT_TYPES = ("compute-savings-plan", "ec2-instance-savings-plan", "reserved-instances")

SUBNET = Object(
    fields={
        "cidr": Field(Cidr(version=4)),
        "ipv6_cidr": Field(Cidr(version=6)),
        "az": Field(Text(description="Availability Zone, e.g. us-east-1a"), required=True),
        "route_table": Field(Reference(target="route table")),
    },
)
ROUTE_TABLE = Object(
    fields={
        "main": Field(Boolean()),
        "routes": Field(NamedMap(value=Text(), key_kind="destination")),
        "gateway": Field(
            Text(
                choices=("igw", "vgw"),
                description="edge association: the gateway whose incoming traffic this table routes",
            )
        ),
        "vgw_propagation": Field(
            Boolean(description="routes to on-premises prefixes learned by the VGW")
        ),
    }
)
ENDPOINT = Object(
    fields={
        "service": Field(Text(description="service name, e.g. s3, dynamodb, ssm"), required=True),
        "type": Field(Text(choices=("gateway", "interface"))),
        "route_tables": Field(ListOf(item=Reference(target="route table"))),
        "subnets": Field(ListOf(item=Reference(target="subnet"))),
        "private_dns": Field(Boolean()),
        "security_groups": Field(ListOf(item=Reference(target="security group"))),
    }
)
PROTOCOL = Either(
    options=(
        Text(choices=("tcp", "udp", "icmp", "icmpv6", "all")),
        Integer(minimum=0, maximum=255, description="IANA protocol number"),
    ),
    description="tcp, udp, icmp, icmpv6, all, or an IANA protocol number",
)
PORTS = Either(
    options=(
        Integer(minimum=0, maximum=65535, description="one port"),
        Text(
            pattern=r"all|[0-9]{1,5}-[0-9]{1,5}",
            pattern_hint='a range "FROM-TO" (e.g. "1024-65535") or "all"',
        ),
    ),
    description='one port (443), a range ("1024-65535") or "all"',
)
ICMP = Object(
    fields={
        "type": Field(Integer(minimum=-1, maximum=255, description="ICMP type, -1 for all")),
        "code": Field(Integer(minimum=-1, maximum=255, description="ICMP code, -1 for all")),
    },
    description="ICMP type and code (omitted: all)",
)
PEER_HINT = "an IPv4 or IPv6 block, pl:NAME, sg:NAME, sg:VPC/NAME or self"


def _sg_rule(peer: str) -> Object:
    return Object(
        fields={
            "protocol": Field(PROTOCOL, required=True),
            "ports": Field(PORTS),
            "icmp": Field(ICMP),
            peer: Field(Text(description=PEER_HINT), required=True),
            "description": Field(Text()),
        }
    )


def _acl_rule(peer: str) -> Object:
    return Object(
        fields={
            "rule": Field(Integer(minimum=1, maximum=32766, description="rule number"), True),
            "action": Field(Text(choices=("allow", "deny")), required=True),
            "protocol": Field(PROTOCOL, required=True),
            "ports": Field(PORTS),
            "icmp": Field(ICMP),
            peer: Field(Text(description="an IPv4 or IPv6 block"), required=True),
        }
    )


def _firewall_rule(stateless: bool) -> Object:
    actions = ("pass", "drop", "forward") if stateless else ("pass", "drop", "reject", "alert")
    fields = {
        "action": Field(Text(choices=actions), required=True),
        "protocol": Field(PROTOCOL, required=True),
        "ports": Field(PORTS),
        "from": Field(Text(description="an IPv4 or IPv6 block, or any"), required=True),
        "to": Field(Text(description="an IPv4 or IPv6 block, or any"), required=True),
    }
    if stateless:
        fields["priority"] = Field(
            Integer(minimum=1, maximum=65535, description="lowest first"), required=True
        )
    return Object(fields=fields)


NETWORK_FIREWALL = Object(
    fields={
        "stateless_default": Field(Text(choices=("forward", "pass", "drop"))),
        "stateless": Field(ListOf(item=_firewall_rule(stateless=True))),
        "rule_order": Field(Text(choices=("default", "strict"))),
        "stateful": Field(ListOf(item=_firewall_rule(stateless=False))),
        "stateful_default": Field(Text(choices=("pass", "drop"))),
    },
    description="an AWS Network Firewall policy: stateless, then stateful 5-tuple rules",
)
SECURITY_GROUP = Object(
    fields={
        "description": Field(Text()),
        "ingress": Field(ListOf(item=_sg_rule("from"))),
        "egress": Field(ListOf(item=_sg_rule("to"))),
    },
    description="a security group: stateful allow rules (no egress key: allow all outbound)",
)
NETWORK_ACL = Object(
    fields={
        "default": Field(Boolean(description="the VPC's default ACL (subnets not listed)")),
        "subnets": Field(ListOf(item=Reference(target="subnet"))),
        "ingress": Field(ListOf(item=_acl_rule("from"))),
        "egress": Field(ListOf(item=_acl_rule("to"))),
    },
    description="a network ACL: stateless numbered rules, lowest first, then deny",
)
GWLB_ENDPOINT = Object(
    fields={
        "subnet": Field(Reference(target="subnet"), required=True),
        "service": Field(Text(description="the Gateway Load Balancer endpoint service")),
    }
)
FIREWALL_ENDPOINT = Object(
    fields={
        "subnet": Field(Reference(target="subnet"), required=True),
        "firewall": Field(Text(description="the AWS Network Firewall this endpoint belongs to")),
    }
)
VPC = Object(
    fields={
        "region": Field(REGION),
        "account": Field(ACCOUNT),
        "cidr": Field(Cidr(version=4), required=True),
        "secondary_cidrs": Field(ListOf(item=Cidr(version=4))),
        "ipv6_cidrs": Field(ListOf(item=Cidr(version=6))),
        "dns": Field(
            Object(fields={"hostnames": Field(Boolean()), "resolution": Field(Boolean())})
        ),
        "internet_gateway": Field(Boolean()),
        "subnets": Field(NamedMap(value=SUBNET)),
        "route_tables": Field(NamedMap(value=ROUTE_TABLE)),
        "endpoints": Field(NamedMap(value=ENDPOINT)),
        "security_groups": Field(NamedMap(value=SECURITY_GROUP)),
        "network_acls": Field(NamedMap(value=NETWORK_ACL)),
        "gwlb_endpoints": Field(NamedMap(value=GWLB_ENDPOINT)),
        "firewalls": Field(NamedMap(value=FIREWALL_ENDPOINT)),
    }
)
PEERING = Object(
    fields={
        "requester": Field(Reference(target="vpc"), required=True),
        "accepter": Field(Reference(target="vpc"), required=True),
        "status": Field(Text(choices=PEERING_STATUSES)),
        "dns_resolution": Field(Boolean()),
    }
)
TGW_ROUTE_TABLE = Object(
    fields={
        "associations": Field(ListOf(item=Reference(target="attachment"))),
        "propagations": Field(ListOf(item=Reference(target="attachment"))),
        "routes": Field(NamedMap(value=Text(), key_kind="destination")),
    },
    description="a transit gateway route table; routes: destination to attachment or blackhole",
)
TRANSIT_GATEWAY = Object(
    fields={
        "region": Field(REGION),
        "account": Field(ACCOUNT),
        "attachments": Field(
            NamedMap(
                value=Object(
                    fields={
                        "subnets": Field(ListOf(item=Reference(target="subnet"))),
                        "appliance_mode": Field(Boolean()),
                        "security_group_referencing": Field(Boolean()),
                        "ipv6_support": Field(Boolean()),
                    }
                ),
                key_kind="vpc",
            )
        ),
        "peerings": Field(ListOf(item=Reference(target="transit gateway"))),
        "default_association": Field(Reference(target="transit gateway route table")),
        "default_propagation": Field(Reference(target="transit gateway route table")),
        "security_group_referencing": Field(Boolean()),
        "route_tables": Field(NamedMap(value=TGW_ROUTE_TABLE)),
    }
)
SCALING_GROUP = Object(
    fields={
        "vpc": Field(Reference(target="vpc"), required=True),
        "subnets": Field(ListOf(item=Reference(target="subnet")), required=True),
        "instance_types": Field(
            Either(options=(ListOf(item=Text()), NamedMap(value=Integer(), key_kind="type"))),
            required=True,
        ),
        "min": Field(COUNT, required=True),
        "max": Field(COUNT, required=True),
        "desired": Field(COUNT),
        "capacity": Field(
            Object(
                fields={
                    "per_unit": Field(Number(minimum=0, exclusive_minimum=True), required=True),
                    "target_utilization": Field(Integer(minimum=1, maximum=100)),
                    "metric": Field(
                        Text(
                            choices=("cpu", "network-in", "network-out"),
                            description="what the emitted target-tracking policy tracks",
                        )
                    ),
                }
            )
        ),
        "demand": Field(
            Object(
                fields={
                    "unit": Field(Text()),
                    "hourly": Field(
                        ListOf(
                            item=Number(minimum=0),
                            when_empty="must not be empty: give one value per hour",
                        )
                    ),
                    "file": Field(Text(description="path to CloudWatch JSON or CSV")),
                },
                one_of=("hourly", "file"),
            )
        ),
        "availability": Field(Object(fields={"survive_az_loss": Field(Boolean())})),
        "purchase": Field(
            Object(
                fields={
                    "on_demand_base": Field(COUNT),
                    "on_demand_percentage_above_base": Field(PERCENT),
                    "spot_allocation_strategy": Field(Text(choices=SPOT_STRATEGIES)),
                    "commitment": Field(
                        Either(
                            options=(
                                Text(choices=("auto", "none")),
                                Object(fields={"units": Field(COUNT, required=True)}),
                            )
                        )
                    ),
                    "commitment_type": Field(Text(choices=COMMITMENT_TYPES)),
                }
            )
        ),
        "launch_template": Field(Text()),
        "security_groups": Field(ListOf(item=Reference(target="security group"))),
        "public_ip": Field(Boolean(description="instances get a public IPv4 address")),
    }
)
HOST = Object(
    fields={
        "vpc": Field(Reference(target="vpc"), required=True),
        "subnet": Field(Reference(target="subnet"), required=True),
        "address": Field(Text(description="its private IPv4 or IPv6 address, if fixed")),
        "public_ip": Field(Boolean(description="has a public IPv4 or Elastic IP address")),
        "security_groups": Field(ListOf(item=Reference(target="security group"))),
        "source_dest_check": Field(Boolean(description="false for an appliance that forwards")),
    },
    description="a fixed thing in a subnet: a database, an appliance",
)
PREFIX_LIST = Object(
    fields={
        "entries": Field(ListOf(item=Text(description="an IPv4 or IPv6 block"))),
        "max_entries": Field(Integer(minimum=1, maximum=1000)),
    },
    description="a customer-managed prefix list",
)
ON_PREMISES_LINK = Object(
    fields={
        "vgw": Field(
            Reference(target="vpc", description="VPN to this VPC's virtual private gateway")
        ),
        "transit_gateway": Field(
            Reference(target="transit gateway", description="a VPN attachment")
        ),
        "direct_connect_gateway": Field(Reference(target="direct connect gateway")),
        "static_routes": Field(
            ListOf(item=Text(description="an IPv4 or IPv6 block")),
        ),
    },
    one_of=("vgw", "transit_gateway", "direct_connect_gateway"),
)
ON_PREMISES = Object(
    fields={
        "prefixes": Field(ListOf(item=Text(description="an IPv4 or IPv6 block")), required=True),
        "connections": Field(ListOf(item=ON_PREMISES_LINK)),
    },
    description="a network outside AWS and how it attaches",
)
DX_ASSOCIATION = Object(
    fields={"allowed_prefixes": Field(ListOf(item=Text(description="an IPv4 or IPv6 block")))}
)
DIRECT_CONNECT_GATEWAY = Object(
    fields={
        "transit_gateways": Field(NamedMap(value=DX_ASSOCIATION, key_kind="transit gateway")),
        "vpcs": Field(NamedMap(value=DX_ASSOCIATION, key_kind="vpc")),
    }
)
INTENT = Object(
    fields={
        "from": Field(
            Text(
                description="subnet, scaling group, host, endpoint, address, internet or on-premises network"
            ),
            required=True,
        ),
        "to": Field(
            Text(
                description="subnet, scaling group, host, endpoint, address, internet or on-premises network"
            ),
            required=True,
        ),
        "port": Field(Integer(minimum=0, maximum=65535)),
        "protocol": Field(PROTOCOL),
        "expect": Field(Text(choices=("reachable", "unreachable")), required=True),
        "description": Field(Text()),
    }
)
THROTTLE = Object(fields={"rate": Field(Number(minimum=0)), "burst": Field(COUNT)})
API_GATEWAY = Object(
    fields={
        "region": Field(REGION),
        "type": Field(Text(choices=("rest", "http"))),
        # A REST API's endpoint type; AWS's default is edge-optimized (AP604).
        "endpoint": Field(Text(choices=("edge", "regional", "private"))),
        "throttle": Field(THROTTLE),
        "routes": Field(
            NamedMap(
                value=Object(
                    fields={
                        "backend": Field(Reference(target="scaling group, service or function")),
                        "rate": Field(Number(minimum=0)),
                        "burst": Field(COUNT),
                        "timeout_ms": Field(Integer(minimum=1)),
                    }
                ),
                key_kind="route",
            )
        ),
    }
)
PRICES = Object(
    fields={
        "region": Field(REGION),
        "source": Field(Text()),
        "instance_types": Field(
            NamedMap(
                value=Object(
                    fields={"on_demand": Field(MONEY, required=True), "spot": Field(MONEY)}
                ),
                key_kind="type",
            )
        ),
        "discounts": Field(
            Object(fields={name: Field(Number(minimum=0, maximum=1)) for name in COMMITMENT_TYPES})
        ),
        "transit_gateway": Field(
            Object(fields={"attachment_hour": Field(MONEY), "per_gb": Field(MONEY)})
        ),
        **schema_containers.PRICE_FIELDS,
    }
)
QUOTAS = Object(
    fields={
        quota.name: Field(
            Integer(
                minimum=1,
                maximum=quota.maximum,
                maximum_reason=f"AWS allows at most {quota.maximum}" if quota.maximum else "",
                description=quota.description,
            )
        )
        for quota in quotas.QUOTAS
    }
)
ARCHITECTURE = Object(
    fields={
        "archplan": Field(Integer(description="format version"), required=True),
        "name": Field(Text()),
        "defaults": Field(Object(fields={"region": Field(REGION), "account": Field(ACCOUNT)})),
        "quotas": Field(QUOTAS),
        "vpcs": Field(NamedMap(value=VPC)),
        "peerings": Field(NamedMap(value=PEERING)),
        "transit_gateways": Field(NamedMap(value=TRANSIT_GATEWAY)),
        "meshes": Field(NamedMap(value=ListOf(item=Reference(target="vpc")))),
        "scaling_groups": Field(NamedMap(value=SCALING_GROUP)),
        "api_gateways": Field(NamedMap(value=API_GATEWAY)),
        "prices": Field(PRICES),
        "hosts": Field(NamedMap(value=HOST)),
        "prefix_lists": Field(NamedMap(value=PREFIX_LIST)),
        "network_firewalls": Field(NamedMap(value=NETWORK_FIREWALL)),
        "on_premises": Field(NamedMap(value=ON_PREMISES)),
        "direct_connect_gateways": Field(NamedMap(value=DIRECT_CONNECT_GATEWAY)),
        "reachability": Field(ListOf(item=INTENT)),
        **schema_containers.SECTIONS,
    },
    extensions=True,
)
