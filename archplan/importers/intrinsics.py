"""CloudFormation's intrinsic functions and conditions, evaluated statically on located nodes."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from typing import Any, NamedTuple

from archplan import limits
from archplan.findings import Span
from archplan.importers.common import SourceError
from archplan.loader import Mapping, Node, Scalar, Sequence
from archplan.spelling import did_you_mean

# The short forms YAML templates write (`!Ref X`) and the long-form key each stands for.
FUNCTIONS = (
    "And", "Base64", "Cidr", "Contains", "EachMemberEquals", "EachMemberIn", "Equals",
    "FindInMap", "GetAZs", "GetAtt", "If", "ImportValue", "Join", "Length", "Not", "Or",
    "RefAll", "Select", "Split", "Sub", "ToJsonString", "Transform", "ValueOf", "ValueOfAll",
)  # fmt: skip
SHORT_TAGS = {"!Ref": "Ref", "!Condition": "Condition"} | {
    f"!{name}": f"Fn::{name}" for name in FUNCTIONS
}

DEFAULT_REGION = "us-east-1"
# Fn::GetAZs lists the zones the *account* can use, which AWS maps per account; archplan
# assumes the zones are lettered from `a`: six in us-east-1, four in us-west-2, three elsewhere.
_ZONE_COUNTS = {"us-east-1": 6, "us-west-2": 4}
_DYNAMIC_REFERENCE = re.compile(r"\{\{resolve:[^}]*\}\}")
_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
# Intrinsics calling intrinsics through conditions and Fn::GetAtt (each a few Python frames):
# deeper than any template writes, well within Python's recursion limit.
MAX_CALL_DEPTH = 50


class _NoValue:
    """`Ref: AWS::NoValue`: the property (or list item) is left out as if never written."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE = _NoValue()


class ResourceRef(NamedTuple):
    """`Ref` to a resource: its physical ID, known only once deployed, so kept symbolic."""

    logical_id: str


class Attribute(NamedTuple):
    """`Fn::GetAtt` of a resource that could not be read from the template itself."""

    logical_id: str
    name: str


class Unresolved(Exception):
    """A value that cannot be known before deployment; `span` is the intrinsic at fault.

    `severity` is "error" when CloudFormation itself would reject the template (a Ref to a
    name it does not declare, a circular reference), "warning" when only deployment knows.
    """

    def __init__(self, message: str, span: Span, severity: str = "warning") -> None:
        super().__init__(message)
        self.message = message
        self.span = span
        self.severity = severity


def invalid(message: str, span: Span) -> Unresolved:
    """What CloudFormation rejects: the template is wrong, not merely unknown before deploying."""
    return Unresolved(message, span, "error")


def zones(region: str) -> list[str]:
    """What Fn::GetAZs is assumed to return for `region` (see _ZONE_COUNTS)."""
    return [region + chr(ord("a") + index) for index in range(_ZONE_COUNTS.get(region, 3))]


def cidr(block: str, count: int, host_bits: int, span: Span) -> list[str]:
    """Fn::Cidr exactly as AWS computes it: the first `count` blocks of `host_bits` host bits.

    `!Cidr [192.168.0.0/24, 6, 5]` is six /27 blocks: 192.168.0.0/27, 192.168.0.32/27...
    """
    try:
        network = ipaddress.ip_network(block, strict=False)
    except ValueError:
        raise Unresolved(f'Fn::Cidr: "{block}" is not a CIDR block', span) from None
    if not 1 <= count <= 256:
        raise Unresolved(f"Fn::Cidr: the count must be 1 to 256, not {count}", span)
    prefix = network.max_prefixlen - host_bits
    if host_bits < 1 or prefix < network.prefixlen:
        raise Unresolved(
            f"Fn::Cidr: {host_bits} host bits do not fit in {network} "
            f"(at most {network.max_prefixlen - network.prefixlen})",
            span,
        )
    available = 1 << (prefix - network.prefixlen)
    if count > available:
        raise Unresolved(
            f"Fn::Cidr: {network} holds only {available} blocks of /{prefix}, not {count}", span
        )
    size = 1 << host_bits
    first = int(network.network_address)
    return [str(ipaddress.ip_network((first + index * size, prefix))) for index in range(count)]


def text(value: Any) -> str | None:
    """A value as CloudFormation's string form (parameters and Equals compare strings)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    return None


class Evaluator:
    """Evaluates property values against one template's parameters, mappings and conditions.

    `parameters` maps each name to its value (a string or, for list types, a list of strings)
    or to the reason it has none; `attribute` answers `Fn::GetAtt` from the template where it
    can (a VPC's CidrBlock) and returns None otherwise. `region_used` records that a value
    depended on the Region, so an assumed Region can be reported.
    """

    def __init__(
        self,
        parameters: dict[str, str | list[str] | Unresolved],
        pseudo: dict[str, str],
        mappings: Node | None,
        conditions: dict[str, Node],
        resources: set[str],
        region: str,
        attribute: Callable[[str, str, Span], Any],
        language_extensions: bool = False,
        file: str = "<template>",
    ) -> None:
        self.parameters = parameters
        self.pseudo = pseudo
        self.mappings = mappings
        self.conditions = conditions
        self.resources = resources
        self.region = region
        self.attribute = attribute
        # `Transform: AWS::LanguageExtensions`: Fn::FindInMap takes a DefaultValue.
        self.language_extensions = language_extensions
        self.region_used = False
        self._condition_values: dict[str, bool] = {}
        self._evaluating: set[str] = set()
        # One budget for what the whole template's intrinsics return (limits.INTRINSIC_BYTES):
        # a 1 MB parameter referred to 20,000 times would otherwise build 20 GB.
        self.file = file
        self.budget = limits.Budget(
            "intrinsic-bytes",
            limits.INTRINSIC_BYTES,
            "the template's intrinsic functions return more than {limit} bytes in all",
        )
        self._depth = 0

    def value(self, node: Node) -> Any:
        """The plain value of a node: str/int/bool/list/dict, NO_VALUE, ResourceRef..."""
        if isinstance(node, Scalar):
            if isinstance(node.value, str) and _DYNAMIC_REFERENCE.search(node.value):
                raise Unresolved(
                    f'"{node.value}" is a dynamic reference, read only at deployment', node.span
                )
            return node.value
        if isinstance(node, Sequence):
            items = (self.value(item) for item in node.items)
            return [item for item in items if item is not NO_VALUE]
        function = _function(node)
        if function is not None:
            name, argument = function
            return self._call(name, argument, node.span)
        result = {}
        for key, entry in node.entries.items():
            item = self.value(entry.value)
            if item is not NO_VALUE:
                result[key] = item
        return result

    def condition(self, name: str, span: Span) -> bool:
        """The value of a named condition (each evaluated once; a cycle is reported)."""
        if name in self._condition_values:
            return self._condition_values[name]
        node = self.conditions.get(name)
        if node is None:
            raise invalid(
                f'condition "{name}" is not defined under Conditions'
                + did_you_mean(name, self.conditions),
                span,
            )
        if name in self._evaluating:
            raise invalid(f'condition "{name}" refers to itself', span)
        self._evaluating.add(name)
        try:
            result = self._boolean(node, f'condition "{name}"')
        finally:
            self._evaluating.discard(name)
        self._condition_values[name] = result
        return result

    def _boolean(self, node: Node, what: str) -> bool:
        value = self.value(node)
        if isinstance(value, bool):
            return value
        if value in ("true", "false"):
            return bool(value == "true")
        raise Unresolved(f"{what} is not true or false", node.span)

    def _call(self, name: str, argument: Node, span: Span) -> Any:
        handler = _HANDLERS.get(name)
        if handler is None:
            raise Unresolved(f"{name} is not evaluated by archplan", span)
        if self._depth >= MAX_CALL_DEPTH:
            raise Unresolved(
                f"{name}: intrinsic functions call each other (through conditions or "
                f"Fn::GetAtt) more than {MAX_CALL_DEPTH} deep; archplan stops here",
                span,
            )
        self._depth += 1
        try:
            result = handler(self, argument, span)
        finally:
            self._depth -= 1
        self.charge(_size(result), span)
        return result

    def charge(self, size: int, span: Span) -> None:
        """Count `size` against the template's budget; past it the template is refused (exit 2
        at `span`). Functions that build text charge before building it."""
        try:
            self.budget.charge(size, span.line, span.column)
        except limits.BudgetExceeded as error:
            raise SourceError(self.file, error.message, error.line, error.column) from None

    def _ref(self, argument: Node, span: Span) -> Any:
        target = self.value(argument)
        if not isinstance(target, str):
            raise Unresolved("Ref takes the name of a parameter or resource", span)
        return self.reference(target, span)

    def reference(self, target: str, span: Span) -> Any:
        """What `Ref: target` gives: a parameter's value, a pseudo parameter, a resource."""
        if target == "AWS::NoValue":
            return NO_VALUE
        if target in self.parameters:
            value = self.parameters[target]
            if isinstance(value, Unresolved):
                raise Unresolved(value.message, span)
            return value
        if target == "AWS::Region":
            self.region_used = True
            return self.region
        if target in self.pseudo:
            return self.pseudo[target]
        if target.startswith("AWS::"):
            raise Unresolved(
                f"{target} is known only at deployment; pass --param {target}=VALUE", span
            )
        if target in self.resources:
            return ResourceRef(target)
        raise invalid(
            f'Ref "{target}" names no parameter or resource of the template'
            + did_you_mean(target, [*self.parameters, *self.resources]),
            span,
        )

    def _get_att(self, argument: Node, span: Span) -> Any:
        value = self.value(argument)
        if isinstance(value, str) and "." in value:
            value = value.split(".", 1)
        if not (
            isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)
        ):
            raise invalid("Fn::GetAtt takes [resource, attribute]", span)
        logical_id, name = value
        if logical_id not in self.resources:
            raise invalid(
                f'Fn::GetAtt: "{logical_id}" is no resource of the template'
                + did_you_mean(logical_id, self.resources),
                span,
            )
        found = self.attribute(logical_id, name, span)
        return Attribute(logical_id, name) if found is None else found

    def _sub(self, argument: Node, span: Span) -> str:
        variables: dict[str, Node] = {}
        template_node = argument
        if isinstance(argument, Sequence):
            if len(argument.items) != 2 or not isinstance(argument.items[1], Mapping):
                raise Unresolved("Fn::Sub takes a string or [string, {variables}]", span)
            template_node = argument.items[0]
            variables = {key: entry.value for key, entry in argument.items[1].entries.items()}
        template = self.value(template_node)
        if not isinstance(template, str):
            raise Unresolved("Fn::Sub takes a string", span)

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                value = self.value(variables[name])
            elif "." in name and not name.startswith("AWS::"):
                logical_id, attribute = name.split(".", 1)
                if logical_id not in self.resources:
                    raise invalid(
                        f'Fn::Sub: "{logical_id}" is no resource of the template'
                        + did_you_mean(logical_id, self.resources),
                        span,
                    )
                value = self.attribute(logical_id, attribute, span)
                if value is None:
                    raise Unresolved(f"Fn::Sub: ${{{name}}} is known only at deployment", span)
            else:
                value = self.reference(name, span)
            shown = text(value)
            if shown is None:
                raise Unresolved(f"Fn::Sub: ${{{name}}} is known only at deployment", span)
            self.charge(len(shown), span)  # before re.sub joins them all
            return shown

        return _SUB_VARIABLE.sub(substitute, template)

    def _select(self, argument: Node, span: Span) -> Any:
        index, items = self._pair(argument, "Fn::Select", span)
        try:
            position = int(index)
        except (TypeError, ValueError, OverflowError):  # OverflowError: .inf
            raise Unresolved(f'Fn::Select: the index "{index}" is not a number', span) from None
        _known(items, "Fn::Select", span)
        if not isinstance(items, list):
            raise Unresolved("Fn::Select: the second argument is not a list", span)
        if not 0 <= position < len(items):
            raise Unresolved(
                f"Fn::Select: index {position} is outside the list of {len(items)} items", span
            )
        return items[position]

    def _get_azs(self, argument: Node, span: Span) -> list[str]:
        region = self.value(argument)
        if region in ("", None):
            self.region_used = True
            region = self.region
        if not isinstance(region, str):
            raise Unresolved("Fn::GetAZs takes a Region name", span)
        return zones(region)

    def _cidr(self, argument: Node, span: Span) -> list[str]:
        values = self.value(argument)
        if not (isinstance(values, list) and len(values) == 3):
            raise Unresolved("Fn::Cidr takes [ipBlock, count, cidrBits]", span)
        block, count, bits = values
        _known(block, "Fn::Cidr", span)
        if not isinstance(block, str):
            raise Unresolved("Fn::Cidr: the block is known only at deployment", span)
        try:
            return cidr(block, int(count), int(bits), span)
        except (TypeError, ValueError, OverflowError):  # OverflowError: .inf
            raise Unresolved("Fn::Cidr: count and cidrBits must be numbers", span) from None

    def _if(self, argument: Node, span: Span) -> Any:
        if not (isinstance(argument, Sequence) and len(argument.items) == 3):
            raise Unresolved("Fn::If takes [condition, value if true, value if false]", span)
        name = self.value(argument.items[0])
        if not isinstance(name, str):
            raise Unresolved("Fn::If: the first argument names a condition", span)
        chosen = argument.items[1] if self.condition(name, span) else argument.items[2]
        return self.value(chosen)

    def _equals(self, argument: Node, span: Span) -> bool:
        left, right = self._pair(argument, "Fn::Equals", span)
        if text(left) is not None and text(right) is not None:
            return text(left) == text(right)
        return bool(left == right)

    def _not(self, argument: Node, span: Span) -> bool:
        items = argument.items if isinstance(argument, Sequence) else [argument]
        if len(items) != 1:
            raise Unresolved("Fn::Not takes one condition", span)
        return not self._boolean(items[0], "Fn::Not's argument")

    def _and(self, argument: Node, span: Span) -> bool:
        return all(self._boolean(item, "Fn::And's argument") for item in _items(argument, span))

    def _or(self, argument: Node, span: Span) -> bool:
        return any(self._boolean(item, "Fn::Or's argument") for item in _items(argument, span))

    def _condition_ref(self, argument: Node, span: Span) -> bool:
        name = self.value(argument)
        if not isinstance(name, str):
            raise Unresolved("Condition takes the name of a condition", span)
        return self.condition(name, span)

    def _find_in_map(self, argument: Node, span: Span) -> Any:
        if not (isinstance(argument, Sequence) and len(argument.items) in (3, 4)):
            raise Unresolved("Fn::FindInMap takes [map, top-level key, second-level key]", span)
        default = self._map_default(argument.items[3]) if len(argument.items) == 4 else None
        keys = [self.value(item) for item in argument.items[:3]]
        node = self.mappings
        for key in keys:
            shown = text(key)
            entry = node.entries.get(shown) if isinstance(node, Mapping) and shown else None
            if entry is None:
                if default is not None:
                    return self.value(default)
                raise Unresolved(
                    f'Fn::FindInMap: no "{shown}" in {" / ".join(map(str, keys))}', span
                )
            node = entry.value
        assert node is not None
        found: Any = self.value(node)
        return found

    def _map_default(self, option: Node) -> Node:
        """The node of `{DefaultValue: ...}`, which only the LanguageExtensions transform reads."""
        entry = option.entries.get("DefaultValue") if isinstance(option, Mapping) else None
        if entry is None or len(option.entries) != 1:  # type: ignore[union-attr]
            raise invalid("Fn::FindInMap's fourth argument is {DefaultValue: value}", option.span)
        if not self.language_extensions:
            raise invalid(
                "Fn::FindInMap's DefaultValue needs `Transform: AWS::LanguageExtensions` at the "
                "top of the template",
                option.span,
            )
        return entry.value

    def _join(self, argument: Node, span: Span) -> str:
        delimiter, items = self._pair(argument, "Fn::Join", span)
        _known(items, "Fn::Join", span)
        if not isinstance(items, list) or not isinstance(delimiter, str):
            raise Unresolved("Fn::Join takes [delimiter, [values]]", span)
        parts = [text(item) for item in items]
        if any(part is None for part in parts):
            raise Unresolved("Fn::Join: a value is known only at deployment", span)
        # A 1 MB delimiter between 20,000 items is 20 GB: charged before it is built.
        self.charge(len(delimiter) * max(len(parts) - 1, 0), span)
        return delimiter.join(part for part in parts if part is not None)

    def _split(self, argument: Node, span: Span) -> list[str]:
        delimiter, value = self._pair(argument, "Fn::Split", span)
        _known(value, "Fn::Split", span)
        if not isinstance(delimiter, str) or not isinstance(value, str):
            raise Unresolved("Fn::Split takes [delimiter, string]", span)
        if not delimiter:
            raise invalid("Fn::Split: the delimiter is empty", span)
        return value.split(delimiter)

    def _length(self, argument: Node, span: Span) -> int:
        value = self.value(argument)
        if not isinstance(value, list):
            raise Unresolved("Fn::Length takes a list", span)
        return len(value)

    def _base64(self, argument: Node, span: Span) -> Any:
        return self.value(argument)  # the text before encoding: nothing archplan reads

    def _import_value(self, argument: Node, span: Span) -> Any:
        raise Unresolved(
            "Fn::ImportValue reads another stack's export, known only at deployment", span
        )

    def _pair(self, argument: Node, function: str, span: Span) -> tuple[Any, Any]:
        if not (isinstance(argument, Sequence) and len(argument.items) == 2):
            raise Unresolved(f"{function} takes two arguments", span)
        return self.value(argument.items[0]), self.value(argument.items[1])


def _size(value: Any) -> int:
    """What a result weighs against the budget: characters of text, one per item."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list):
        return len(value) + sum(_size(item) for item in value)
    if isinstance(value, dict):
        return sum(len(key) + 1 + _size(item) for key, item in value.items())
    return 1


def _known(value: Any, function: str, span: Span) -> None:
    """Refuse an argument that only deployment gives (a resource's ID or attribute)."""
    if isinstance(value, Attribute):
        raise Unresolved(
            f"{function}: {value.logical_id}.{value.name} is known only at deployment", span
        )
    if isinstance(value, ResourceRef):
        raise Unresolved(
            f"{function}: the ID of {value.logical_id} is known only at deployment", span
        )


def _items(argument: Node, span: Span) -> list[Node]:
    if not isinstance(argument, Sequence) or not argument.items:
        raise Unresolved("Fn::And and Fn::Or take a list of conditions", span)
    return argument.items


def _function(node: Mapping) -> tuple[str, Node] | None:
    """The intrinsic a one-key mapping calls, with its argument; None for plain data."""
    if len(node.entries) != 1:
        return None
    ((key, entry),) = node.entries.items()
    if key == "Ref" or key.startswith("Fn::"):
        return key, entry.value
    if key == "Condition" and isinstance(entry.value, Scalar):
        return key, entry.value
    return None


_HANDLERS: dict[str, Callable[[Evaluator, Node, Span], Any]] = {
    "Ref": Evaluator._ref,
    "Condition": Evaluator._condition_ref,
    "Fn::GetAtt": Evaluator._get_att,
    "Fn::Sub": Evaluator._sub,
    "Fn::Select": Evaluator._select,
    "Fn::GetAZs": Evaluator._get_azs,
    "Fn::Cidr": Evaluator._cidr,
    "Fn::If": Evaluator._if,
    "Fn::Equals": Evaluator._equals,
    "Fn::Not": Evaluator._not,
    "Fn::And": Evaluator._and,
    "Fn::Or": Evaluator._or,
    "Fn::FindInMap": Evaluator._find_in_map,
    "Fn::Join": Evaluator._join,
    "Fn::Split": Evaluator._split,
    "Fn::Length": Evaluator._length,
    "Fn::Base64": Evaluator._base64,
    "Fn::ImportValue": Evaluator._import_value,
}
