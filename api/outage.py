"""Telling a database outage from a fault in the code.

While the database restarts or cannot be reached, requests fail with connection
errors; they are answered 503 with `Retry-After` (the client tries again in a
moment) rather than as a server fault. Tortoise opens connections again by
itself once the database is back, so nothing else is needed to recover.
"""

from __future__ import annotations

import errno
import socket
import sqlite3

import asyncpg
from tortoise.exceptions import DBConnectionError, OperationalError

from api.graphql.errors import CarnetError
from api.texts import N_, text

RETRY_AFTER_SECONDS = 5
UNAVAILABLE = "UNAVAILABLE"

MESSAGE = N_("The service is unavailable for a moment. Try again shortly.")

# SQLite reports a file it cannot open, read or lock with these words.
_SQLITE_OUTAGE_WORDS = (
    "unable to open database file",
    "disk i/o error",
    "database is locked",
)
_UNREACHABLE_ERRNOS = {errno.ECONNREFUSED, errno.ECONNRESET, errno.EHOSTUNREACH,
                       errno.ENETUNREACH, errno.ETIMEDOUT, errno.EPIPE}
_POSTGRES_OUTAGE = (
    asyncpg.exceptions.PostgresConnectionError,  # class 08: connection lost or refused
    asyncpg.exceptions.CannotConnectNowError,  # 57P03: starting up or shutting down
    asyncpg.exceptions.AdminShutdownError,  # 57P01: terminated by the administrator
    asyncpg.exceptions.CrashShutdownError,  # 57P02
    asyncpg.exceptions.TooManyConnectionsError,  # 53300
)

# The exception types an outage can surface as; a handler for them must still check
# `is_database_outage`, since most of these types also describe faults.
OUTAGE_EXCEPTION_TYPES: tuple[type[Exception], ...] = (
    DBConnectionError,
    OperationalError,
    sqlite3.OperationalError,  # raised untranslated when tortoise (re)opens the file
    OSError,
    asyncpg.exceptions.PostgresError,
    asyncpg.exceptions.InterfaceError,
    asyncpg.exceptions.InternalClientError,
)


class DatabaseUnavailable(CarnetError):
    """Raised where an outage was noticed inside a GraphQL result (pages run operations)."""

    code = UNAVAILABLE


def _is_outage_itself(error: BaseException) -> bool:
    if isinstance(error, (DatabaseUnavailable, DBConnectionError, *_POSTGRES_OUTAGE)):
        return True
    if isinstance(error, ConnectionError | TimeoutError | socket.gaierror):
        return True
    if isinstance(error, OSError):  # asyncio joins several failed addresses in one OSError
        return error.errno in _UNREACHABLE_ERRNOS or "Connect call failed" in str(error)
    if isinstance(error, asyncpg.exceptions.InterfaceError):
        return "connection" in str(error) and "closed" in str(error)
    if isinstance(error, asyncpg.exceptions.InternalClientError):
        # A connection the server just terminated, handed out before asyncpg saw it close.
        return "another operation" in str(error) and "in progress" in str(error)
    if isinstance(error, sqlite3.OperationalError | OperationalError):
        return any(words in str(error).lower() for words in _SQLITE_OUTAGE_WORDS)
    return False


def is_database_outage(error: BaseException) -> bool:
    """True when `error`, or what caused it, says the database cannot be reached."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _is_outage_itself(current):
            return True
        if isinstance(current, OperationalError) and current.args:
            wrapped = current.args[0]
            if isinstance(wrapped, BaseException) and _is_outage_itself(wrapped):
                return True
        current = current.__cause__ or current.__context__
    return False


def outage_message(language: str) -> str:
    return text(language, MESSAGE)


def retry_after_headers() -> dict[str, str]:
    return {"Retry-After": str(RETRY_AFTER_SECONDS)}
