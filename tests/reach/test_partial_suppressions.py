"""AP901 (unused suppression) and rejected values: while a value the path engine reads is
rejected, reachability intents are not judged, so a suppression of AP790 silences nothing for
the moment; it is not called unused (removing it would bring the finding back once the value
is fixed). A suppression naming no rule is reported all the same."""

from __future__ import annotations

from archplan.engine import validate_source
from archplan.source import Source

FILE = """\
archplan: 1
defaults: {region: us-east-1}
vpcs:
  app:
    cidr: 10.0.0.0/16
    subnets:
      web: {cidr: 10.0.0.0/24, az: us-east-1a}
      db: {cidr: 10.0.1.0/24, az: AZ}
    security_groups:
      web: {}
      db: {}
hosts:
  web-1: {vpc: app, subnet: web, security_groups: [web]}
  db-1: {vpc: app, subnet: db, security_groups: [db]}
reachability:
  # archplan: ignore[AP790] the database is opened next sprint
  - {from: web-1, to: db-1, port: 5432, expect: reachable}
SUPPRESSION
"""


def _rules(az: str, extra: str = "") -> list[str]:
    text = FILE.replace("AZ", az).replace("SUPPRESSION", extra)
    result = validate_source(Source("app.yaml", text))
    assert result.error is None
    return sorted(f.rule_id for f in result.findings)


def test_a_suppression_idle_only_because_a_value_is_rejected_is_not_unused() -> None:
    rejected = _rules("7")  # a number where a zone name belongs
    assert "AP790" not in rejected and "AP901" not in rejected
    assert rejected != []  # the rejected value is reported on its own
    assert _rules("us-east-1a") == []  # fixed: AP790 fires and the comment silences it


def test_a_suppression_naming_no_rule_is_reported_even_then() -> None:
    assert "AP901" in _rules("7", "# archplan: ignore[AP999] no such rule")
