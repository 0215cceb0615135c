"""ECS services and Lambda functions as places of `archplan reach` and of intents: found by
name (with did-you-mean), refused with a reason when they have no interfaces of their own, and
checked from each of their subnets against the brute-force simulation of
tests/properties/test_reach_brute_force.py."""

from __future__ import annotations

import copy
import ipaddress
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archplan.engine import load_architecture, validate_source
from archplan.network import TCP
from archplan.reach.places import Place, Unresolved, resolve
from archplan.reach.query import ask
from archplan.source import Source
from tests.properties.test_reach_brute_force import EXAMPLES, PORTS, VPCS, Sim, estates

FILE = """\
archplan: 1
defaults: {region: us-east-1}
vpcs:
  app:
    cidr: 10.0.0.0/16
    subnets:
      app-a: {cidr: 10.0.0.0/24, az: us-east-1a}
      app-b: {cidr: 10.0.1.0/24, az: us-east-1b}
      db-a: {cidr: 10.0.2.0/24, az: us-east-1a}
    security_groups:
      orders-tasks: {}
      users-fn: {}
      db:
        ingress:
          - {protocol: tcp, ports: 5432, from: sg:orders-tasks}
hosts:
  orders-db: {vpc: app, subnet: db-a, security_groups: [db]}
scaling_groups:
  hosts: {vpc: app, subnets: [app-a], instance_types: [m5.large], min: 1, max: 2}
services:
  orders:
    vpc: app
    subnets: [app-a, app-b]
    security_groups: [orders-tasks]
    launch_type: fargate
    cpu: 256
    memory: 512
    min: 1
    max: 2
  legacy:
    vpc: app
    launch_type: ec2
    capacity_provider: hosts
    network_mode: bridge
    cpu: 256
    memory: 512
    min: 1
    max: 2
  untagged:
    vpc: app
    subnets: [app-a]
    launch_type: fargate
    cpu: 256
    memory: 512
    min: 1
    max: 2
functions:
  users:
    memory: 256
    vpc: app
    subnets: [app-a, app-b]
    security_groups: [users-fn]
  outside:
    memory: 256
reachability:
  - {from: orders, to: orders-db, port: 5432, expect: reachable}
  - {from: users, to: orders-db, port: 5432, expect: unreachable}
"""


def _architecture(text: str = FILE) -> Any:
    return load_architecture(Source("app.yaml", text)).architecture


def test_a_service_and_a_function_are_places_with_their_subnets_and_groups() -> None:
    architecture = _architecture()
    service = resolve(architecture, "orders")
    assert isinstance(service, Place)
    assert (service.kind, service.vpc, service.subnets) == ("service", "app", ("app-a", "app-b"))
    assert service.security_groups == ("orders-tasks",)
    function = resolve(architecture, "function:users")
    assert isinstance(function, Place)
    assert (function.kind, function.security_groups) == ("function", ("users-fn",))
    database = resolve(architecture, "orders-db")
    assert isinstance(database, Place)
    allowed = ask(architecture, service, database, TCP, 5432)
    assert not isinstance(allowed, str) and allowed.verdict == "reachable"
    refused = ask(architecture, function, database, TCP, 5432)
    assert not isinstance(refused, str) and refused.verdict == "unreachable"
    assert refused.forward.reason == "no ingress rule of security group(s) db matches"


def test_a_service_without_groups_depends_on_what_the_file_does_not_say() -> None:
    architecture = _architecture()
    service, database = resolve(architecture, "untagged"), resolve(architecture, "orders-db")
    assert isinstance(service, Place) and isinstance(database, Place)
    assert service.security_groups is None
    answer = ask(architecture, service, database, TCP, 5432)
    assert not isinstance(answer, str) and answer.verdict == "unknown"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "legacy",
            'service "legacy" uses network mode bridge: its tasks send and receive on the '
            'container instances\' interfaces: name its scaling group "hosts"',
        ),
        (
            "outside",
            'function "outside" is not attached to a VPC of the file: it runs in the Lambda '
            "service's own network, which archplan does not model",
        ),
        ("servce:orders", None),
    ],
)
def test_what_is_not_a_place_says_why(name: str, message: str | None) -> None:
    place = resolve(_architecture(), name)
    assert isinstance(place, Unresolved)
    if message is not None:
        assert place.message == message
    else:
        assert place.message.startswith('"servce:orders" is not a subnet')


def test_a_misspelt_service_gets_a_suggestion() -> None:
    place = resolve(_architecture(), "service:order")
    assert isinstance(place, Unresolved)
    assert place.message.endswith('(did you mean "orders"?)')


def test_intents_name_services_and_functions() -> None:
    held = validate_source(Source("app.yaml", FILE))
    assert held.error is None
    assert [f.rule_id for f in held.findings if f.rule_id in ("AP005", "AP790")] == []
    wrong = FILE.replace("expect: unreachable", "expect: reachable")
    broken = validate_source(Source("app.yaml", wrong)).findings
    assert [(f.rule_id, f.span.line) for f in broken if f.rule_id == "AP790"] == [("AP790", 57)]


def _first_usable(block: str) -> str:
    return str(ipaddress.ip_network(block).network_address + 4)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(estates(), st.data())
def test_a_service_reaches_only_when_every_subnet_does(doc: dict[str, Any], data: Any) -> None:
    """A service spread over subnets of a VPC is reachable from (and reaches) a host exactly
    when a task in each of its subnets would be, by the brute-force simulation."""
    vpc = data.draw(st.sampled_from(sorted(doc["vpcs"])))
    subnets = data.draw(st.lists(st.sampled_from(sorted(VPCS[vpc][1])), min_size=1, unique=True))
    groups = data.draw(st.lists(st.sampled_from(["g1", "g2"]), min_size=1, unique=True))
    written = copy.deepcopy(doc)
    written["services"] = {
        "svc": {
            "vpc": vpc,
            "subnets": subnets,
            "security_groups": groups,
            "launch_type": "fargate",
            "cpu": 256,
            "memory": 512,
            "min": 1,
            "max": 2,
        }
    }
    architecture = _architecture(yaml.safe_dump(written, sort_keys=False))
    # The simulation sees one task per subnet as a host at the subnet's first usable address.
    tasks = {
        f"task-{subnet}": {
            "vpc": vpc,
            "subnet": subnet,
            "address": _first_usable(VPCS[vpc][1][subnet][0]),
            "security_groups": groups,
        }
        for subnet in subnets
    }
    sim = Sim({**doc, "hosts": {**doc["hosts"], **tasks}})
    service = resolve(architecture, "service:svc")
    assert isinstance(service, Place)
    for host in doc["hosts"]:
        other = resolve(architecture, f"host:{host}")
        assert isinstance(other, Place)
        for port in PORTS[:2]:
            out = ask(architecture, service, other, TCP, port)
            back = ask(architecture, other, service, TCP, port)
            assert not isinstance(out, str) and not isinstance(back, str)
            expected_out = all(sim.flow(task, host, port)[0] for task in tasks)
            expected_back = all(sim.flow(host, task, port)[0] for task in tasks)
            assert (out.verdict == "reachable") == expected_out, (host, port, out)
            assert (back.verdict == "reachable") == expected_back, (host, port, back)
