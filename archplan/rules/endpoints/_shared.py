"""What several endpoint rules read: the endpoints of one kind."""

from __future__ import annotations

from collections.abc import Iterator

from archplan.model import Architecture, Endpoint, Vpc


def endpoints_of(architecture: Architecture, kind: str) -> Iterator[tuple[Vpc, Endpoint]]:
    """Every endpoint of one type ("gateway" or "interface"), in file order; an endpoint whose
    `type` was written but rejected is neither (its default is not what the file meant)."""
    for vpc in architecture.vpcs.values():
        for endpoint in vpc.endpoints.values():
            if endpoint.type == kind and not architecture.is_rejected(*endpoint.path, "type"):
                yield vpc, endpoint
