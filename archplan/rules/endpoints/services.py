"""Which service an endpoint names: the short name, and the Region a full name carries.

Read by the endpoint rules and by interface_endpoints (AP450)."""

from __future__ import annotations

import re
from typing import NamedTuple

from archplan.model import Endpoint

# Services with gateway endpoints. S3 Express One Zone (directory buckets) has its own gateway
# endpoint service, com.amazonaws.REGION.s3express (Amazon S3 User Guide, "Networking for
# S3 Express One Zone"); it is part of Amazon S3.
GATEWAY_SERVICES = ("s3", "dynamodb", "s3express")
# Full service names: com.amazonaws.us-east-1.s3 (cn.com.amazonaws.cn-north-1.* in China).
FULL_SERVICE_NAME = re.compile(r"^(?:cn\.)?com\.amazonaws\.([a-z0-9-]+)\.(.+)$")


class Service(NamedTuple):
    """An endpoint's service: its short name, and the Region a full name carries (else None)."""

    short: str
    region: str | None


def service_of(endpoint: Endpoint) -> Service | None:
    if not endpoint.service:
        return None
    written = endpoint.service.strip().lower()
    match = FULL_SERVICE_NAME.match(written)
    return Service(match.group(2), match.group(1)) if match else Service(written, None)


def gateway_service(endpoint: Endpoint) -> str | None:
    """The short name of a gateway endpoint's service when it has gateway endpoints."""
    service = service_of(endpoint)
    return service.short if service and service.short in GATEWAY_SERVICES else None
