import pytest

from api.identity.rpps import RppsError, parse_rpps


@pytest.mark.parametrize("raw", ["10003456781", "1000 345 6781", "10000000000"])
def test_an_rpps_number_is_eleven_digits_whatever_its_check_digit(raw):
    assert parse_rpps(raw) == raw.replace(" ", "")


@pytest.mark.parametrize("raw", ["1000345678", "100034567812", "1000345678A", ""])
def test_other_rpps_numbers_are_refused(raw):
    with pytest.raises(RppsError):
        parse_rpps(raw)
