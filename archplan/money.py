"""USD as text, the one formatter of every report: fixed-point, at least cents, at most a
millionth of a dollar.

Money is exact in the plans (fractions or decimals); written, it keeps the digits a reader can
use: exact when the value ends within six decimals (0.0365 stays 0.0365), else rounded half-even
to a millionth. The text is built from integers, so no size of value can overflow a decimal
context, and no tiny value can print thousands of digits.
"""

from __future__ import annotations

from decimal import Context, Decimal
from fractions import Fraction

# AWS (and Infracost) price a month as 730 hours: 8,760 hours a year / 12.
HOURS_PER_MONTH = 730

_PLACES = 6
_SCALE = 10**_PLACES


def usd(value: Fraction | Decimal | int) -> str:
    """`value` dollars as fixed-point text with 2 to 6 decimals."""
    millionths = round(Fraction(value) * _SCALE)  # half-even; exact when it ends within 6 places
    magnitude = abs(millionths)
    # Digits through Decimal, which has no limit on an integer's length in text (str(int) does).
    digits = magnitude.bit_length() * 30103 // 100000 + 2  # ≥ the decimal digits of magnitude
    context = Context(prec=max(digits, 28), Emax=digits + _PLACES, Emin=-_PLACES - 1)
    text = format(context.scaleb(Decimal(magnitude), -_PLACES), "f")
    whole, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0").ljust(2, "0")
    return f"{'-' if millionths < 0 else ''}{whole}.{fraction}"


def dollars(value: Fraction | Decimal | int) -> str:
    """An amount for people to read, the one money format of the text reports: US dollars,
    thousands separators and cents, rounded half-even (`$10,950.00`, `-$3.50`). The JSON
    reports keep `usd`'s exact digits."""
    cents = round(Fraction(value) * 100)
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}${cents // 100:,}.{cents % 100:02d}"


def rate(value: Fraction | Decimal | int) -> str:
    """A unit price (per hour, per GB) in the same style, keeping the digits a price is quoted
    with: `$0.0365`, `$1,024.00`."""
    text = usd(value)
    sign = "-" if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("-").partition(".")
    return f"{sign}${int(whole):,}.{fraction}"
