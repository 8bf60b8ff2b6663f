"""The sealing primitives: texts bound to where they belong, streams whose frames cannot be
reordered, dropped or cut short; and the master key the settings require."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator

import pytest

from api.identity.sealing import (
    FRAME_BYTES,
    SEALED_FRAME_BYTES,
    SealBroken,
    new_data_key,
    open_,
    open_stream,
    seal,
    seal_stream,
    sealed_size,
)
from api.settings import Settings, SettingsError

KEY = new_data_key()


async def _pieces(data: bytes, size: int) -> AsyncIterator[bytes]:
    for at in range(0, len(data), size):
        yield data[at:at + size]


async def _sealed(data: bytes, context: bytes = b"c") -> bytes:
    return b"".join([frame async for frame in seal_stream(KEY, context, _pieces(data, 7000))])


async def _opened(stored: bytes, context: bytes = b"c") -> bytes:
    return b"".join([piece async for piece in
                     open_stream(KEY, context, _pieces(stored, 10_000))])


def test_a_text_opens_only_with_its_key_and_its_place() -> None:
    sealed = seal(KEY, "Arachides", b"allergy|substance|1|abc")
    assert "Arachides" not in sealed
    assert open_(KEY, sealed, b"allergy|substance|1|abc") == "Arachides"
    for key, aad in ((new_data_key(), b"allergy|substance|1|abc"),
                     (KEY, b"allergy|substance|2|abc"), (KEY, b"allergy|reaction|1|abc")):
        with pytest.raises(SealBroken):
            open_(key, sealed, aad)
    with pytest.raises(SealBroken):
        open_(KEY, "not sealed at all", b"allergy|substance|1|abc")


@pytest.mark.parametrize("size", [0, 1, FRAME_BYTES - 1, FRAME_BYTES, FRAME_BYTES + 1,
                                  3 * FRAME_BYTES])
async def test_streams_of_every_size_come_back_whole(size: int) -> None:
    data = os.urandom(size)
    stored = await _sealed(data)
    assert len(stored) == sealed_size(size)
    assert await _opened(stored) == data


def _drop_last(frames: list[bytes]) -> list[bytes]:
    return frames[:-1]


def _swap(frames: list[bytes]) -> list[bytes]:
    return [frames[1], frames[0], *frames[2:]]


def _cut(frames: list[bytes]) -> list[bytes]:
    return [*frames[:-1], frames[-1][:-1]]


@pytest.mark.parametrize("damage", [_drop_last, _swap, _cut], ids=["last frame dropped",
                                                                 "frames swapped",
                                                                 "last byte cut"])
async def test_a_stream_reordered_or_cut_does_not_open(damage) -> None:  # type: ignore[no-untyped-def]
    stored = await _sealed(os.urandom(2 * FRAME_BYTES + 10))
    frames = [stored[at:at + SEALED_FRAME_BYTES]
              for at in range(0, len(stored), SEALED_FRAME_BYTES)]
    with pytest.raises(SealBroken):
        await _opened(b"".join(damage(frames)))


async def test_a_stream_under_another_name_does_not_open() -> None:
    with pytest.raises(SealBroken):
        await _opened(await _sealed(b"compte rendu", b"patient 1"), b"patient 2")


PRODUCTION = {"CARNET_ENV": "production", "SECRET_KEY": "x" * 40, "SMTP_HOST": "mail.example"}


def test_production_refuses_to_start_without_a_master_key() -> None:
    with pytest.raises(SettingsError, match="CARNET_MASTER_KEY"):
        Settings.from_env(PRODUCTION)
    assert Settings.from_env({**PRODUCTION, "CARNET_MASTER_KEY": "A" * 43}).master_key == \
        bytes(32)


@pytest.mark.parametrize("given", ["short", "A" * 44 + "!", "A" * 60])
def test_a_master_key_that_is_not_32_bytes_is_refused(given: str) -> None:
    with pytest.raises(SettingsError, match="32 bytes"):
        Settings.from_env({"CARNET_MASTER_KEY": given})


def test_the_master_key_is_read_from_its_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "master.key"
    path.write_text("AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE\n")
    assert Settings.from_env({"CARNET_MASTER_KEY_FILE": str(path)}).master_key == b"\x01" * 32
    with pytest.raises(SettingsError, match="cannot be read"):
        Settings.from_env({"CARNET_MASTER_KEY_FILE": str(tmp_path / "missing")})


def test_the_command_line_refuses_production_without_a_master_key_in_one_line(
        tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {**os.environ, **PRODUCTION, "CARNET_VAR_DIR": str(tmp_path)}
    env.pop("CARNET_MASTER_KEY", None)
    env.pop("CARNET_MASTER_KEY_FILE", None)
    result = subprocess.run([sys.executable, "-m", "api.cli", "keys", "status"], env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert result.stderr.strip().startswith("error: CARNET_MASTER_KEY")
    assert "Traceback" not in result.stderr
