"""`peering-plan --write`: the `--emit yaml` additions merged into the file's own text.

The file is never re-dumped. Its YAML is composed only to find where things are (PyYAML nodes
carry their start and end in the text); new entries are inserted as text after the last entry
of the mapping they join, in that mapping's style: a block mapping gets lines at its own
indentation, a flow mapping (`{a: b}`) gets `, key: value` before its closing brace. A peering
brought back has its `status` value replaced. Comments, key order, quoting, blank lines and
indentation elsewhere stay byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import yaml

from archplan.plan.emit import _scalar

if TYPE_CHECKING:
    from archplan.plan.emit import Additions
    from archplan.plan.tables import RouteNeed

Node = yaml.Node
# A value to insert, rendered for a block (lines, relative to the key's indentation) or flow.
Block = Callable[[str, str], list[str]]  # (indent of the key, indentation step) -> lines
Flow = Callable[[], str]


class MergeError(ValueError):
    """The file is shaped so that the additions cannot be placed (a section that is not a
    mapping); the message says where, for `FILE:LINE:COL: error:`."""

    def __init__(self, message: str, node: Node | None = None) -> None:
        super().__init__(message)
        self.line = node.start_mark.line + 1 if node is not None else 1
        self.column = node.start_mark.column + 1 if node is not None else 1


class _Edits:
    """Insertions and replacements by index into the original text, applied back to front."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.changes: list[tuple[int, int, str, int]] = []
        self.final_newline = text.endswith("\n") or not text

    def insert(self, at: int, text: str) -> None:
        self.changes.append((at, at, text, len(self.changes)))

    def replace(self, start: int, end: int, text: str) -> None:
        self.changes.append((start, end, text, len(self.changes)))

    def apply(self) -> str:
        out = self.text
        # Back to front; at one index the later insertion goes in first, so that the earlier
        # one ends up before it, as it was made.
        for start, end, text, _ in sorted(self.changes, key=lambda c: (c[0], c[3]), reverse=True):
            out = out[:start] + text + out[end:]
        return out


def merge(text: str, found: Additions) -> str:
    """`text` with `found` merged in (the text itself when there is nothing to add)."""
    if not found.peerings and not found.tables:
        return text
    root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(root, yaml.MappingNode):
        raise MergeError("the file is not a mapping", root)
    edits = _Edits(text)
    # Routes first: where a VPC's last lines end the file, its new routes go in before a new
    # top-level `peerings:` inserted at the same place (insertions at one index keep the order
    # they are made in).
    if found.tables:
        _merge_tables(edits, root, found.tables)
    if found.peerings:
        _merge_peerings(edits, root, found.peerings)
    return edits.apply()


# -- peerings ----------------------------------------------------------------------------------


def _merge_peerings(
    edits: _Edits, root: yaml.MappingNode, peerings: dict[str, tuple[str, str] | str]
) -> None:
    section = _value(root, "peerings")
    new: list[tuple[str, Block, Flow]] = []
    for name, entry in peerings.items():
        if isinstance(entry, str):  # a dead peering requested again: only its status changes
            _revive(edits, section, name)
            continue
        requester, accepter = (_scalar(part) for part in entry)
        new.append(
            (
                _scalar(name),
                _lines([f"requester: {requester}", f"accepter: {accepter}"]),
                _flat(f"{{requester: {requester}, accepter: {accepter}}}"),
            )
        )
    if new:
        _add(edits, root, "peerings", section, new)


def _revive(edits: _Edits, section: Node | None, name: str) -> None:
    peering = _value(section, name) if isinstance(section, yaml.MappingNode) else None
    status = _value(peering, "status") if isinstance(peering, yaml.MappingNode) else None
    if not isinstance(status, yaml.ScalarNode):
        raise MergeError(f'peering "{name}" has no status to set to active', peering)
    edits.replace(status.start_mark.index, status.end_mark.index, "active")


# -- route tables ------------------------------------------------------------------------------


def _merge_tables(
    edits: _Edits,
    root: yaml.MappingNode,
    tables: dict[str, dict[str, tuple[bool, dict[str, RouteNeed]]]],
) -> None:
    vpcs = _value(root, "vpcs")
    if not isinstance(vpcs, yaml.MappingNode):
        raise MergeError("vpcs is not a mapping", vpcs or root)
    for vpc_name, vpc_tables in tables.items():
        vpc = _value(vpcs, vpc_name)
        if not isinstance(vpc, yaml.MappingNode):
            raise MergeError(f'VPC "{vpc_name}" is not a mapping', vpc or vpcs)
        section = _value(vpc, "route_tables")
        new: list[tuple[str, Block, Flow]] = []
        for table_name, (main, routes) in vpc_tables.items():
            entries = [(_scalar(d), _scalar(route.target)) for d, route in routes.items()]
            table = _value(section, table_name) if isinstance(section, yaml.MappingNode) else None
            if table is None:
                new.append((_scalar(table_name), *_table(main, entries)))
                continue
            if not isinstance(table, yaml.MappingNode):
                raise MergeError(f'route table "{table_name}" is not a mapping', table)
            existing = _value(table, "routes")
            routes_new = [(key, _scalar_block(value), _flat(value)) for key, value in entries]
            _add(edits, table, "routes", existing, routes_new)
        if new:
            _add(edits, vpc, "route_tables", section, new)


def _table(main: bool, routes: list[tuple[str, str]]) -> tuple[Block, Flow]:
    """A new route table: `main: true` when it stands for the VPC's implicit main table."""

    def block(indent: str, step: str) -> list[str]:
        lines = [f"{indent}{step}main: true"] if main else []
        lines.append(f"{indent}{step}routes:")
        lines += [f"{indent}{step}{step}{key}: {value}" for key, value in routes]
        return lines

    def flow() -> str:
        inner = ", ".join(f"{key}: {value}" for key, value in routes)
        return ("{main: true, " if main else "{") + f"routes: {{{inner}}}}}"

    return block, flow


def _lines(children: list[str]) -> Block:
    def block(indent: str, step: str) -> list[str]:
        return [f"{indent}{step}{child}" for child in children]

    return block


def _scalar_block(value: str) -> Block:
    """A scalar value: on the key's own line (the block renderer marks it with a leading ':')."""

    def block(indent: str, step: str) -> list[str]:
        return [f": {value}"]

    return block


def _flat(value: str) -> Flow:
    return lambda: value


# -- placing entries ---------------------------------------------------------------------------


def _add(
    edits: _Edits,
    parent: yaml.MappingNode,
    key: str,
    mapping: Node | None,
    entries: list[tuple[str, Block, Flow]],
) -> None:
    """Add `entries` to `parent[key]`: into the mapping when it exists (in its style), else as
    a new key of `parent` holding them."""
    if isinstance(mapping, yaml.MappingNode):
        _into(edits, mapping, entries)
        return
    if mapping is not None and not _is_null(mapping):
        raise MergeError(f"{key} is not a mapping", mapping)
    if mapping is not None:  # `key:` with nothing after it: the entries go under the key
        key_node = next(k for k, v in parent.value if v is mapping)
        indent = " " * key_node.start_mark.column
        step = _step(parent)
        if parent.flow_style:
            edits.replace(mapping.start_mark.index, mapping.end_mark.index, _flow_map(entries))
            return
        at = _after_line(edits.text, key_node.start_mark.index)
        edits.insert(at, _block_text(edits, entries, indent + step, step))
        return
    if parent.flow_style:
        edits.insert(_flow_end(parent), f", {key}: {_flow_map(entries)}")
        return
    indent = " " * parent.value[0][0].start_mark.column if parent.value else ""
    step = _step(parent)
    nested = _block_text(edits, entries, indent + step, step)
    at = _block_end(edits, parent)
    edits.insert(at, f"{indent}{key}:{edits.newline}{nested}")


def _into(edits: _Edits, mapping: yaml.MappingNode, entries: list[tuple[str, Block, Flow]]) -> None:
    if mapping.flow_style:
        inner = ", ".join(f"{key}: {flow()}" for key, _, flow in entries)
        if mapping.value:
            edits.insert(_flow_end(mapping), f", {inner}")
        else:  # `{}`: just inside the braces
            edits.insert(mapping.start_mark.index + 1, inner)
        return
    indent = " " * mapping.value[0][0].start_mark.column
    step = _step(mapping)
    siblings_flow = all(
        isinstance(value, yaml.MappingNode) and value.flow_style
        for _, value in mapping.value
        if isinstance(value, yaml.MappingNode)
    ) and any(isinstance(value, yaml.MappingNode) for _, value in mapping.value)
    if siblings_flow:  # `name: {a: b}` entries: new ones written the same way
        text = "".join(f"{indent}{key}: {flow()}{edits.newline}" for key, _, flow in entries)
        edits.insert(_block_end(edits, mapping), text)
        return
    edits.insert(_block_end(edits, mapping), _block_text(edits, entries, indent, step))


def _block_text(
    edits: _Edits, entries: list[tuple[str, Block, Flow]], indent: str, step: str
) -> str:
    lines: list[str] = []
    for key, block, _ in entries:
        body = block(indent, step)
        if body and body[0].startswith(": "):  # a scalar on the key's line
            lines.append(f"{indent}{key}{body[0]}")
        else:
            lines += [f"{indent}{key}:", *body]
    return "".join(line + edits.newline for line in lines)


def _flow_map(entries: list[tuple[str, Block, Flow]]) -> str:
    return "{" + ", ".join(f"{key}: {flow()}" for key, _, flow in entries) + "}"


def _flow_end(mapping: yaml.MappingNode) -> int:
    """Where `, key: value` goes in a flow mapping: right after its last value."""
    return int(mapping.value[-1][1].end_mark.index)


def _block_end(edits: _Edits, mapping: yaml.MappingNode) -> int:
    """The start of the line after the last line of `mapping`'s last value; new entries go
    there, before any blank lines and comments that follow it."""
    node: Node = mapping
    while isinstance(node, yaml.MappingNode | yaml.SequenceNode) and not node.flow_style:
        if not node.value:
            break
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    return _after_line(edits.text, max(node.end_mark.index - 1, node.start_mark.index), edits)


def _after_line(text: str, index: int, edits: _Edits | None = None) -> int:
    end = text.find("\n", index)
    if end == -1:  # the last line has no line break: give it one before the new lines
        if edits is not None and not edits.final_newline:
            edits.insert(len(text), edits.newline)
            edits.final_newline = True
        return len(text)
    return end + 1


def _step(mapping: yaml.MappingNode) -> str:
    """The file's indentation step, as seen in `mapping`: the first nested block mapping's
    indentation beyond its key; two spaces when nothing is nested."""
    for key, value in mapping.value:
        if isinstance(value, yaml.MappingNode) and not value.flow_style and value.value:
            step: int = value.value[0][0].start_mark.column - key.start_mark.column
            if step > 0:
                return " " * step
    return "  "


def _value(mapping: Node | None, key: str) -> Node | None:
    """The value of the first `key` in `mapping`, or None."""
    if not isinstance(mapping, yaml.MappingNode):
        return None
    for key_node, value in mapping.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            found: Node = value
            return found
    return None


def _is_null(node: Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"
