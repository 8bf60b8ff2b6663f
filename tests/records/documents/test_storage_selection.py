"""Which storage a deployment uses: files on SQLite, the database on PostgreSQL, or the
one CARNET_DOCUMENT_STORAGE names; anything else is refused at start."""

from __future__ import annotations

import pytest

from api.records.documents.storage import DatabaseStorage, LocalStorage, storage_for
from api.settings import Settings, SettingsError

SQLITE = "sqlite:///srv/carnet/var/carnet.sqlite3"
POSTGRES = "postgres://carnet@db.internal:5432/carnet"


@pytest.mark.parametrize(("database_url", "chosen", "expected"), [
    (SQLITE, None, LocalStorage),
    (POSTGRES, None, DatabaseStorage),
    (SQLITE, "database", DatabaseStorage),
    (POSTGRES, "local", LocalStorage),
    (POSTGRES, " database ", DatabaseStorage),
    (POSTGRES, "", DatabaseStorage),
])
def test_the_storage_follows_the_database_unless_a_setting_names_one(
        database_url: str, chosen: str | None, expected: type):
    environ = {"DATABASE_URL": database_url, "CARNET_VAR_DIR": "/srv/carnet/var"}
    if chosen is not None:
        environ["CARNET_DOCUMENT_STORAGE"] = chosen
    assert isinstance(storage_for(Settings.from_env(environ)), expected)


@pytest.mark.parametrize("chosen", ["s3", "Database", "files", "postgres"])
def test_an_unknown_storage_is_refused_at_start(chosen: str):
    with pytest.raises(SettingsError, match="CARNET_DOCUMENT_STORAGE must be local or database"):
        Settings.from_env({"DATABASE_URL": POSTGRES, "CARNET_DOCUMENT_STORAGE": chosen})


def test_local_files_keep_to_the_var_directory():
    settings = Settings.from_env({"DATABASE_URL": POSTGRES, "CARNET_DOCUMENT_STORAGE": "local",
                                  "CARNET_VAR_DIR": "/srv/carnet/var"})
    storage = storage_for(settings)
    assert isinstance(storage, LocalStorage)
    assert str(storage.root) == "/srv/carnet/var/documents"


def test_production_on_postgresql_with_local_files_is_warned_about(
        caplog: pytest.LogCaptureFixture):
    Settings.from_env({"DATABASE_URL": POSTGRES, "CARNET_DOCUMENT_STORAGE": "local",
                       "CARNET_ENV": "production", "SECRET_KEY": "k" * 40,
                       "SMTP_HOST": "smtp.example.org", "CARNET_MASTER_KEY": "A" * 43})
    assert "a second app machine cannot serve them" in caplog.text
