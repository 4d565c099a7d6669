import pytest

from metropoli.common.params import whole_number


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("0", 0),
        ("42", 42),
        ("007", 7),
        ("9" * 18, 10**18 - 1),
        ("9" * 19, None),  # past bigint
        ("9" * 5000, None),  # int() refuses more than 4,300 digits
        ("²", None),  # str.isdigit() is true of these; int() refuses the first two
        ("①", None),
        ("١٢٣", None),
        ("-1", None),
        ("+1", None),
        (" 1", None),
        ("1\n", None),
        ("1.0", None),
        ("", None),
        (None, None),
    ],
)
def test_whole_number_reads_ascii_digits_only(text, number):
    assert whole_number(text) == number
