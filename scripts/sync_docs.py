"""Regenerate what is derived from the code: docs/rules.md, the README's rules table and
schema/archplan-1.schema.json (the editors' JSON Schema, from archplan/schema.py)."""

from __future__ import annotations

from pathlib import Path

from archplan import editor_schema
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
    schema = ROOT / "schema" / editor_schema.FILE_NAME
    schema.parent.mkdir(exist_ok=True)
    schema.write_text(editor_schema.render(), encoding="utf-8", newline="\n")
    print(f"updated docs/rules.md, the README rules table and schema/{schema.name}")


if __name__ == "__main__":
    main()
