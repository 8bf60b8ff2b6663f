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

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from typing import Any, TypeVar

from pypika_tortoise.analytics import Count as WindowCount
from pypika_tortoise.analytics import RowNumber
from pypika_tortoise.enums import Order
from pypika_tortoise.terms import Field, Star, Term
from strawberry.dataloader import DataLoader
from tortoise.functions import Count
from tortoise.models import Model
from tortoise.queryset import QuerySet

M = TypeVar("M", bound=Model)
R = TypeVar("R", bound=Hashable)
P = TypeVar("P")
_RANK = "per_patient_rank"
_TOTAL = "per_patient_total"


def _term(key: str | Term) -> Term:
    return Field(key) if isinstance(key, str) else key


async def newest_rows(query: QuerySet[M], order: Sequence[str | Term], limit: int
                      ) -> dict[int, list[M]]:
    """Up to ``limit`` rows of each patient, sorted by ``order`` (each key descending)."""
    return (await _ranked(query, order, limit, with_totals=False))[0]


async def first_pages(query: QuerySet[M], order: Sequence[str | Term], limit: int
                      ) -> tuple[dict[int, list[M]], dict[int, int]]:
    """``newest_rows`` and ``counts`` in one statement: the rows, and each patient's total.

    Patients without any row are left out of both, as ``counts`` leaves them out.
    """
    return await _ranked(query, order, limit, with_totals=True)


async def first_pages_by(query: QuerySet[M], column: str, order: Sequence[str | Term],
                         limit: int) -> tuple[dict[tuple[int, Any], list[M]],
                                              dict[tuple[int, Any], int]]:
    """``first_pages`` for each (patient, ``column`` value): several lists of one table (a
    patient's measurements of several kinds) in one statement, keyed (patient id, value)."""
    found, totals = await _ranked(query, order, limit, with_totals=True, also=column)
    return found, totals


async def _ranked(query: QuerySet[M], order: Sequence[str | Term], limit: int,
                  with_totals: bool, also: str | None = None
                  ) -> tuple[dict[Any, list[M]], dict[Any, int]]:
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
    connection = ranked._db
    executor = connection.executor_class(model=ranked.model, db=connection)
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
