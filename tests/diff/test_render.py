"""The diff's reports: colour like validate's, Markdown escaped, drift worded as drift."""

from __future__ import annotations

from archplan.diff.render import DiffFormat, renderer
from archplan.diff.result import diff
from tests.diff.helpers import EXAMPLES, edit, side, texts

FORUM = (EXAMPLES / "forum-ec2.yaml").read_text(encoding="utf-8")


def test_every_format_renders_and_text_is_coloured_only_when_asked() -> None:
    result = texts(
        FORUM,
        edit(FORUM, "forum-app-a:    {cidr: 10.50.16.0/20", "forum-app-a:    {cidr: 10.50.64.0/20"),
    )
    for choice in DiffFormat:
        assert renderer(choice)(result, False, 100)
    plain, coloured = (
        renderer(DiffFormat.TEXT)(result, False, 1000),  # wide: one line per item
        renderer(DiffFormat.TEXT)(result, True, 1000),
    )
    assert "\x1b[" not in plain and "\x1b[" in coloured
    assert plain.splitlines()[3].startswith("replaced  subnet")  # replacements first


def test_markdown_escapes_names_from_the_file() -> None:
    old = edit(FORUM, "  users:", '  "@team|x":')
    old = old.replace("backend: users", 'backend: "@team|x"')
    new = edit(old, "    max: 12\n", "    max: 6\n")
    out = renderer(DiffFormat.MARKDOWN)(texts(old, new, str(EXAMPLES)), False, 100)
    # As validate escapes it: a zero-width space after `@` (a backslash does not stop a
    # mention on GitHub), `|` escaped.
    assert "@&#8203;team\\|x" in out and "@team" not in out


def test_drift_is_worded_as_drift() -> None:
    deployed = side(FORUM, "deployed")
    mine = side(
        edit(
            FORUM,
            "forum-public-b: {cidr: 10.50.1.0/24,  az: us-east-1b",
            "forum-public-b: {cidr: 10.50.1.0/24,  az: us-east-1c",
        ),
        "estate.yaml",
    )
    result = diff(deployed, mine, drift=True)
    text = renderer(DiffFormat.TEXT)(result, False, 1000)
    assert (
        "1 difference(s): 0 deployed but not in the file, 0 in the file but not deployed, 1 with differing values"
        in text
    )
    assert "az: deployed us-east-1b, file us-east-1c" in text
    assert "| differs |" in renderer(DiffFormat.MARKDOWN)(result, False, 100)


def test_a_wrapped_line_keeps_each_words_style() -> None:
    from archplan.diff.render.text import fit
    from archplan.reports.terminal import wrap

    line = [
        ("    takes with it: ", "red"),
        ("scaling group ", ""),
        ('"users"', "bold"),
        (" must first lose its instances in the old subnet " * 3, ""),
    ]
    text = "".join(part for part, _ in line)
    pieces = fit(line, 40)
    assert ["".join(part for part, _ in piece) for piece in pieces] == wrap(text, 40)
    assert len(pieces) > 3 and pieces[0][0] == ("    takes with it: ", "red")
    styles = {part: style for piece in pieces for part, style in piece}
    assert styles['"users"'] == "bold"
    assert all(style == "" for piece in pieces[1:] for _, style in piece)


def test_a_long_property_path_breaks_between_names_and_no_line_ends_in_a_space() -> None:
    nxt = (EXAMPLES / "diff" / "forum-next.yaml").read_text(encoding="utf-8")
    out = renderer(DiffFormat.TEXT)(texts(FORUM, nxt, str(EXAMPLES)), False, 80)
    lines = out.splitlines()
    assert all(line == line.rstrip(" ") and len(line) <= 80 for line in lines)
    at = lines.index("      (AWS::AutoScaling::AutoScalingGroup.MixedInstancesPolicy/")
    assert lines[at + 1] == "      InstancesDistribution/OnDemandPercentageAboveBaseCapacity)"
