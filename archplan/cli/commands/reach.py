"""`archplan reach FILE FROM TO`: can a packet get from one place to the other and back?"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Annotated

import typer

from archplan.cli.io import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    fail,
    input_error,
    report_width,
    say,
    write,
)
from archplan.cli.options import ArchitectureFile, MaxFileSize, format_option
from archplan.source import DEFAULT_MAX_BYTES


class ReachFormat(enum.StrEnum):
    TEXT = "text"
    JSON = "json"


PROTOCOLS = ("tcp", "udp", "icmp", "icmpv6", "all")

if TYPE_CHECKING:
    from archplan.engine import Loaded


# reach writes to standard output only (no --output): its --width says so.
ReachWidth = Annotated[
    int | None,
    typer.Option(
        metavar="COLUMNS",
        help="Lay the text out for this many columns [default: the terminal's width; when "
        "piped, COLUMNS if set, else 100].",
        min=40,
        max=1000,
        show_default=False,
    ),
]


def _load(file: str, max_file_size: int) -> tuple[str, Loaded]:
    """Load as validate does: without the cyclic collector (it would rescan a large estate's
    millions of acyclic objects), keeping a large model for the process to drop at exit."""
    import gc

    from archplan.cli import io
    from archplan.engine import load_architecture
    from archplan.errors import InputError
    from archplan.source import read_source

    name = file
    collecting = gc.isenabled()
    gc.disable()
    try:
        source = read_source(file, max_file_size)
        name = source.name
        keep = io.kept if len(source.text) >= io.KEEP_FROM_CHARS else None
        loaded = load_architecture(source, keep)
        if keep is not None:
            keep.append(loaded)
            gc.freeze()
        return name, loaded
    except InputError as error:
        input_error(error, name)
    finally:
        if collecting:
            gc.enable()


def reach(
    file: ArchitectureFile,
    source: Annotated[
        str,
        typer.Argument(
            metavar="FROM",
            help="Where the packet starts, by name: a subnet, scaling group, host, interface "
            "endpoint, ECS service (awsvpc), Lambda function in a VPC, VPC (every subnet), "
            "on-premises network; an address or block (10.0.4.10: a host's own address takes "
            "the host and its security groups); or 'internet'. When a name means more than "
            "one thing, write the kind: subnet:NAME, subnet:VPC/NAME, group:NAME, host:NAME, "
            "endpoint:VPC/NAME, service:NAME, function:NAME, on-premises:NAME, vpc:NAME.",
        ),
    ],
    destination: Annotated[str, typer.Argument(metavar="TO", help="Same kinds as FROM.")],
    port: Annotated[
        int | None,
        typer.Option(help="Destination port (TCP unless --protocol says).", min=0, max=65535),
    ] = None,
    protocol: Annotated[
        str | None,
        typer.Option(
            help="tcp, udp, icmp, icmpv6, all, or an IANA number [default: tcp with "
            "--port, else anything]."
        ),
    ] = None,
    output_format: Annotated[ReachFormat, format_option()] = ReachFormat.TEXT,
    max_file_size: MaxFileSize = DEFAULT_MAX_BYTES,
    width: ReachWidth = None,
) -> None:
    """Trace the request and its reply hop by hop.

    Exit 0 when the packet gets there and back, 1 when it does not or the answer cannot be
    told, 2 on an input error. When the file states an intent (`reachability:`) for the same
    places and packet, exit 0 means the answer is the one it expects (an `expect:
    unreachable` that is not reachable exits 0), 1 that it is not or cannot be told.
    """
    from archplan.network import PROTOCOLS as NUMBERS
    from archplan.reach.places import Unresolved, resolve
    from archplan.reach.query import ask
    from archplan.reach.report import render_json, render_text

    number: int | None = None
    if protocol is not None:
        written = protocol.strip().lower()
        if written in NUMBERS:
            number = NUMBERS[written]
        elif written.isascii() and written.isdigit() and int(written) <= 255:
            number = int(written)
        else:
            fail(
                f"error: --protocol {protocol!r} is not one of {', '.join(PROTOCOLS)} or a "
                "number 0-255"
            )
        if number == -1:
            number = None
    name, loaded = _load(file, max_file_size)
    architecture = loaded.architecture
    places = []
    for label, text in (("FROM", source), ("TO", destination)):
        place = resolve(architecture, text)
        if isinstance(place, Unresolved):
            fail(f"{name}: error: {label}: {place.message}")
        places.append(place)
    from archplan.rules.reachability import network_rejected

    if network_rejected(architecture):
        say(
            f"{name}: note: the file has values validate rejects; the answer reads defaults "
            "in their place"
        )
    answer = ask(architecture, places[0], places[1], number, port)
    if isinstance(answer, str):
        fail(f"{name}: error: {answer}")
    from archplan.reach.intent import matching, succeeded

    intent = matching(architecture, places[0], places[1], number, port)
    if output_format == ReachFormat.JSON:
        write(render_json(answer, loaded.document, name, intent))
    else:
        write(render_text(answer, loaded.document, name, report_width(width), intent))
    raise typer.Exit(EXIT_CLEAN if succeeded(answer, intent) else EXIT_FINDINGS)
