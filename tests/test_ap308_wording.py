"""AP308 says how the route's block meets the third VPC: a wide block covers it, it is not
"in" it (review5 F8)."""

from __future__ import annotations

from tests.conftest import ROOT, validate_text

SHARED = (ROOT / "examples" / "shared-services.yaml").read_text(encoding="utf-8")


def test_a_wide_route_covers_the_third_vpc() -> None:
    text = SHARED.replace(
        "10.0.0.0/16: peering:shared-finance", "10.0.0.0/8: peering:shared-finance"
    )
    messages = [f.message for f in validate_text(text).findings if f.rule_id == "AP308"]
    assert messages and all(
        '10.0.0.0/8 covers VPC "hr" (10.20.0.0/16), which "shared" reaches' in m for m in messages
    )


def test_a_route_inside_the_third_vpc_is_in_it() -> None:
    text = SHARED.replace(
        "10.0.0.0/16: peering:shared-finance", "10.20.0.0/24: peering:shared-finance"
    )
    messages = [f.message for f in validate_text(text).findings if f.rule_id == "AP308"]
    assert messages and all('10.20.0.0/24 is in VPC "hr", which' in m for m in messages)
