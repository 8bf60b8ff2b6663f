import pytest

from api.identity.ins import InsError, nir_key, parse_ins


@pytest.mark.parametrize(
    ("nir", "key"),
    [
        ("2951099126111", "93"),  # the examples of the product specification
        ("253072A073004", "43"),  # Corsica: 2A counts as 19
        ("253072B073004", "70"),  # Corsica: 2B counts as 18
        ("1850575056123", "88"),
        ("1 85 05 75 056 123", "88"),  # spaces as people type them
        ("253072a073004", "43"),  # lower-case Corsican code
    ],
)
def test_nir_key_is_97_minus_the_number_modulo_97(nir, key):
    assert nir_key(nir) == key


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("295109912611193", None),
        ("2 95 10 99 126 111 93", None),
        ("253072A07300443", None),
        ("295109912611194", "ins_key_mismatch"),  # wrong key says so
        ("253072B07300443", "ins_key_mismatch"),  # 2A's key on a 2B number
        ("29510991261119", "ins_length"),
        ("595109912611193", "nir_format"),  # no such first digit
        ("2951099X2611193", "nir_format"),
        ("29510991261119A", "ins_key_format"),
    ],
)
def test_an_ins_is_accepted_only_with_its_key(raw, code):
    if code is None:
        ins = parse_ins(raw)
        assert len(ins.nir) == 13 and len(ins.key) == 2
    else:
        with pytest.raises(InsError) as caught:
            parse_ins(raw)
        assert caught.value.code == code


def test_a_wrong_key_message_tells_the_person_to_check_the_number():
    with pytest.raises(InsError, match="does not match"):
        parse_ins("2951099126111", "12")
