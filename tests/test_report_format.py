"""The one rounding rule (PDG): examples worked by hand."""

import pytest

from sigmafit.report.format import format_value, round_pdg


@pytest.mark.parametrize(
    ("value", "error", "expected"),
    [
        # leading three digits of the error 314 (≤354) → two significant digits
        (212.04, 3.14, ("212.0", "3.1")),
        # 123 → two digits; value rounded to the same place
        (0.48123, 0.0123, ("0.481", "0.012")),
        # 962 (≥950) → rounds up to 1.0 with two digits
        (3.0, 0.962, ("3.0", "1.0")),
        # 500 (355..949) → one significant digit
        (10.37, 0.5, ("10.4", "0.5")),
        # large value, small error
        (16678.2, 12.3, ("16678", "12")),
        # tiny numbers use one common exponent taken from the larger of value and error
        (1.2345e-12, 9.7e-14, ("1.23", "0.10e-12")),
    ],
)
def test_pdg_rule(value, error, expected):
    assert round_pdg(value, error) == expected


def test_missing_error_is_never_zero():
    assert round_pdg(5.0, None)[1] is None
    assert round_pdg(5.0, float("nan"))[1] is None
    assert round_pdg(5.0, 0.0)[1] is None
    assert format_value(5.0, None, "K") == "5 (± n/a) K"


def test_error_larger_than_value_keeps_both_visible():
    assert round_pdg(2e-9, 4.51) == ("2.0e-09", "4.5e+00")
    assert round_pdg(182.4, 5.56e7) == ("1.8e+02", "5.6e+07")
    assert format_value(182.4, 5.56e7, "nm") == "1.8e+02 ± 5.6e+07 nm"


def test_scientific_format_groups_the_exponent():
    assert format_value(1.000002e-3, 9e-9, "S") == "(1.000002 ± 0.000009)e-3 S"


def test_a_value_swamped_by_its_error_never_borrows_the_error_exponent():
    # a B² background of −9.67 nS/T² ± 132 nS/T² printed once as "(−9.7 ± 1)e+02", i.e. −970: a hundred times wrong
    assert format_value(-9.67, 132.0) == "-9.7 ± 130"
    text = format_value(-9.67e-9, 1.32e-7, "S/T²")
    v, e = text.split(" S/T²")[0].split(" ± ")
    assert float(v) == -9.7e-9 and float(e) == 1.3e-7
