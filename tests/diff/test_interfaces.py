"""A replaced subnet and what holds network interfaces in it: scaling groups' instances, an
ECS service's awsvpc tasks and a VPC function's Lambda interfaces all block deleting the old
subnet, and the report says so for each."""

from __future__ import annotations

from tests.diff.helpers import EXAMPLES, edit, texts

FORUM = (EXAMPLES / "forum.yaml").read_text(encoding="utf-8")
MOVED = edit(FORUM, "forum-app-a:    {cidr: 10.50.16.0/20", "forum-app-a:    {cidr: 10.50.64.0/20")


def _taken() -> dict[str, str]:
    result = texts(FORUM, MOVED)
    return {
        f"{item.kind[0]}.{item.path[-1]}": item.message
        for item in result.consequences
        if item.cause == ("vpcs", "forum", "subnets", "forum-app-a")
    }


def test_a_service_s_tasks_and_a_function_s_interfaces_block_the_old_subnet() -> None:
    taken = _taken()
    service = taken["services.messages"]
    assert service.startswith('service "messages" must first move its tasks out of subnet')
    assert "the old subnet cannot be deleted while their interfaces remain" in service
    function = taken["functions.users"]
    assert 'Lambda\'s network interface in subnet "forum-app-a"' in function
    assert "the old subnet cannot be deleted until then" in function
    assert "must first lose its instances" in taken["scaling_groups.topics"]


def test_a_service_on_the_instance_s_network_holds_no_interface_of_its_own() -> None:
    bridged = edit(
        FORUM, "    launch_type: fargate\n", "    launch_type: ec2\n    network_mode: bridge\n"
    )
    moved = edit(
        bridged, "forum-app-a:    {cidr: 10.50.16.0/20", "forum-app-a:    {cidr: 10.50.64.0/20"
    )
    result = texts(bridged, moved)
    messages = [item.message for item in result.consequences if item.path[-1] == "messages"]
    assert messages and all("network interface" not in message for message in messages)
