"""Record rows whose free text is stored sealed under the patient's data key.

A model of the record inherits `SealedModel` and declares its free-text columns with
`SealedText`. The row hooks (api/row_hooks.py) make it transparent: before a row is
written its patient's key is fetched (made at the first write), and each sealed column is
written as ``api.identity.sealing.seal`` of the text, bound to
``<table>|<column>|<patient id>|<seal id>``. `seal_id` is a random id given to the row in
Python when it is made (the database id is not known before the INSERT, and the clear text
must never reach the database): a ciphertext copied to another row, another column or
another patient's row does not open. Right after rows are read, their patients' keys are
fetched in one statement (none when the cache holds them) and the columns opened.

What the database cannot do on sealed columns: compare, search or sort them, and
``QuerySet.update`` them (refused: it has no row to bind the text to).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Generator, Iterable, Sequence
from typing import Any, ClassVar

from tortoise import connections, fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model
from tortoise.transactions import in_transaction
from tortoise.validators import MaxLengthValidator

from api.identity.patient_keys import RecordUnreadable, keys_for
from api.identity.sealing import SealBroken, open_, seal


class SealedColumnError(TypeError):
    """A sealed column used where it cannot be: a filter on a value, a bulk update."""


def new_seal_id() -> str:
    return uuid.uuid4().hex


def sealing_aad(table: str, column: str, patient_id: int, seal_id: str) -> bytes:
    """Where a sealed value belongs: it opens nowhere else."""
    return f"{table}|{column}|{patient_id}|{seal_id}".encode()


class SealedText(fields.TextField):
    """Free text stored sealed; `max_length` limits the clear text, as a CharField would."""

    def __init__(self, max_length: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_length = max_length
        if max_length is not None:
            self.validators.append(MaxLengthValidator(max_length))

    def to_db_value(self, value: Any, instance: Any) -> Any:
        if value is None:
            return None
        if not isinstance(instance, SealedModel):
            raise SealedColumnError(
                f"{self.model_field_name} is sealed: it cannot be searched or bulk-updated")
        text = str(value)
        self.validate(text)
        return seal(instance.data_key_for_writing(), text, instance.sealing_aad(
            self.model_field_name))


def _sealed_columns(model: type[Model]) -> tuple[str, ...]:
    return tuple(name for name, field in model._meta.fields_map.items()
                 if isinstance(field, SealedText))


class _KeysThenBulkCreate:
    """`bulk_create` that first fetches (or makes) the patients' keys, in the same connection."""

    def __init__(self, model: type[SealedModel], rows: list[SealedModel], query: Any,
                 using_db: BaseDBAsyncClient | None) -> None:
        self.model, self.rows, self.query, self.using_db = model, rows, query, using_db

    async def _run(self) -> Any:
        db = self.using_db or connections.get(self.model._meta.default_connection or "default")
        await self.model.before_rows_written(self.rows, db)
        return await self.query

    def __await__(self) -> Generator[Any, None, Any]:
        return self._run().__await__()


class SealedModel(Model):
    """A patient's row with sealed free text (see the module's docstring)."""

    seal_id = fields.CharField(max_length=32, null=True, default=new_seal_id)
    sealed_columns: ClassVar[tuple[str, ...]] = ()

    patient_id: int

    class Meta:
        abstract = True

    def sealing_aad(self, column: str) -> bytes:
        if self.seal_id is None:
            raise SealedColumnError("a sealed row needs its seal id")
        return sealing_aad(self._meta.db_table, column, self.patient_id, self.seal_id)

    def sealing_existing(self) -> list[str]:
        """Before `seal_existing` seals a row written before sealing: a model may move clear
        text into its sealed columns here; the other columns it changed."""
        return []

    def data_key_for_writing(self) -> bytes:
        key: bytes | None = self.__dict__.get("_data_key")
        if key is None:
            raise SealedColumnError(f"{type(self).__name__} written without its patient's key")
        return key

    @classmethod
    def _columns(cls) -> tuple[str, ...]:
        if not cls.sealed_columns:
            cls.sealed_columns = _sealed_columns(cls)
        return cls.sealed_columns

    @classmethod
    async def before_rows_written(cls, rows: Sequence[SealedModel],
                                  connection: BaseDBAsyncClient) -> None:
        """Give each row its patient's key (made if missing) and a seal id if it has none."""
        keys = await keys_for({row.patient_id for row in rows}, connection, create=True)
        for row in rows:
            key = keys.get(row.patient_id)
            if key is None:
                raise RecordUnreadable("This record was erased: nothing can be added to it.")
            if row.seal_id is None:
                row.seal_id = new_seal_id()
            row.__dict__["_data_key"] = key

    @classmethod
    async def after_rows_read(cls, rows: Sequence[SealedModel],
                              connection: BaseDBAsyncClient) -> None:
        """Open the sealed columns of rows just read; RecordUnreadable when one does not."""
        columns = cls._columns()
        # A row without a seal id was written before sealing: `seal_existing` seals it.
        sealed = [row for row in rows if row.__dict__.get("seal_id", "") is not None
                  and any(row.__dict__.get(name) is not None for name in columns)]
        if not sealed:
            return
        for row in sealed:
            if "patient_id" not in row.__dict__ or "seal_id" not in row.__dict__:
                raise SealedColumnError(f"{cls.__name__}: read sealed columns with their "
                                        "patient_id and seal_id")
        keys = await keys_for({row.patient_id for row in sealed}, connection)
        failed = _open_rows(sealed, columns, keys)
        if failed:
            # A cached key may be stale (a key destroyed elsewhere, a database emptied):
            # read those patients' keys again, once.
            keys = await keys_for({row.patient_id for row in failed}, connection,
                                  fresh=True)
            if _open_rows(failed, columns, keys):
                raise RecordUnreadable()

    async def save(self, using_db: BaseDBAsyncClient | None = None,
                   update_fields: Iterable[str] | None = None, force_create: bool = False,
                   force_update: bool = False) -> None:
        if update_fields is not None and self.seal_id is None:
            # A row written before sealing: seal all of it, with its new seal id.
            update_fields = list(dict.fromkeys([*update_fields, "seal_id", *self._columns()]))
        await super().save(using_db=using_db, update_fields=update_fields,
                           force_create=force_create, force_update=force_update)

    @classmethod
    def bulk_create(cls, objects: Iterable[Any], batch_size: int | None = None,
                    ignore_conflicts: bool = False, update_fields: Iterable[str] | None = None,
                    on_conflict: Iterable[str] | None = None,
                    using_db: BaseDBAsyncClient | None = None) -> Any:
        rows = list(objects)
        query = super().bulk_create(rows, batch_size=batch_size,
                                    ignore_conflicts=ignore_conflicts,
                                    update_fields=update_fields, on_conflict=on_conflict,
                                    using_db=using_db)
        return _KeysThenBulkCreate(cls, rows, query, using_db)


def _open_rows(rows: Sequence[SealedModel], columns: tuple[str, ...],
               keys: dict[int, bytes | None]) -> list[SealedModel]:
    """Open each row's sealed columns in place; the rows that did not open (left as read)."""
    failed = []
    for row in rows:
        key = keys.get(row.patient_id)
        if key is None:
            failed.append(row)
            continue
        try:
            opened = {name: open_(key, row.__dict__[name], row.sealing_aad(name))
                      for name in columns if row.__dict__.get(name) is not None}
        except (SealBroken, SealedColumnError):
            failed.append(row)
            continue
        for name, text in opened.items():
            object.__setattr__(row, name, text)
    return failed


async def seal_existing(models: Sequence[type[SealedModel]], batch: int = 500,
                        progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Seal the rows written before sealing existed (their `seal_id` is null), batch by
    batch, each batch in one transaction; returns how many rows of each table were sealed.
    Run by `carnet migrate`; running it again finds nothing left to do."""
    done: dict[str, int] = {}
    for model in models:
        table = model._meta.db_table
        done[table] = 0
        while True:
            async with in_transaction() as connection:
                rows = await (model.filter(seal_id__isnull=True).order_by("id").limit(batch)
                              .using_db(connection))
                for row in rows:
                    await row.save(update_fields=["seal_id", *model._columns(),
                                                  *row.sealing_existing()],
                                   using_db=connection)
            done[table] += len(rows)
            if progress and rows:
                progress(table, done[table])
            if len(rows) < batch:
                break
    return done
