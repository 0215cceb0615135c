"""The resources of a `terraform show -json` plan, and which resource a reference points at."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

# An address: module.a["x"].module.b[0].aws_subnet.private[1]
_MODULE_STEP = re.compile(r'module\.([A-Za-z0-9_-]+)(\[(?:\d+|"(?:[^"\\]|\\.)*")\])?\.')
# One step of a reference: a name and an optional index, which may be an expression
# (aws_subnet.this[count.index], module.spoke[each.key]) and so may hold dots.
_STEP = re.compile(r'([A-Za-z0-9_-]+)(?:\[((?:"(?:[^"\\]|\\.)*"|[^\]"])*)\])?')
# Resolution follows variables and module outputs; real plans nest a few levels, a cycle none.
_MAX_DEPTH = 16


@dataclass(slots=True)
class Resource:
    """One resource instance of the plan, with its known values and its configuration."""

    address: str
    type: str
    name: str
    index: int | str | None
    module: str  # the module instance address, "" for the root module
    config_module: tuple[str, ...]  # module call names, without instance keys
    values: dict[str, Any]
    unknown: dict[str, Any]  # after_unknown: attributes known only after apply
    expressions: dict[str, Any]  # the configuration's expressions for this resource
    provider_key: str

    def known(self, attribute: str) -> Any:
        """The attribute's planned value; None when unset, empty or unknown until apply."""
        value = self.values.get(attribute)
        return None if value in ("", [], {}) else value

    def is_unknown(self, attribute: str) -> bool:
        return self.unknown.get(attribute) is True


def module_steps(module: str) -> list[tuple[str, str]]:
    """module.a["x"].module.b -> [("a", '["x"]'), ("b", "")]."""
    return [(m.group(1), m.group(2) or "") for m in _MODULE_STEP.finditer(module + ".")]


def _index(text: str) -> int | str:
    return int(text) if text.isdigit() else text.strip('"')


class Plan:
    """The managed resources of a plan (or state), and the configuration behind them."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.resources: list[Resource] = []
        self._instances: dict[tuple[str, str], list[Resource]] = {}
        self._by_id: dict[str, Resource] = {}
        records = {
            record["address"]: record
            for record in _list(data.get("resource_changes"))
            if isinstance(record, dict) and isinstance(record.get("address"), str)
        }
        changes = {address: _dict(record.get("change")) for address, record in records.items()}
        planned = data.get("planned_values") or data.get("values") or {}
        seen: set[str] = set()
        self._walk(_dict(_dict(planned).get("root_module")), "", changes, seen)
        # planned_values leaves out resources it cannot show; their change's `after` has them.
        for address, record in records.items():
            change = changes[address]
            actions = _list(change.get("actions"))
            after = change.get("after")
            if address in seen or not isinstance(after, dict) or actions == ["delete"]:
                continue
            if record.get("mode", "managed") == "managed":
                module = str(record.get("module_address", ""))
                self._add({**record, "values": after}, module, change)
        self.provider_regions = self._provider_regions()

    def _walk(
        self,
        module: dict[str, Any],
        address: str,
        changes: dict[str, dict[str, Any]],
        seen: set[str],
    ) -> None:
        for raw in _list(module.get("resources")):
            if isinstance(raw, dict) and raw.get("mode", "managed") == "managed":
                seen.add(str(raw.get("address")))
                self._add(raw, address, changes.get(str(raw.get("address")), {}))
        for child in _list(module.get("child_modules")):
            if isinstance(child, dict):
                self._walk(child, str(child.get("address", "")), changes, seen)

    def _add(self, raw: dict[str, Any], module: str, change: dict[str, Any]) -> None:
        kind, name = str(raw.get("type", "")), str(raw.get("name", ""))
        if not kind.startswith("aws_"):
            return
        index = raw.get("index")
        config_module = tuple(step for step, _ in module_steps(module))
        config = self.config_resource(config_module, f"{kind}.{name}")
        resource = Resource(
            address=str(raw.get("address", "")),
            type=kind,
            name=name,
            index=index if isinstance(index, int | str) else None,
            module=module,
            config_module=config_module,
            values=_dict(raw.get("values")),
            unknown=_dict(change.get("after_unknown")),
            expressions=_dict(config.get("expressions")),
            provider_key=str(config.get("provider_config_key", "")),
        )
        self.resources.append(resource)
        self._instances.setdefault((module, f"{kind}.{name}"), []).append(resource)
        if isinstance(resource.values.get("id"), str):
            self._by_id[resource.values["id"]] = resource

    # -- configuration ------------------------------------------------------------------------

    def config_module(self, steps: tuple[str, ...]) -> dict[str, Any]:
        module = _dict(_dict(self.data.get("configuration")).get("root_module"))
        for step in steps:
            module = _dict(_dict(_dict(module.get("module_calls")).get(step)).get("module"))
        return module

    def config_resource(self, steps: tuple[str, ...], address: str) -> dict[str, Any]:
        for resource in _list(self.config_module(steps).get("resources")):
            if isinstance(resource, dict) and resource.get("address") == address:
                return resource
        return {}

    def _provider_regions(self) -> dict[str, str]:
        regions: dict[str, str] = {}
        providers = _dict(_dict(self.data.get("configuration")).get("provider_config"))
        for key, provider in providers.items():
            region = _dict(_dict(_dict(provider).get("expressions")).get("region"))
            value = region.get("constant_value")
            if not isinstance(value, str):
                for reference in _list(region.get("references")):
                    if isinstance(reference, str) and reference.startswith("var."):
                        variable = _dict(_dict(self.data.get("variables")).get(reference[4:]))
                        value = variable.get("value")
                        break
            if isinstance(value, str) and _dict(provider).get("name") == "aws":
                regions[key] = value
        return regions

    def region_of(self, resource: Resource) -> str | None:
        """The Region of the provider configuration the resource uses."""
        key = resource.provider_key or "aws"
        if key in self.provider_regions:
            return self.provider_regions[key]
        # A module's provider key is "module:aws"; modules inherit the root's default provider.
        return self.provider_regions.get(key.rpartition(":")[2])

    def variable(self, name: str) -> Any:
        return _dict(_dict(self.data.get("variables")).get(name)).get("value")

    # -- references ---------------------------------------------------------------------------

    def by_id(self, value: str) -> Resource | None:
        return self._by_id.get(value)

    def of_type(self, kind: str, module: str | None = None) -> list[Resource]:
        return [
            r for r in self.resources if r.type == kind and (module is None or r.module == module)
        ]

    def resolve(
        self, resource: Resource, attribute: str, kinds: tuple[str, ...], many: bool = False
    ) -> list[Resource]:
        """The resources of `kinds` that `attribute` of `resource` points at ([] when unknown).

        A known value (an id of a resource in the plan's state) wins; else the configuration's
        references are followed through module variables and outputs. A reference to every
        instance (`aws_subnet.private` for a list attribute) gives them all; for a single value
        it gives the instance with the resource's own count index.
        """
        value = resource.values.get(attribute)
        ids = value if isinstance(value, list) else [value]
        found = [self._by_id[v] for v in ids if isinstance(v, str) and v in self._by_id]
        if found:
            return [r for r in found if r.type in kinds]
        return self._follow(
            _dict(resource.expressions.get(attribute)),
            resource.module,
            resource.config_module,
            resource.index,
            kinds,
            many,
            0,
        )

    def follow(
        self, resource: Resource, expression: Any, kinds: tuple[str, ...], many: bool = False
    ) -> list[Resource]:
        """Like resolve, for an expression nested in a block (an inline route, an override)."""
        return self._follow(
            _dict(expression),
            resource.module,
            resource.config_module,
            resource.index,
            kinds,
            many,
            0,
        )

    def _follow(
        self,
        expression: dict[str, Any],
        module: str,
        steps: tuple[str, ...],
        index: int | str | None,
        kinds: tuple[str, ...],
        many: bool,
        depth: int,
    ) -> list[Resource]:
        if depth > _MAX_DEPTH:
            return []
        references = [r for r in _list(expression.get("references")) if isinstance(r, str)]
        by_count = "count.index" in references
        by_key = any(r.startswith("each.") for r in references)
        for reference in references:
            parts = parse_reference(reference)
            if parts is None:
                continue
            found = self._reference(parts, module, steps, index, kinds, many, depth)
            if found is None:
                kind, (name, key) = parts[0][0], parts[1]
                if kind not in kinds:
                    continue
                instances = self._instances.get((module, f"{kind}.{name}"), [])
                if key is None:
                    found = _pick(instances, index, many, by_count, by_key)
                else:
                    wanted = _instance_key(key, index)
                    found = (
                        [r for r in instances if r.index == wanted] if wanted is not None else []
                    )
            if found:
                return found
        return []

    def _reference(
        self,
        parts: list[tuple[str, str | None]],
        module: str,
        steps: tuple[str, ...],
        index: int | str | None,
        kinds: tuple[str, ...],
        many: bool,
        depth: int,
    ) -> list[Resource] | None:
        """Follow var. and module. references; None for a plain resource reference."""
        head = parts[0][0]
        if head == "var" and steps:
            # A module's variable is the module call's argument, evaluated in the parent.
            parent_steps = steps[:-1]
            call = _dict(_dict(self.config_module(parent_steps).get("module_calls")).get(steps[-1]))
            argument = _dict(_dict(call.get("expressions")).get(parts[1][0]))
            parent, own_index = _parent(module)
            return self._follow(argument, parent, parent_steps, own_index, kinds, many, depth + 1)
        if head == "var":
            value = self.variable(parts[1][0])
            values = value if isinstance(value, list) else [value]
            return [
                self._by_id[v]
                for v in values
                if isinstance(v, str) and v in self._by_id and self._by_id[v].type in kinds
            ]
        if head == "module":
            if len(parts) < 3:
                return []  # the whole module object: its output is named by a longer reference
            (call_name, key), output = parts[1], parts[2][0]
            child_steps = (*steps, call_name)
            outputs = _dict(self.config_module(child_steps).get("outputs"))
            expression = _dict(_dict(outputs.get(output)).get("expression"))
            instances = self._module_instances(module, call_name)
            if key is not None:
                # module.spoke[1], module.spoke["a"], module.spoke[count.index]: one instance,
                # none when the key is not known here.
                wanted = _instance_key(key, index)
                chosen = [child for child, own in instances if own == wanted and wanted is not None]
            elif many or len(instances) == 1:
                chosen = [child for child, _ in instances]
            else:
                chosen = []  # every instance of a module where one value is meant: ambiguous
            found: list[Resource] = []
            for child in chosen:
                found += self._follow(expression, child, child_steps, None, kinds, many, depth + 1)
            return found
        if head in ("local", "data", "count", "each", "path", "self", "terraform"):
            return []
        return None

    def _module_instances(self, module: str, call_name: str) -> list[tuple[str, int | str | None]]:
        """The instances of module call `call_name` inside `module`, with their keys, sorted."""
        found: dict[str, int | str | None] = {}
        for resource in self.resources:
            address = resource.module
            while address:
                parent, key = _parent(address)
                if parent == module:
                    if module_steps(address)[-1][0] == call_name:
                        found[address] = key
                    break
                address = parent
        return sorted(found.items())


def parse_reference(reference: str) -> list[tuple[str, str | None]] | None:
    """module.spoke[count.index].vpc_id -> [("module", None), ("spoke", "count.index"),
    ("vpc_id", None)]: dots inside brackets (an index expression) do not split. None when the
    text is not a reference of at least two steps."""
    parts: list[tuple[str, str | None]] = []
    position = 0
    while position <= len(reference):
        match = _STEP.match(reference, position)
        if match is None:
            return None
        name, key = match.group(1), match.group(2)
        parts.append((name, key))
        position = match.end()
        if position == len(reference):
            break
        if reference[position] != ".":
            return None
        position += 1
    return parts if len(parts) >= 2 else None


def _instance_key(key: str, index: int | str | None) -> int | str | None:
    """The instance key an index expression stands for: 1 and "a" as written; count.index and
    each.key the instance being resolved (when its key is of that kind); else None (unknown)."""
    if key.isdigit():
        return int(key)
    if len(key) >= 2 and key.startswith('"') and key.endswith('"'):
        try:
            value = json.loads(key)
        except json.JSONDecodeError:
            return None
        return value if isinstance(value, str) else None
    if key == "count.index":
        return index if isinstance(index, int) else None
    if key == "each.key":
        return index if isinstance(index, str) else None
    return None


def _pick(
    instances: list[Resource],
    index: int | str | None,
    many: bool,
    by_count: bool,
    by_key: bool,
) -> list[Resource]:
    if many or len(instances) == 1:
        return list(instances)
    if (by_count or by_key) and index is not None:
        return [r for r in instances if r.index == index]
    return []


def _parent(module: str) -> tuple[str, int | str | None]:
    """module.a.module.b[2] -> ("module.a", 2)."""
    steps = list(_MODULE_STEP.finditer(module + "."))
    if not steps:
        return "", None
    last = steps[-1]
    key = last.group(2)
    return module[: last.start()].rstrip("."), _index(key[1:-1]) if key else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
