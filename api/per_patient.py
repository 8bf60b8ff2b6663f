"""Queries that answer for many patients at once, in a fixed number of statements.

A professional's list of patients asks for each patient's allergies (or measurements,
documents) in the same tick. Rather than two statements per patient, the loaders ask:

* ``newest_rows``: the newest ``limit`` rows of every patient in one statement, ranked with
  ``ROW_NUMBER() OVER (PARTITION BY patient_id ORDER BY ...)`` in a subquery (a window
  function cannot stand in a WHERE clause); SQLite and PostgreSQL both run it;
* ``counts``: how many rows each patient has, in one grouped COUNT;
* ``first_pages``: both at once, in one statement (the count is a window function too).

The query given is an ordinary Tortoise queryset on one table, already filtered (patients,
visibility); its parameters stay bound parameters. The ranking reads every matching row of
the listed patients (each at most a page of 100): for very long lists (years of daily
measurements) that is more rows read than one indexed LIMIT per patient, for one round trip
instead of two per patient. Pages after a cursor are still read patient by patient.
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pypika_tortoise.analytics import Count as WindowCount
from pypika_tortoise.analytics import RowNumber
from pypika_tortoise.enums import Order
from pypika_tortoise.terms import Field, Star, Term
from strawberry.dataloader import DataLoader
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.functions import Count
from tortoise.models import Model
from tortoise.queryset import QuerySet
from tortoise.router import router

M = TypeVar("M", bound=Model)
R = TypeVar("R", bound=Hashable)
P = TypeVar("P")
_RANK = "per_patient_rank"
_TOTAL = "per_patient_total"


def _term(key: str | Term) -> Term:
    return Field(key) if isinstance(key, str) else key


# A query shape given by the caller: the SQL of a ranked read is built once per shape and
# number of patients, then reused with other patients' ids (see `_Prepared`).
Shape = Hashable
# Builds the caller's queryset for these patient ids.
Build = Callable[[list[int]], QuerySet[Any]]


async def newest_rows(query: QuerySet[M], order: Sequence[str | Term], limit: int,
                      *, shape: Shape | None = None, build: Build | None = None,
                      patient_ids: Sequence[int] = ()) -> dict[int, list[M]]:
    """Up to ``limit`` rows of each patient, sorted by ``order`` (each key descending)."""
    return (await _ranked(query, order, limit, with_totals=False, shape=shape, build=build,
                          patient_ids=patient_ids))[0]


async def first_pages(query: QuerySet[M] | None, order: Sequence[str | Term], limit: int,
                      *, shape: Shape | None = None, build: Build | None = None,
                      patient_ids: Sequence[int] = ()
                      ) -> tuple[dict[int, list[M]], dict[int, int]]:
    """``newest_rows`` and ``counts`` in one statement: the rows, and each patient's total.

    Patients without any row are left out of both, as ``counts`` leaves them out.
    A caller that reads the same shape again and again (the sections of a summary) gives
    ``shape``, ``build`` and ``patient_ids`` instead of ``query``: the SQL is then built
    once per shape (``_Prepared``), not on every request.
    """
    return await _ranked(query, order, limit, with_totals=True, shape=shape, build=build,
                         patient_ids=patient_ids)


async def first_pages_by(query: QuerySet[M] | None, column: str, order: Sequence[str | Term],
                         limit: int, *, shape: Shape | None = None, build: Build | None = None,
                         patient_ids: Sequence[int] = ()
                         ) -> tuple[dict[tuple[int, Any], list[M]], dict[tuple[int, Any], int]]:
    """``first_pages`` for each (patient, ``column`` value): several lists of one table (a
    patient's measurements of several kinds) in one statement, keyed (patient id, value)."""
    found, totals = await _ranked(query, order, limit, with_totals=True, also=column,
                                  shape=shape, build=build, patient_ids=patient_ids)
    return found, totals


def _ranked_sql(query: QuerySet[Any], order: Sequence[str | Term], limit: int,
                with_totals: bool, also: str | None
                ) -> tuple[str, list[Any], BaseDBAsyncClient]:
    partition = [Field("patient_id")] + ([Field(also)] if also else [])
    rank: Any = RowNumber().over(*partition)
    for key in order:
        rank = rank.orderby(_term(key), order=Order.desc)
    annotations: dict[str, Any] = {_RANK: rank}
    if with_totals:
        annotations[_TOTAL] = WindowCount(Star()).over(*partition)
    ranked = query.annotate(**annotations)
    # What QuerySet.sql() does, keeping the parameters bound instead of inlined.
    ranked._choose_db_if_not_chosen()
    ranked._make_query()
    inner, params = ranked.query.get_parameterized_sql()
    # Formatted in: the queryset's own SQL (its values stay parameters) and an integer.
    then = f'"{also}",' if also else ""  # a column name given by the code, not by a client
    sql = (f'SELECT * FROM ({inner}) "ranked" WHERE "{_RANK}"<={int(limit)} '  # noqa: S608
           f'ORDER BY "patient_id",{then}"{_RANK}"')
    return sql, list(params), ranked._db


@dataclass(frozen=True)
class _Prepared:
    """A ranked read's SQL built once, and where each patient id goes in its parameters.

    It is built from the caller's query for stand-in ids (negative numbers no patient has);
    each stand-in must then stand exactly once in the parameters, else nothing is kept and
    the SQL is built on every call, as without a shape. The other parameters (a visibility
    flag, the kinds asked) are the same for every query of one shape: the caller's shape
    names them.
    """

    model: type[Model]
    dialect: str
    sql: str
    params: tuple[Any, ...]
    slots: tuple[int, ...]

    def bind(self, patient_ids: Sequence[int]) -> list[Any]:
        params = list(self.params)
        for slot, patient_id in zip(self.slots, patient_ids, strict=True):
            params[slot] = patient_id
        return params


_STAND_IN = -(2 ** 52)
_PREPARED_MAX = 512
_prepared: OrderedDict[Hashable, _Prepared | None] = OrderedDict()
_UNKNOWN = object()


def _prepare(build: Build, count: int, order: Sequence[str | Term], limit: int,
             with_totals: bool, also: str | None) -> _Prepared | None:
    stand_ins = [_STAND_IN - n for n in range(count)]
    query = build(stand_ins)
    sql, params, connection = _ranked_sql(query, order, limit, with_totals, also)
    slots = []
    for stand_in in stand_ins:
        found = [n for n, value in enumerate(params) if type(value) is int and value == stand_in]
        if len(found) != 1:
            return None
        slots.append(found[0])
    return _Prepared(query.model, connection.capabilities.dialect, sql, tuple(params),
                     tuple(slots))


def _connection_for(model: type[Model]) -> BaseDBAsyncClient:
    """The connection a read of ``model`` uses now (the transaction's, inside one)."""
    return router.db_for_read(model) or model._meta.db


def _prepared_for(key: Hashable, build: Build, count: int, order: Sequence[str | Term],
                  limit: int, with_totals: bool, also: str | None) -> _Prepared | None:
    known = _prepared.get(key, _UNKNOWN)
    if known is None:
        _prepared.move_to_end(key)
        return None
    if (isinstance(known, _Prepared)
            and _connection_for(known.model).capabilities.dialect == known.dialect):
        _prepared.move_to_end(key)
        return known
    prepared = _prepare(build, count, order, limit, with_totals, also)
    _prepared[key] = prepared
    if len(_prepared) > _PREPARED_MAX:
        _prepared.popitem(last=False)
    return prepared


async def _ranked(query: QuerySet[M] | None, order: Sequence[str | Term], limit: int,
                  with_totals: bool, also: str | None = None, *, shape: Shape | None = None,
                  build: Build | None = None, patient_ids: Sequence[int] = ()
                  ) -> tuple[dict[Any, list[M]], dict[Any, int]]:
    if query is None:
        if build is None or shape is None:
            raise TypeError("a ranked read needs a query, or a shape and its build")
        ids = list(patient_ids)
        key = (shape, len(ids), limit, with_totals, also)
        prepared = _prepared_for(key, build, len(ids), order, limit, with_totals, also)
        if prepared is None:
            query = build(ids)  # this shape cannot be prepared: built on every call
        else:
            model: type[Model] = prepared.model
            sql, params = prepared.sql, prepared.bind(ids)
            connection = _connection_for(model)
    if query is not None:
        model = query.model
        sql, params, connection = _ranked_sql(query, order, limit, with_totals, also)
    executor = connection.executor_class(model=model, db=connection)
    found: dict[Any, list[M]] = defaultdict(list)
    totals: dict[Any, int] = {}
    for row in await executor.execute_select(sql, params,
                                             custom_fields=[_TOTAL] if with_totals else None):
        group = (row.patient_id, getattr(row, also)) if also else row.patient_id
        found[group].append(row)
        if with_totals:
            totals[group] = int(getattr(row, _TOTAL))
    return found, totals


async def counts(query: QuerySet[M]) -> dict[int, int]:
    """How many rows of ``query`` each patient has (patients without any are left out)."""
    grouped = query.group_by("patient_id").annotate(rows=Count("id"))
    return {patient_id: rows for patient_id, rows in
            await grouped.values_list("patient_id", "rows")}


async def answer_batched(
    requests: Sequence[R],
    batch_of: Callable[[R], Hashable | None],
    answer_batch: Callable[[list[R]], Awaitable[Mapping[R, P]]],
    answer_one: Callable[[R], Awaitable[P]],
) -> list[P]:
    """Answer a DataLoader's requests: those with the same batch key (e.g. first pages of the
    same list) together, those without one (a page after a cursor) one by one."""
    batches: dict[Hashable, list[R]] = defaultdict(list)
    for request in requests:
        key = batch_of(request)
        if key is not None:
            batches[key].append(request)
    answers: dict[R, P] = {}
    for batch in batches.values():
        answers.update(await answer_batch(batch))
    for request in requests:
        if request not in answers:
            answers[request] = await answer_one(request)
    return [answers[request] for request in requests]


class PagesByRequestLoader(DataLoader[R, P]):
    """Base of the page loaders: the requests of one tick answered by ``answer_batched``.

    A subclass (named after what it loads) gives the three functions.
    """

    def __init__(
        self,
        batch_of: Callable[[R], Hashable | None],
        answer_batch: Callable[[list[R]], Awaitable[Mapping[R, P]]],
        answer_one: Callable[[R], Awaitable[P]],
    ) -> None:
        super().__init__(load_fn=self._load)
        self.batch_of, self.answer_batch, self.answer_one = batch_of, answer_batch, answer_one

    async def _load(self, requests: Sequence[R]) -> list[P]:
        return await answer_batched(requests, self.batch_of, self.answer_batch, self.answer_one)
