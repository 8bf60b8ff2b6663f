"""Writing the access history: one event per patient and basis per request, hash-chained.

Each append also moves the patient's sealed chain head (api/audit/heads.py, seal.py) in the
same transaction, so deleting a chain's newest events shows at ``carnet audit verify``.

Three ways in:

* GraphQL reads: nothing to do. ``authorize``/``section_field`` note every access in the
  request's context and ``AccessLogExtension`` writes them once the operation has run.
* GraphQL mutations: write inside ``audited_transaction`` so the event commits, or rolls
  back, with the data::

      async with audited_transaction(info.context) as connection:
          await Allergy.create(..., using_db=connection)
      # the write noted by authorize() is now in the history, in the same transaction

  On an exception inside the block nothing is written and the noted writes are dropped.
  A mutation that returns userErrors before writing calls ``discard_writes(info.context)``
  (nothing changed, so there is nothing to show the patient); ``audited_change`` does both
  for a change whose checks read inside the transaction. Reads done while building
  the payload afterwards are written by the extension at the end of the request.
  ``record_accesses(context, connection)`` is the building block, for code that manages
  its own ``in_transaction()``.
* Everything else (file downloads, opening an emergency access, deposits outside GraphQL):
  ``record_event(...)``, inside the caller's transaction when it writes (pass
  ``connection``).

Owner accesses are never written: the history shows what others did.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from api import clock
from api.audit.chain import EventContent, event_hash
from api.audit.heads import NEW_CHAIN, chain_ends, head_values, move_heads, upsert_sql
from api.audit.locks import lock_chains
from api.audit.models import AccessEvent, RequestKind
from api.audit.register import append_entries, chain_entries
from api.audit.seal import sealing_key
from api.consent.loaders import known_professional
from api.consent.sections import Action, Basis, Section
from api.graphql.context import Context, Loaders
from api.identity.models import Account, Patient, Professional

_DETAIL_MAX = 500
_NAME_MAX = 200
_ATTEMPTS = 3
T = TypeVar("T")


@dataclass(frozen=True)
class ViewerSnapshot:
    """Who the viewer is, copied into each event as text."""

    account_id: int
    professional_id: int | None
    name: str
    profession: str


@dataclass(frozen=True)
class PendingEvent:
    patient_id: int
    viewer: ViewerSnapshot
    basis: Basis
    sections: frozenset[str]
    actions: frozenset[str]
    request_kind: RequestKind
    detail: str = ""


async def load_viewer_snapshot(account_id: int) -> ViewerSnapshot:
    professional = await Professional.filter(account_id=account_id).first()
    if professional is not None:
        return ViewerSnapshot(account_id, professional.id, professional.display_name,
                              professional.profession)
    person = await Patient.filter(account_id=account_id).first()
    if person is not None:
        name = person.display_name
    else:
        account = await Account.get_or_none(id=account_id)
        name = (account.email or "") if account else ""
    return ViewerSnapshot(account_id, None, name, "")


class ViewerSnapshotLoader(DataLoader[int, ViewerSnapshot]):
    """Who the viewer is, for the events of this request: read once per request. The consent
    facts of this request have read a professional already: then no statement at all."""

    def __init__(self, loaders: Loaders) -> None:
        super().__init__(load_fn=self._load)
        self.loaders = loaders

    async def _load(self, account_ids: Sequence[int]) -> list[ViewerSnapshot]:
        return [await self._snapshot(account_id) for account_id in account_ids]

    async def _snapshot(self, account_id: int) -> ViewerSnapshot:
        known = known_professional(self.loaders, account_id)
        if known is not None:
            return ViewerSnapshot(account_id, known.professional_id,
                                  f"{known.first_name} {known.last_name}", known.profession)
        return await load_viewer_snapshot(account_id)


async def _viewer_of(context: Context) -> ViewerSnapshot:
    loaders = context.loaders
    loader = loaders.get(ViewerSnapshotLoader, lambda: ViewerSnapshotLoader(loaders))
    return await loader.load(context.require_viewer().account_id)


def _content(event: PendingEvent, sequence: int, moment: datetime) -> EventContent:
    return EventContent(
        patient_id=event.patient_id,
        sequence=sequence,
        occurred_at=moment,
        viewer_account_id=event.viewer.account_id,
        viewer_professional_id=event.viewer.professional_id,
        viewer_name=event.viewer.name[:_NAME_MAX],
        viewer_profession=event.viewer.profession,
        basis=event.basis.value,
        sections=",".join(sorted(event.sections)),
        actions=",".join(sorted(event.actions)),
        emergency=event.basis is Basis.EMERGENCY,
        request_kind=event.request_kind.value,
        detail=event.detail[:_DETAIL_MAX],
    )


async def _append(connection: BaseDBAsyncClient, pending: Sequence[PendingEvent]
                  ) -> list[AccessEvent]:
    by_patient: dict[int, list[PendingEvent]] = defaultdict(list)
    for event in pending:
        by_patient[event.patient_id].append(event)
    patient_ids = sorted(by_patient)
    key = sealing_key()  # no key, no append: an unsealed head could not be checked
    await lock_chains(connection, patient_ids)
    ends, register = await chain_ends(connection, patient_ids, key)
    moment = clock.now()
    rows: list[AccessEvent] = []
    new_heads: list[tuple[int, int, str]] = []
    for patient_id in patient_ids:
        end = ends.get(patient_id, NEW_CHAIN)
        sequence, prev_hash = end.sequence, end.hash
        for event in by_patient[patient_id]:
            sequence += 1
            content = _content(event, sequence, moment)
            digest = event_hash(content, prev_hash)
            rows.append(AccessEvent(
                patient_id=patient_id, sequence=sequence, occurred_at=moment,
                viewer_account_id=content.viewer_account_id,
                viewer_professional_id=content.viewer_professional_id,
                viewer_name=content.viewer_name, viewer_profession=content.viewer_profession,
                basis=event.basis, sections=content.sections, actions=content.actions,
                emergency=content.emergency, request_kind=content.request_kind,
                detail=content.detail, prev_hash=prev_hash, hash=digest,
            ))
            prev_hash = digest
        if end.head_in_step:  # else the head stays where it is, as evidence (api/audit/heads.py)
            new_heads.append((patient_id, sequence, prev_hash))
    if connection.capabilities.dialect == "postgres":
        await _insert_with_heads(connection, rows, key, new_heads)
    else:
        if len(rows) == 1:
            await rows[0].save(using_db=connection)  # the usual case; gives the caller the id
        else:
            await AccessEvent.bulk_create(rows, using_db=connection)
        await move_heads(connection, key, new_heads)
    starting = [patient_id for patient_id in patient_ids if patient_id in ends
                and ends[patient_id].starts]
    if register is not None and starting:  # a chain's first event: say so in the register
        await append_entries(connection, key, register,
                             chain_entries(register, starting, moment))
    return rows


_EVENT_COLUMNS = ("patient_id", "sequence", "occurred_at", "viewer_account_id",
                  "viewer_professional_id", "viewer_name", "viewer_profession", "basis",
                  "sections", "actions", "emergency", "request_kind", "detail", "prev_hash",
                  "hash")


async def _insert_with_heads(connection: BaseDBAsyncClient, rows: Sequence[AccessEvent],
                             key: bytes, heads: Sequence[tuple[int, int, str]]) -> None:
    """PostgreSQL: the events and the move of their chains' heads in one statement (a
    data-modifying WITH), one round trip instead of two; each row gets its new id."""
    fields_map = AccessEvent._meta.fields_map
    width = len(_EVENT_COLUMNS)
    values: list[Any] = []
    tuples = []
    for n, row in enumerate(rows):
        values += [fields_map[column].to_db_value(getattr(row, column), row)
                   for column in _EVENT_COLUMNS]
        tuples.append("(" + ",".join(f"${width * n + i + 1}" for i in range(width)) + ")")
    columns = ",".join(f'"{column}"' for column in _EVENT_COLUMNS)
    # Only placeholders and the code's own column names are formatted in.
    sql = (f'WITH "inserted" AS (INSERT INTO "access_event" ({columns}) '  # noqa: S608
           f'VALUES {",".join(tuples)} RETURNING "id","patient_id","sequence")')
    if heads:
        sql += f', "moved" AS ({upsert_sql("postgres", len(heads), len(values) + 1)})'
        values += head_values(key, heads)
    sql += ' SELECT "id","patient_id","sequence" FROM "inserted"'
    ids = {(found["patient_id"], found["sequence"]): found["id"]
           for found in await connection.execute_query_dict(sql, values)}
    for row in rows:
        row.id = ids[(row.patient_id, row.sequence)]
        row._saved_in_db = True


async def append_events(pending: Sequence[PendingEvent],
                        connection: BaseDBAsyncClient | None = None) -> list[AccessEvent]:
    """Append to each patient's chain in one INSERT, inside ``connection``'s transaction if any.

    Four statements at most whatever the number of patients: the locks, where the chains end
    (with their sealed heads and where the register ends), the INSERT, the upsert that moves
    the sealed heads, in one transaction: events and heads commit, or roll back, together.
    When a chain starts, one more (two on SQLite) appends it to the register of chains and
    moves the register's sealed tip (api/audit/register.py). Refuses (RuntimeError) when no
    sealing key was configured (``api.db.open_database`` does it).

    On PostgreSQL an advisory lock per patient serialises appends to a chain. SQLite
    serialises writers itself; should two processes still pick the same sequence number,
    the unique (patient, sequence) constraint refuses the second and it tries again. Two
    chains that start at once pick the same register position: the unique position refuses
    the second, which tries again from the new end (no global lock on the usual path).
    """
    if not pending:
        return []
    name = connection.connection_name if connection is not None else None
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            # Inside an open transaction this is a savepoint, so a retry leaves it usable.
            async with in_transaction(name) as transaction:
                return await _append(transaction, pending)
        except IntegrityError:
            if attempt == _ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def _groups(accesses: Iterable[tuple[int, str, str, str]]
            ) -> dict[tuple[int, str], tuple[set[str], set[str]]]:
    groups: dict[tuple[int, str], tuple[set[str], set[str]]] = {}
    for patient_id, section, action, basis in accesses:
        if basis in ("", Basis.OWNER.value):
            continue
        sections, actions = groups.setdefault((patient_id, basis), (set(), set()))
        sections.add(section)
        actions.add(action)
    return groups


async def record_accesses(context: Context, connection: BaseDBAsyncClient | None = None,
                          request_kind: RequestKind = RequestKind.GRAPHQL) -> list[AccessEvent]:
    """Write what the request touched and was not written yet; mark it written.

    One event per patient touched, listing every section and action; two when the request
    reached the same record on two bases (say, a grant for some sections and emergency
    access for others), so the patient sees exactly what each basis was used for.
    """
    unsettled = context.accesses - context.audited
    if not unsettled:
        return []
    context.audited |= unsettled
    groups = _groups(unsettled)
    if not groups:
        return []
    viewer = await _viewer_of(context)
    # An app's accesses carry its name: the patient sees which app acted, for whom.
    app_name = context.app.name if context.app is not None else ""
    pending = [
        PendingEvent(patient_id=patient_id, viewer=viewer, basis=Basis(basis),
                     sections=frozenset(sections), actions=frozenset(actions),
                     request_kind=request_kind,
                     detail=app_name if basis == Basis.APP.value else "")
        for (patient_id, basis), (sections, actions) in sorted(groups.items())
    ]
    return await append_events(pending, connection)


def discard_writes(context: Context) -> None:
    """Nothing was written after all (rollback, userErrors): forget the noted writes."""
    context.audited |= {a for a in context.accesses if a[2] != Action.READ.value}


@asynccontextmanager
async def audited_transaction(context: Context) -> AsyncIterator[BaseDBAsyncClient]:
    """A transaction that also writes the request's accesses before it commits."""
    try:
        async with in_transaction() as connection:
            yield connection
            await record_accesses(context, connection)
    except BaseException:
        discard_writes(context)
        raise


async def audited_change(context: Context, change: Callable[[], Awaitable[T]],
                         refused: Callable[[T], bool]) -> T:
    """Run ``change()`` in an ``audited_transaction``; when ``refused(result)`` (it found
    problems, so it wrote nothing) its noted writes are dropped and no event is written.

    For changes that must read the rows they check inside the transaction they write in.
    """
    async with audited_transaction(context):
        result = await change()
        if refused(result):
            discard_writes(context)
    return result


async def record_event(
    *,
    patient_id: int,
    viewer_account_id: int,
    basis: Basis,
    sections: Iterable[Section],
    actions: Iterable[Action],
    request_kind: RequestKind,
    detail: str = "",
    connection: BaseDBAsyncClient | None = None,
) -> AccessEvent | None:
    """Append one event for an access outside GraphQL; None for the patient's own access.

    E.g. opening an emergency access: ``basis=Basis.EMERGENCY, sections=(), actions=(),
    request_kind=RequestKind.EMERGENCY_OPEN, detail=reference(EMERGENCY_ACCESS, access.id)``
    (never a patient's free text: api/audit/references.py); a file download:
    ``sections=(Section.DOCUMENTS,), actions=(Action.READ,), request_kind=DOWNLOAD``.
    """
    if basis is Basis.OWNER:
        return None
    viewer = await load_viewer_snapshot(viewer_account_id)
    event = PendingEvent(
        patient_id=patient_id, viewer=viewer, basis=basis,
        sections=frozenset(s.value for s in sections),
        actions=frozenset(a.value for a in actions),
        request_kind=request_kind, detail=detail,
    )
    return (await append_events([event], connection))[0]
