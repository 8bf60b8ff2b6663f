import pytest

from api.settings import DEV_SECRET_KEY, Settings, SettingsError


def test_development_defaults_to_sqlite_and_the_outbox():
    settings = Settings.from_env({})
    assert settings.is_sqlite and settings.mail_backend == "outbox" and not settings.production


def test_production_refuses_the_development_secret_key():
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        Settings.from_env({"CARNET_ENV": "production", "SMTP_HOST": "mail.example"})


def test_production_refuses_a_short_secret_key():
    with pytest.raises(SettingsError):
        Settings.from_env({"CARNET_ENV": "production", "SECRET_KEY": "short",
                           "SMTP_HOST": "mail.example"})


def test_production_needs_a_mail_server_for_sign_in_codes():
    with pytest.raises(SettingsError, match="SMTP_HOST"):
        Settings.from_env({"CARNET_ENV": "production", "SECRET_KEY": "x" * 40})


def test_production_on_sqlite_starts_with_a_warning(caplog):
    settings = Settings.from_env({"CARNET_ENV": "production", "SECRET_KEY": "x" * 40,
                                  "SMTP_HOST": "mail.example"})
    assert settings.production and settings.secret_key != DEV_SECRET_KEY
    assert "PostgreSQL" in caplog.text


def test_an_unknown_environment_name_is_refused():
    with pytest.raises(SettingsError):
        Settings.from_env({"CARNET_ENV": "prod"})
