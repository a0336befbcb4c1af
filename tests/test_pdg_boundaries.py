"""The PDG rounding rule at its edges, worked by hand (PDG, Introduction §5.3 "Rounding").

The three leading digits of the error decide: 100–354 → two significant digits, 355–949 → one,
950–999 → round the error up to 1000 and keep two.  The value is rounded to the error's last digit.
``tests/test_report_format.py`` has the middle of each range; these pin both sides of every edge.
"""

from __future__ import annotations

import pytest

from sigmafit.report.format import format_value, round_pdg


@pytest.mark.parametrize(
    ("value", "error", "expected"),
    [
        (1.23456, 0.354, ("1.23", "0.35")),  # 354: last of the two-digit range
        (1.23456, 0.355, ("1.2", "0.4")),  # 355: first of the one-digit range
        (5.4321, 0.949, ("5.4", "0.9")),  # 949: last of the one-digit range
        (5.4321, 0.950, ("5.4", "1.0")),  # 950: rounded up to 1000, two digits
        (2.3456, 0.100, ("2.35", "0.10")),  # 100: first of the two-digit range
        (2.3456, 0.0999, ("2.35", "0.10")),  # 999 → 1000 one decade up, two digits
        (123456.0, 3540.0, ("123500", "3500")),  # same edges on large numbers
        (123456.0, 3550.0, ("123000", "4000")),
    ],
)
def test_pdg_edges(value, error, expected):
    assert round_pdg(value, error) == expected


def test_format_value_uses_the_same_rule():
    assert format_value(1.23456, 0.354, "nm") == "1.23 ± 0.35 nm"
    assert format_value(1.23456, 0.355, "nm") == "1.2 ± 0.4 nm"
