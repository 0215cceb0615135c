"""`scale-plan --emit` for ECS services' Application Auto Scaling, read back: the CloudFormation
template with a YAML loader that knows the intrinsic functions' short forms, the Terraform text
by a structural reading of its blocks, the AWS CLI script by the shell's own word splitting; each
value must be the planned service's."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from archplan.cli import app
from tests.conftest import ROOT

FORUM = "examples/forum.yaml"


class _IntrinsicLoader(yaml.SafeLoader):
    """A SafeLoader that reads `!Ref X` as {"Ref": "X"} and `!Sub s` as {"Fn::Sub": "s"}, as
    CloudFormation does (a plain loader fails on the short forms)."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    key = "Ref" if suffix in ("Ref", "Condition") else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {key: value}


_IntrinsicLoader.add_multi_constructor("!", _intrinsic)


def _template(text: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.load(text, Loader=_IntrinsicLoader)
    return loaded


def _blocks(text: str) -> dict[tuple[str, str], dict[str, Any]]:
    """Terraform `resource "TYPE" "NAME" { ... }` blocks: attributes (`key = value`, values as
    written) and nested blocks (a dict per block name), braces checked to balance."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    stack: list[dict[str, Any]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        opened = re.fullmatch(r'resource "([\w-]+)" "([\w-]+)" \{', line)
        if opened and not stack:
            body: dict[str, Any] = {}
            found[(opened[1], opened[2])] = body
            stack.append(body)
        elif re.fullmatch(r"(variable|output) .*\{", line) and not stack:
            stack.append({})
        elif re.fullmatch(r"[\w-]+ \{", line):
            assert stack, f"line {number}: a block outside a resource"
            nested: dict[str, Any] = {}
            stack[-1].setdefault(line[:-2], nested)
            stack.append(nested)
        elif line == "}":
            assert stack, f"line {number}: unbalanced brace"
            stack.pop()
        else:
            match = re.fullmatch(r"([\w-]+)\s+= (.+)", line)
            assert match and stack, f"line {number}: not an attribute inside a block: {line}"
            stack[-1][match[1]] = match[2]
    assert not stack, "a block left open"
    return found


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(ROOT)
    return CliRunner()


def _planned(runner: CliRunner, path: str) -> list[dict[str, Any]]:
    """The planned services of the JSON report: what the emits must carry."""
    result = runner.invoke(app, ["scale-plan", path, "-f", "json"])
    assert result.exit_code in (0, 1), result.output
    services: list[dict[str, Any]] = json.loads(result.stdout)["containers"]["services"]
    return [service for service in services if service["planned"]]


def _raw(path: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))
    return loaded


def _second_service(tmp_path: Path) -> str:
    """The forum with a second Fargate service that names no cluster (CloudFormation asks for
    it with a parameter, Terraform with a variable)."""
    raw = _raw(FORUM)
    extra = dict(raw["services"]["messages"])
    del extra["cluster"]
    extra |= {"min": 3, "max": 80, "capacity": {"per_task": 50, "target_utilization": 55}}
    raw["services"]["search-index"] = extra
    path = tmp_path / "two.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("two", [False, True])
def test_cloudformation_values_are_the_plans(runner: CliRunner, tmp_path: Path, two: bool) -> None:
    path = _second_service(tmp_path) if two else FORUM
    planned = _planned(runner, path)
    assert len(planned) == (2 if two else 1)
    raw = _raw(path)["services"]
    result = runner.invoke(app, ["scale-plan", path, "--emit", "cloudformation"])
    assert result.exit_code == 0, result.output
    template = _template(result.stdout)
    resources = template["Resources"]
    targets = {
        key: value["Properties"]
        for key, value in resources.items()
        if value["Type"] == "AWS::ApplicationAutoScaling::ScalableTarget"
    }
    policies = [
        value["Properties"]
        for value in resources.values()
        if value["Type"] == "AWS::ApplicationAutoScaling::ScalingPolicy"
    ]
    assert len(targets) == len(policies) == len(planned)
    for service in planned:
        cluster = raw[service["name"]].get("cluster")
        resource_id = (
            f"service/{cluster}/{service['name']}"
            if cluster
            else {"Fn::Sub": f"service/${{EcsClusterName}}/{service['name']}"}
        )
        logical, target = next(
            (key, value) for key, value in targets.items() if value["ResourceId"] == resource_id
        )
        assert target["ServiceNamespace"] == "ecs"
        assert target["ScalableDimension"] == "ecs:service:DesiredCount"
        assert (target["MinCapacity"], target["MaxCapacity"]) == (service["min"], service["max"])
        policy = next(one for one in policies if one["ScalingTargetId"] == {"Ref": logical})
        assert policy["PolicyType"] == "TargetTrackingScaling"
        tracking = policy["TargetTrackingScalingPolicyConfiguration"]
        utilization = raw[service["name"]]["capacity"]["target_utilization"]
        assert tracking["TargetValue"] == utilization
        metric = tracking["PredefinedMetricSpecification"]["PredefinedMetricType"]
        assert metric == "ECSServiceAverageCPUUtilization"
        # The planned tasks stay inside what the scalable target allows.
        assert service["min"] <= service["peak_tasks"] <= service["max"]
    if two:
        assert template["Parameters"]["EcsClusterName"]["Type"] == "String"


@pytest.mark.parametrize("two", [False, True])
def test_terraform_values_are_the_plans(runner: CliRunner, tmp_path: Path, two: bool) -> None:
    path = _second_service(tmp_path) if two else FORUM
    planned = _planned(runner, path)
    raw = _raw(path)["services"]
    result = runner.invoke(app, ["scale-plan", path, "--emit", "terraform"])
    assert result.exit_code == 0, result.output
    blocks = _blocks(result.stdout)
    targets = {
        name: body for (kind, name), body in blocks.items() if kind == "aws_appautoscaling_target"
    }
    policies = {
        name: body for (kind, name), body in blocks.items() if kind == "aws_appautoscaling_policy"
    }
    assert set(targets) == set(policies)
    assert len(targets) == len(planned)
    for service in planned:
        cluster = raw[service["name"]].get("cluster")
        resource_id = (
            json.dumps(f"service/{cluster}/{service['name']}")
            if cluster
            else f'"service/${{var.ecs_cluster_name}}/{service["name"]}"'
        )
        name, target = next(
            (name, body) for name, body in targets.items() if body["resource_id"] == resource_id
        )
        assert target["service_namespace"] == '"ecs"'
        assert target["scalable_dimension"] == '"ecs:service:DesiredCount"'
        assert (int(target["min_capacity"]), int(target["max_capacity"])) == (
            service["min"],
            service["max"],
        )
        policy = policies[name]
        for key in ("service_namespace", "scalable_dimension", "resource_id"):
            assert policy[key] == f"aws_appautoscaling_target.{name}.{key}"
        assert policy["policy_type"] == '"TargetTrackingScaling"'
        tracking = policy["target_tracking_scaling_policy_configuration"]
        utilization = raw[service["name"]]["capacity"]["target_utilization"]
        assert int(tracking["target_value"]) == utilization
        metric = tracking["predefined_metric_specification"]["predefined_metric_type"]
        assert metric == '"ECSServiceAverageCPUUtilization"'
    if two:
        assert ("variable", "ecs_cluster_name") not in blocks  # variables are not resources
        assert 'variable "ecs_cluster_name" {' in result.stdout


def _split(script: str) -> list[list[str]]:
    words = shlex.split(script, comments=True)
    commands: list[list[str]] = []
    for word in words:
        if word == "aws":
            commands.append([])
        commands[-1].append(word)
    return commands


@pytest.mark.parametrize("name", ["messages", "search-index"])
def test_aws_cli_values_are_the_plans(runner: CliRunner, tmp_path: Path, name: str) -> None:
    path = _second_service(tmp_path)
    service = next(one for one in _planned(runner, path) if one["name"] == name)
    raw = _raw(path)["services"][name]
    result = runner.invoke(app, ["scale-plan", path, "--emit", "aws-cli", "--service", name])
    assert result.exit_code == 0, result.output
    register, policy = _split(result.stdout)
    assert register[:3] == ["aws", "application-autoscaling", "register-scalable-target"]
    assert policy[:3] == ["aws", "application-autoscaling", "put-scaling-policy"]
    assert register[3] == policy[3] == "--cli-input-json"
    target, tracking = json.loads(register[4]), json.loads(policy[4])
    cluster = raw.get("cluster", "<name of the ECS cluster>")
    assert target == {
        "ServiceNamespace": "ecs",
        "ResourceId": f"service/{cluster}/{name}",
        "ScalableDimension": "ecs:service:DesiredCount",
        "MinCapacity": service["min"],
        "MaxCapacity": service["max"],
    }
    assert tracking["ResourceId"] == target["ResourceId"]
    assert tracking["PolicyType"] == "TargetTrackingScaling"
    configuration = tracking["TargetTrackingScalingPolicyConfiguration"]
    assert configuration["TargetValue"] == raw["capacity"]["target_utilization"]


def test_aws_cli_service_option_is_checked(runner: CliRunner) -> None:
    unknown = runner.invoke(app, ["scale-plan", FORUM, "--emit", "aws-cli", "--service", "nope"])
    assert unknown.exit_code == 2
    assert 'no planned service "nope"' in unknown.stderr
    alone = runner.invoke(app, ["scale-plan", FORUM, "--service", "messages"])
    assert alone.exit_code == 2
    assert "only with --emit aws-cli" in alone.stderr
    both = runner.invoke(
        app,
        ["scale-plan", FORUM, "--emit", "aws-cli", "--service", "messages", "--group", "topics"],
    )
    assert both.exit_code == 2


def test_service_auto_scaling_template_passes_cfn_lint_when_installed(
    runner: CliRunner, tmp_path: Path
) -> None:
    """Both services (one naming its cluster, one with the cluster as a parameter) through
    cfn-lint, AWS's template linter, when it is installed."""
    import shutil
    import subprocess

    cfn_lint = shutil.which("cfn-lint")
    works = cfn_lint is not None and (
        subprocess.run([cfn_lint, "--version"], capture_output=True, timeout=120).returncode == 0
    )
    if cfn_lint is None or not works:
        pytest.skip("cfn-lint is not installed")
    result = runner.invoke(
        app, ["scale-plan", _second_service(tmp_path), "--emit", "cloudformation"]
    )
    assert result.exit_code == 0, result.output
    path = tmp_path / "template.yaml"
    path.write_text(result.stdout, encoding="utf-8")
    checked = subprocess.run([cfn_lint, str(path)], capture_output=True, text=True, timeout=300)
    assert checked.returncode == 0, checked.stdout + checked.stderr
