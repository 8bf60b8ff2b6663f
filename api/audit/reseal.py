"""Resealing the chain heads and the register's tip after a change of SECRET_KEY.

The seals are HMACs under a key derived from SECRET_KEY, so a new secret makes every seal
look forged, and the server then leaves the heads where they are (api/audit/heads.py). This
checks the whole history with the old secret first, and only if it holds seals each head
and the tip again with the new one, in one transaction: nobody can use a reseal to bless
damage done before it. The events and the register's hashes do not depend on the secret, so
anchors kept by operators stay valid.

Run it while no server writes the history (stopped, before it restarts with the new secret):
a server still on the old secret would seal heads the new one does not accept, and one
already on the new secret leaves the heads behind, which the check with the old secret
then reports.
"""

from __future__ import annotations

from dataclasses import replace

from tortoise.transactions import in_transaction

from api.audit.heads import move_heads
from api.audit.models import RegisterTip
from api.audit.seal import key_for, seal_tip
from api.audit.verify import VerifyReport, verify_chains
from api.settings import Settings

_BATCH = 500


async def reseal(settings: Settings, old_secret_key: str) -> tuple[VerifyReport, int | None]:
    """Check with ``old_secret_key``, then seal every head and the tip with
    ``settings.secret_key``. The check's report, and how many heads were resealed (None when
    the history did not verify with the old secret, and nothing was changed)."""
    report = await verify_chains(replace(settings, secret_key=old_secret_key))
    if not report.ok:
        return report, None
    key = key_for(settings.secret_key)
    heads = sorted((patient, sequence, last)
                   for patient, (sequence, last) in report.heads.items())
    async with in_transaction() as connection:
        for start in range(0, len(heads), _BATCH):
            await move_heads(connection, key, heads[start:start + _BATCH])
        tip = await RegisterTip.filter(id=1).using_db(connection).first()
        if tip is not None:
            await RegisterTip.filter(id=1).using_db(connection).update(
                seal=seal_tip(key, tip.position, tip.hash))
    return report, len(heads)
