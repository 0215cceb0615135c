"""`archplan init`: write a commented starter architecture file, and the JSON Schema beside it
for editors."""

from __future__ import annotations

from typing import Annotated

import typer

from archplan.cli.io import fail, say
from archplan.cli.options import Shape


def init(
    file: Annotated[
        str,
        typer.Argument(metavar="FILE", help="The file to create [default: archplan.yaml]."),
    ] = "archplan.yaml",
    shape: Annotated[
        Shape,
        typer.Option(help="The network to start from.", case_sensitive=False),
    ] = Shape.SINGLE_VPC,
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
) -> None:
    """Write a commented starter architecture file (single VPC, hub and spoke, or mesh) whose
    first line points editors at the JSON Schema, written beside it as archplan.schema.json;
    exit 2 rather than replace an existing FILE."""
    import os

    from archplan.editor_schema import render
    from archplan.output import write_atomic
    from archplan.starters import SCHEMA_FILE, starter

    # Everything that can be known before writing is checked first: `init newdir/` once
    # created a file named newdir and then failed on newdir/archplan.schema.json.
    if file.endswith(("/", os.sep)):
        fail(
            f"{file}: error: names a directory; give the file to create, "
            f"e.g. {os.path.join(file, 'archplan.yaml')}"
        )
    if os.path.lexists(file) and not force:
        fail(f"{file}: error: already exists; choose another name or give --force")
    folder = os.path.dirname(file)
    if folder and not os.path.isdir(folder):
        fail(f"{file}: error: directory {folder} does not exist; create it first")
    schema = os.path.join(folder, SCHEMA_FILE)
    wrote: list[str] = []
    writes = [(file, starter(shape.value))]
    if not os.path.lexists(schema) or force:
        writes.append((schema, render()))
    new = {path for path, _ in writes if not os.path.lexists(path)}
    # write_atomic replaces only a regular file: `--force` over a device, a FIFO or a
    # directory is refused (exit 2), never turned into a file.
    for path, text in writes:
        try:
            write_atomic(path, text.encode("utf-8"))
        except OSError as error:
            for written in wrote:  # never half a starter: undo what this run created
                if written in new:
                    os.unlink(written)
            fail(f"{path}: error: cannot write: {error.strerror or error}")
        wrote.append(path)
    say(f"archplan: wrote {' and '.join(wrote)} ({shape.value}); next: archplan validate {file}")
