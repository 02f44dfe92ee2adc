"""Ids in URLs: ASCII digits within a bigint only."""

import pytest

from packagegrid.lib.ids import MAX_ID, IdConverter, parse_id


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0", 0),
        ("12", 12),
        ("007", 7),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        ("9" * 30, None),
        ("²", None),
        ("١٢", None),
        ("\uff11\uff12", None),
        ("12²", None),
        ("-1", None),
        (" 1", None),
        ("1\n", None),
        ("", None),
        ("0x1", None),
    ],
)
def test_it_parses_ascii_ids_within_a_bigint(text: str, value: int | None) -> None:
    assert parse_id(text) == value


def test_the_converter_refuses_what_parse_id_refuses() -> None:
    converter = IdConverter()
    assert converter.to_python("42") == 42
    with pytest.raises(ValueError, match="Not an id"):
        converter.to_python(str(MAX_ID + 1))
    assert converter.to_url(42) == "42"
