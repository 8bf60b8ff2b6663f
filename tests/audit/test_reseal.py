"""`carnet audit reseal`: after a change of SECRET_KEY, the heads are sealed again, but only
over a history that verifies with the old secret."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from api.audit.models import AccessChainHead, AccessEvent
from api.settings import Settings
from tests.audit.conftest import carnet, chain_of, seed
from tests.factories import make_patient, make_professional

NEW_SECRET = "a new secret key, long enough for production " + "n" * 20


async def _history() -> tuple[int, int]:
    """Two patients' histories (3 and 2 events); the first patient and the nurse."""
    first, second = await make_patient(), await make_patient()
    nurse = (await make_professional("nurse")).account_id
    await seed(first.id, nurse, 3)
    await seed(second.id, nurse, 2)
    return first.id, nurse


async def test_a_new_secret_fails_every_seal_until_the_history_is_resealed(
    db: None, settings: Settings
) -> None:
    await _history()
    anchored = carnet(settings, "audit", "anchor")
    assert anchored.returncode == 0
    before = carnet(settings, "audit", "verify", SECRET_KEY=NEW_SECRET)
    assert before.returncode == 1
    assert before.stderr.count("has a wrong seal") == 3  # two heads and the register's tip

    result = carnet(settings, "audit", "reseal", SECRET_KEY=NEW_SECRET,
                    OLD_SECRET_KEY=settings.secret_key)
    assert result.returncode == 0, result.stderr
    assert "Resealed 2 chain heads and the register's tip with SECRET_KEY." in result.stdout
    after = carnet(settings, "audit", "verify", "--anchor", anchored.stdout.strip(),
                   SECRET_KEY=NEW_SECRET)
    assert after.returncode == 0, after.stderr
    assert "Anchor 3 holds" in after.stdout  # anchors do not depend on the secret
    assert carnet(settings, "audit", "verify").returncode == 1  # the old secret no longer


async def test_nothing_is_resealed_over_a_history_that_does_not_verify(
    db: None, settings: Settings, tampering: Callable[[], Any]
) -> None:
    first, _ = await _history()
    events = await chain_of(first)
    async with tampering():
        await AccessEvent.filter(id=events[-1].id).delete()
    seals = sorted(await AccessChainHead.all().values_list("seal", flat=True))
    result = carnet(settings, "audit", "reseal", SECRET_KEY=NEW_SECRET,
                    OLD_SECRET_KEY=settings.secret_key)
    assert result.returncode == 1
    assert f"BROKEN patient {first}: chain head (sequence 3) is past the newest event" in (
        result.stderr)
    assert "Nothing resealed: the history does not verify with OLD_SECRET_KEY." in result.stderr
    assert sorted(await AccessChainHead.all().values_list("seal", flat=True)) == seals


async def test_a_wrong_old_secret_reseals_nothing(db: None, settings: Settings) -> None:
    await _history()
    result = carnet(settings, "audit", "reseal", SECRET_KEY=NEW_SECRET,
                    OLD_SECRET_KEY="not the secret it was sealed with " + "x" * 20)
    assert result.returncode == 1
    assert "wrong seal" in result.stderr
    assert carnet(settings, "audit", "verify").returncode == 0


async def test_reseal_needs_the_old_secret_and_a_new_one(db: None, settings: Settings) -> None:
    missing = carnet(settings, "audit", "reseal", SECRET_KEY=NEW_SECRET, OLD_SECRET_KEY="")
    assert missing.returncode == 2
    assert "set OLD_SECRET_KEY" in missing.stderr
    same = carnet(settings, "audit", "reseal", OLD_SECRET_KEY=settings.secret_key)
    assert same.returncode == 2
    assert "are the same: nothing to reseal" in same.stderr
