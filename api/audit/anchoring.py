"""Writing an anchor: check the whole history, then record every chain's length in the
register of chains, and give back the digest the operator keeps outside the database.

An anchor is only written over a history that verifies (writing one over a broken history
would bless the damage). The lengths recorded are those the check just found, each chain's
newest event (sequence and hash); events appended since only make the chains longer, which
an anchor allows. The anchor entry goes through the register like any other, so an anchor
taken while chains start elsewhere gets its position by the same retry on the unique
position (api/audit/register.py).
"""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from api import clock
from api.audit.anchors import Anchor, chains_digest
from api.audit.models import AnchoredChain
from api.audit.register import anchor_entry, append_entries, read_register_end
from api.audit.seal import key_for
from api.audit.verify import VerifyReport, verify_chains
from api.settings import Settings

_BATCH = 1000
_ATTEMPTS = 5


async def _append_anchor(connection: BaseDBAsyncClient, key: bytes,
                         chains: list[tuple[int, int, str]]) -> Anchor:
    end = await read_register_end(connection, key)
    if not end.tip_in_step:
        raise RuntimeError("the register's tip moved out of step since the check: run "
                           "`carnet audit verify`")
    entry = anchor_entry(end, len(chains), chains_digest(chains), clock.now())
    await append_entries(connection, key, end, [entry])
    rows = [AnchoredChain(anchor_position=entry.position, patient_id=patient,
                          sequence=sequence, hash=last) for patient, sequence, last in chains]
    for start in range(0, len(rows), _BATCH):
        await AnchoredChain.bulk_create(rows[start:start + _BATCH], using_db=connection)
    return Anchor(entry.position, entry.hash)


async def write_anchor(settings: Settings) -> tuple[VerifyReport, Anchor | None]:
    """Verify the history; if it holds, anchor every chain's length. The check's report, and
    the anchor written (None when the history did not verify)."""
    report = await verify_chains(settings)
    if not report.ok:
        return report, None
    chains = sorted((patient, sequence, last)
                    for patient, (sequence, last) in report.heads.items())
    key = key_for(settings.secret_key)
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            async with in_transaction() as connection:
                return report, await _append_anchor(connection, key, chains)
        except IntegrityError:  # a chain started meanwhile and took the position: again
            if attempt == _ATTEMPTS:
                raise
    raise AssertionError("unreachable")
