"""The shape of architecture format 1, declared once: the decoder checks files against it.

Each kind says what a value must be; `Object` lists the keys an object may have. The same
declaration serves validation (unknown keys, wrong types, missing fields) and, later, the
JSON Schema that editors use, so the two cannot drift apart.
"""

from __future__ import annotations

from typing import NamedTuple

from archplan import quotas

# The kinds are NamedTuples (immutable, and several times cheaper to define than frozen
# dataclasses, which matters for start-up in pre-commit); `Kind` is their union.


class Text(NamedTuple):
    """A string, optionally one of `choices` or matching `digits` exactly."""

    choices: tuple[str, ...] = ()
    digits: int | None = None
    description: str = ""


class Reference(NamedTuple):
    """The name of another object; whether it exists is checked when the model is built."""

    target: str
    description: str = ""


class Integer(NamedTuple):
    """A whole number within [minimum, maximum]."""

    minimum: int | None = None
    maximum: int | None = None
    maximum_reason: str = ""
    description: str = ""


class Number(NamedTuple):
    """A number (integer or decimal), kept exact as a Decimal."""

    minimum: int | None = None
    maximum: int | None = None
    exclusive_minimum: bool = False
    description: str = ""


class Boolean(NamedTuple):
    """true or false."""

    description: str = ""


class Cidr(NamedTuple):
    """An IPv4 or IPv6 CIDR block written as a string."""

    version: int
    description: str = ""


class ListOf(NamedTuple):
    """A sequence of one kind; with `when_empty`, an empty list (or none) is invalid and that
    is the message."""

    item: Kind
    description: str = ""
    when_empty: str | None = None


class NamedMap(NamedTuple):
    """A mapping from names (or other string keys) to values of one kind."""

    value: Kind
    key_kind: str = "name"
    description: str = ""


class Field(NamedTuple):
    """One key of an object."""

    kind: Kind
    required: bool = False


class Object(NamedTuple):
    """A mapping with a fixed set of keys."""

    fields: dict[str, Field]
    one_of: tuple[str, ...] = ()  # exactly one of these keys must be present
    # Keys starting with "x-" are the user's own (a place for YAML anchors), as in Compose files.
    extensions: bool = False
    description: str = ""


class Either(NamedTuple):
    """One of several kinds, told apart by the YAML node type (scalar, list, mapping)."""

    options: tuple[Kind, ...]
    description: str = ""


Kind = Text | Reference | Integer | Number | Boolean | Cidr | ListOf | NamedMap | Object | Either


REGION = Text(description="AWS Region code, e.g. us-east-1")
ACCOUNT = Text(digits=12, description="12-digit AWS account ID, as a string")
PERCENT = Integer(minimum=0, maximum=100)
COUNT = Integer(minimum=0)
MONEY = Number(minimum=0, description="USD")
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
    }
)
ENDPOINT = Object(
    fields={
        "service": Field(Text(description="service name, e.g. s3, dynamodb, ssm"), required=True),
        "type": Field(Text(choices=("gateway", "interface"))),
        "route_tables": Field(ListOf(item=Reference(target="route table"))),
        "subnets": Field(ListOf(item=Reference(target="subnet"))),
        "private_dns": Field(Boolean()),
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
TRANSIT_GATEWAY = Object(
    fields={
        "region": Field(REGION),
        "account": Field(ACCOUNT),
        "attachments": Field(
            NamedMap(
                value=Object(fields={"subnets": Field(ListOf(item=Reference(target="subnet")))}),
                key_kind="vpc",
            )
        ),
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
# Containers and functions are declared in their own module, which needs the kinds above.
from archplan import schema_containers  # noqa: E402

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
        **schema_containers.SECTIONS,
    },
    extensions=True,
)
