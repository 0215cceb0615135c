"""Regenerate the documentation derived from the rules: docs/rules.md and the README's table."""

from __future__ import annotations

from pathlib import Path

from archplan.ruledocs import rules_markdown, rules_table

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- rules:start -->\n", "\n<!-- rules:end -->"


def main() -> None:
    (ROOT / "docs" / "rules.md").write_text(rules_markdown(), encoding="utf-8")
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    table = rules_table(anchors=True, link="docs/rules.md")
    readme.write_text(before + START + table + END + after, encoding="utf-8")
    print("updated docs/rules.md and the README rules table")


if __name__ == "__main__":
    main()
