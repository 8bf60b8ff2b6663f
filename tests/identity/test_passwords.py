import pytest
from argon2 import PasswordHasher, Type

from api.identity import passwords
from api.identity.passwords import PasswordPolicyError, hash_password, needs_rehash, verify_password


async def test_passwords_are_hashed_with_argon2id_at_or_above_owasp_minimum():
    stored = await hash_password("a long enough password")
    assert stored.startswith("$argon2id$")
    params = passwords.HASHER
    assert params.memory_cost >= 19 * 1024 and params.time_cost >= 2 and params.parallelism >= 1
    assert await verify_password(stored, "a long enough password")
    assert not await verify_password(stored, "another password!!")


async def test_a_password_under_twelve_characters_is_refused():
    with pytest.raises(PasswordPolicyError) as caught:
        await hash_password("short pass1")
    assert caught.value.code == "password_too_short"


async def test_a_missing_hash_never_verifies():
    assert not await verify_password(None, "whatever password")


def test_a_hash_made_with_weaker_parameters_needs_a_rehash():
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1, type=Type.ID)
    assert needs_rehash(weak.hash("a long enough password"))
    assert not needs_rehash(passwords.HASHER.hash("a long enough password"))
