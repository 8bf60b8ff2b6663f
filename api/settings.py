"""Settings read from the environment, with safe development defaults.

In production mode the defaults that only suit a developer's machine are refused.
Nothing here reads the environment when the module is imported: `Settings.from_env()`
is called once, at start (the `carnet` command, the app factory), and the settings
are passed down; so a bad configuration is reported as such, not as a traceback.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from limits import parse
from tortoise.backends.base.config_generator import expand_db_url

log = logging.getLogger(__name__)

DEV_SECRET_KEY = "development-only-secret-key-do-not-use-in-production"  # noqa: S105
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_VAR_DIR = PROJECT_ROOT / "var"  # CARNET_VAR_DIR overrides it, read by from_env


class SettingsError(RuntimeError):
    """The configuration cannot be used as it is."""


# Where document bytes live (api/records/documents/storage.py): files under the var directory, or
# rows of the database, which every app process shares.
DOCUMENT_STORAGES = ("local", "database")


def _default_database_url() -> str:
    return f"sqlite://{DEFAULT_VAR_DIR / 'carnet.sqlite3'}"


@dataclass(frozen=True)
class ApiLimits:
    """Rate limits and cost budgets of the HTTP API (docs/api.md, "Limits").

    Rates are `limits` strings ("300/minute"). The storage is `memory://` (one process)
    or a Redis URL, so that several server processes share the counts.
    """

    storage: str = "memory://"
    key_prefix: str = "carnet"
    per_token: str = "300/minute"  # noqa: S105 - a rate, not a secret
    per_address: str = "600/minute"
    cost_budget: str = "20000/minute"
    persisted_query_storage: str = "memory://"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ApiLimits:
        return cls(
            storage=env.get("RATE_LIMIT_STORAGE", cls.storage),
            key_prefix=env.get("RATE_LIMIT_KEY_PREFIX", cls.key_prefix),
            per_token=env.get("RATE_LIMIT_PER_TOKEN", cls.per_token),
            per_address=env.get("RATE_LIMIT_PER_ADDRESS", cls.per_address),
            cost_budget=env.get("COST_BUDGET", cls.cost_budget),
            persisted_query_storage=env.get("PERSISTED_QUERY_STORAGE",
                                            cls.persisted_query_storage),
        )

    def check(self) -> None:
        """Refuse a rate `limits` cannot read, at start rather than on the first request."""
        for name in ("per_token", "per_address", "cost_budget"):
            value = getattr(self, name)
            try:
                parse(value)
            except ValueError:
                raise SettingsError(f"{name} must read like 300/minute, not {value!r}") from None


MASTER_KEY_BYTES = 32


def decode_master_key(text: str, origin: str) -> bytes:
    """32 bytes written in base64url (padding optional), or a SettingsError naming `origin`."""
    cleaned = text.strip()
    try:
        key = base64.urlsafe_b64decode(cleaned + "=" * (-len(cleaned) % 4))
    except (binascii.Error, ValueError):
        raise SettingsError(f"{origin} must be 32 bytes written in base64url") from None
    if len(key) != MASTER_KEY_BYTES:
        raise SettingsError(f"{origin} must be 32 bytes written in base64url, not {len(key)} "
                            "bytes")
    return key


def encode_master_key(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).decode().rstrip("=")


def read_master_key(env: Mapping[str, str]) -> bytes:
    """The master key from CARNET_MASTER_KEY, or the file CARNET_MASTER_KEY_FILE names."""
    given = env.get("CARNET_MASTER_KEY", "")
    path = env.get("CARNET_MASTER_KEY_FILE", "")
    if given and path:
        raise SettingsError("Set CARNET_MASTER_KEY or CARNET_MASTER_KEY_FILE, not both")
    if path:
        try:
            given = Path(path).read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as error:
            raise SettingsError(f"CARNET_MASTER_KEY_FILE cannot be read: {error}") from None
        return decode_master_key(given, "CARNET_MASTER_KEY_FILE")
    return decode_master_key(given, "CARNET_MASTER_KEY") if given else b""


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    database_url: str = field(default_factory=_default_database_url)
    secret_key: str = DEV_SECRET_KEY
    var_dir: Path = DEFAULT_VAR_DIR
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "Carnet <no-reply@carnet.invalid>"
    smtp_starttls: bool = True
    # Where sign-in codes go in development: kept in the database, shown at /dev/outbox.
    mail_backend: str = "outbox"
    api_limits: ApiLimits = field(default_factory=ApiLimits)
    # From the environment: `database` on PostgreSQL, `local` on SQLite, unless
    # CARNET_DOCUMENT_STORAGE says otherwise.
    document_storage: str = "local"
    # The master key that wraps every patient's data key (api/identity/patient_keys.py):
    # 32 bytes, from CARNET_MASTER_KEY or CARNET_MASTER_KEY_FILE. Empty in development means
    # one derived from the secret key; production refuses to start without one.
    master_key: bytes = field(default=b"", repr=False)

    @property
    def data_master_key(self) -> bytes:
        """The master key in use: the one given, or in development one derived from the
        secret key, so a developer's machine and the tests need nothing set."""
        if self.master_key:
            return self.master_key
        return hashlib.sha256(b"carnet:development-master-key:" + self.secret_key.encode()
                              ).digest()

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        var_dir = Path(env.get("CARNET_VAR_DIR", str(DEFAULT_VAR_DIR)))
        carnet_env = env.get("CARNET_ENV", "development")
        if carnet_env not in ("development", "production"):
            raise SettingsError(f"CARNET_ENV must be development or production, not {carnet_env!r}")
        smtp_host = env.get("SMTP_HOST", "")
        database_url = env.get("DATABASE_URL", f"sqlite://{var_dir / 'carnet.sqlite3'}")
        automatic_storage = "local" if database_url.startswith("sqlite") else "database"
        settings = cls(
            env=carnet_env,
            database_url=database_url,
            secret_key=env.get("SECRET_KEY", DEV_SECRET_KEY),
            var_dir=var_dir,
            smtp_host=smtp_host,
            smtp_port=int(env.get("SMTP_PORT", "587")),
            smtp_user=env.get("SMTP_USER", ""),
            smtp_password=env.get("SMTP_PASSWORD", ""),
            smtp_from=env.get("SMTP_FROM", cls.smtp_from),
            smtp_starttls=env.get("SMTP_STARTTLS", "true").lower() != "false",
            mail_backend="smtp" if smtp_host else "outbox",
            api_limits=ApiLimits.from_env(env),
            document_storage=env.get("CARNET_DOCUMENT_STORAGE", "").strip() or automatic_storage,
            master_key=read_master_key(env),
        )
        settings.check()
        return settings

    def check(self) -> None:
        """Refuse settings that cannot work, and those that would be unsafe in production."""
        self.api_limits.check()
        if self.document_storage not in DOCUMENT_STORAGES:
            raise SettingsError("CARNET_DOCUMENT_STORAGE must be local or database, not "
                                f"{self.document_storage!r}")
        if not self.production:
            return
        if self.secret_key == DEV_SECRET_KEY or len(self.secret_key) < 32:
            raise SettingsError(
                "SECRET_KEY must be set to a random value of at least 32 characters in production"
            )
        if self.mail_backend != "smtp":
            raise SettingsError("SMTP_HOST must be set in production: sign-in codes go by e-mail")
        if not self.master_key:
            raise SettingsError(
                "CARNET_MASTER_KEY or CARNET_MASTER_KEY_FILE must be set in production: the "
                "master key protects every patient's data key (carnet keys generate makes one)"
            )
        if self.api_limits.storage.startswith("memory"):
            log.warning("Rate limits are kept in memory: with several server processes, "
                        "set RATE_LIMIT_STORAGE=redis://… so that they hold across them")
        if self.document_storage == "local" and not self.is_sqlite:
            log.warning("Documents are kept in the var directory: a second app machine cannot "
                        "serve them; set CARNET_DOCUMENT_STORAGE=database (the default on "
                        "PostgreSQL)")
        if self.is_sqlite:
            log.warning("Running in production on SQLite: use PostgreSQL (DATABASE_URL=postgres://…)")


# One Tortoise app per domain, each with its own migrations package
# (api/<domain>/migrations), so domains evolve their schema independently.
DOMAIN_APPS: dict[str, tuple[str, str]] = {
    # label: (models module, migrations package)
    "identity": ("api.identity.models", "api.identity.migrations"),
    "mail": ("api.mail.models", "api.mail.migrations"),
    "entries": ("api.records.entries.models", "api.records.entries.migrations"),
    "measurements": ("api.records.measurements.models", "api.records.measurements.migrations"),
    "directives": ("api.records.directives.models", "api.records.directives.migrations"),
    "documents": ("api.records.documents.models", "api.records.documents.migrations"),
    "consent": ("api.consent.models", "api.consent.migrations"),
    "audit": ("api.audit.models", "api.audit.migrations"),
    "sync": ("api.sync.models", "api.sync.migrations"),
    "oauth": ("api.oauth.models", "api.oauth.migrations"),
    "notify": ("api.notify.models", "api.notify.migrations"),
    "messaging": ("api.messaging.models", "api.messaging.migrations"),
}


# Tortoise's SQLite client with its lock released when the file cannot be opened.
SQLITE_ENGINE = "api.sqlite_client"
# Tortoise's asyncpg client without a reset statement after each one (api/postgres_client.py).
POSTGRES_ENGINE = "api.postgres_client"


def _connection_config(database_url: str) -> str | dict[str, Any]:
    config = expand_db_url(database_url)
    if database_url.startswith("sqlite://"):
        # Deleted rows are overwritten with zeros, not left in free pages: a patient's
        # erased data (and their destroyed key) does not linger in the file.
        credentials = {**config["credentials"], "secure_delete": "ON"}
        return {**config, "credentials": credentials, "engine": SQLITE_ENGINE}
    if config["engine"] == "tortoise.backends.asyncpg":
        return {**config, "engine": POSTGRES_ENGINE}
    return database_url


def tortoise_config(database_url: str) -> dict[str, object]:
    return {
        "connections": {"default": _connection_config(database_url)},
        "apps": {
            label: {"models": [models], "migrations": migrations, "default_connection": "default"}
            for label, (models, migrations) in DOMAIN_APPS.items()
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def __getattr__(name: str) -> object:
    """`api.settings.TORTOISE_ORM`, for the `tortoise` command line (makemigrations):
    computed when that command asks for it, never when the app imports this module."""
    if name == "TORTOISE_ORM":
        return tortoise_config(Settings.from_env().database_url)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
