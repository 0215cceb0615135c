"""Text that reaches standard error or a JSON report, made safe to show in a terminal or a CI log.

Messages carry names from files anyone can change in a pull request (keys, YAML tags, logical
IDs, Terraform addresses, file names a configuration globs). Written raw, ESC or OSC sequences
would recolour or retitle the terminal, a newline would start a line of the attacker's choice,
and a line starting with `::` (or holding `##[`) is a workflow command for GitHub Actions
(`::error file=...::forged`, `::add-mask::`, `::stop-commands::`). So every line archplan
writes to standard error goes through `escape_line`, which escapes control and format
characters as the reports do (`\\x1b`, `\\u202e`, `\\n`) and, in a line the Actions runner would
read as a command, `%` and the command marker as the runner itself escapes them.
"""

from __future__ import annotations

import re
from typing import IO, Any

# Format (Cf), line and paragraph separator (Zl, Zp) and C1 control characters that JSON
# leaves raw: bidirectional overrides (U+202E) reorder what a reviewer sees, zero-width ones
# hide text. A test compares this class with unicodedata on every code point.
FORMAT_CHARACTERS = (
    "\u007f-\u009f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f"
)
_JSON_UNSAFE = re.compile(f"[{FORMAT_CHARACTERS}]")


def format_characters() -> list[str]:
    """Every character of FORMAT_CHARACTERS, its ranges spelled out."""
    chars: list[str] = []
    spec = FORMAT_CHARACTERS
    index = 0
    while index < len(spec):
        if index + 2 < len(spec) and spec[index + 1] == "-":
            chars += [chr(code) for code in range(ord(spec[index]), ord(spec[index + 2]) + 1)]
            index += 3
        else:
            chars.append(spec[index])
            index += 1
    return chars


# A message quotes names; a 20 MB name would make a 20 MB line in the job's log.
MAX_LINE = 2_000


def printable(text: str) -> str:
    """`text` with control and format characters escaped (`\\x1b`, `\\u202e`, `\\n`).

    The same escaping as the text report (archplan.reports.terminal.printable)."""
    if text.isprintable():
        return text
    return "".join(
        char if char.isprintable() or char == " " else char.encode("unicode_escape").decode()
        for char in text
    )


def escape_line(text: str) -> str:
    """One line for standard error: control characters escaped, and no workflow command.

    A line longer than MAX_LINE characters is cut there, saying how much was left out.

    A line the Actions runner would read as a command (`::name ...::` at its start, or `##[`
    anywhere) gets `%` written `%25` and the marker written `%3A%3A` / `##%5B`, as the runner
    escapes data, so it is shown as text."""
    cut = ""
    if len(text) > MAX_LINE:
        cut = f"... ({len(text) - MAX_LINE:,} more characters)"
        text = text[:MAX_LINE]
    line = printable(text) + cut
    if not line.lstrip().startswith("::") and "##[" not in line:
        return line
    line = line.replace("%", "%25").replace("##[", "##%5B")
    stripped = line.lstrip()
    if stripped.startswith("::"):
        line = line[: len(line) - len(stripped)] + "%3A%3A" + stripped[2:]
    return line


def escape_lines(text: str) -> str:
    """Several lines (a message that is meant to span lines), each escaped."""
    return "\n".join(escape_line(line) for line in text.split("\n"))


def json_safe(text: str) -> str:
    """JSON text with format characters written as `\\uXXXX` escapes (json.dumps with
    ensure_ascii=False leaves them raw): the same data, nothing reordered or hidden."""
    # Of the format characters only DEL is ASCII: two C scans skip the regex for the common
    # case (a year of scale-plan rows is tens of MB).
    if text.isascii() and "\x7f" not in text:
        return text
    return _JSON_UNSAFE.sub(_json_escape, text)


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


class EscapedLines:
    """Standard error for the whole process, every line through escape_line.

    archplan's own messages are escaped already (escaping twice changes nothing); this also
    covers what Click writes there itself, such as a usage error that repeats an argument.
    Text is held until its line is complete, so a line start is known."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._pending = ""

    def write(self, text: str) -> int:
        lines = (self._pending + text).split("\n")
        self._pending = lines.pop()
        if lines:
            self._stream.write("".join(escape_line(line) + "\n" for line in lines))
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self._stream.write(escape_line(self._pending))
            self._pending = ""
        self._stream.flush()

    def __getattr__(self, name: str) -> Any:  # isatty, fileno, encoding, buffer...
        return getattr(self._stream, name)


def source_excerpt(source_line: str, line: int, column: int, width: int) -> list[str]:
    """Two lines to print under an error: the erring line of the file, escaped and, when longer
    than `width`, a window of it around `column` (cut ends marked `…`), and a caret under
    `column`, as compilers show them."""
    from archplan.reports.terminal import text_width

    gutter = f"{line:>5} | "
    text = source_line.expandtabs(1)  # one cell a tab, so the caret lines up
    start = min(max(column - 1, 0), len(text))
    room = max(20, width - len(gutter) - 2)  # a `…` may take a cell at each end
    left = max(0, start - room // 3) if text_width(printable(text)) > room else 0
    shown = ""
    right = left
    while right < len(text) and text_width(shown + printable(text[right])) <= room:
        shown += printable(text[right])
        right += 1
    before = "…" if left else ""
    after = "…" if right < len(text) else ""
    caret_at = len(gutter) + len(before) + text_width(printable(text[left:start]))
    return [gutter + before + shown + after, " " * caret_at + "^"]
