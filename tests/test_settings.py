import pytest

from api.settings import DEV_SECRET_KEY, Settings, SettingsError

MASTER = "A" * 43  # 32 bytes in base64url


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
                                  "SMTP_HOST": "mail.example", "CARNET_MASTER_KEY": MASTER})
    assert settings.production and settings.secret_key != DEV_SECRET_KEY
    assert "PostgreSQL" in caplog.text


def test_an_unknown_environment_name_is_refused():
    with pytest.raises(SettingsError):
        Settings.from_env({"CARNET_ENV": "prod"})


def test_the_api_limits_come_from_the_environment():
    limits = Settings.from_env({"RATE_LIMIT_STORAGE": "redis://127.0.0.1:6379/0",
                                "RATE_LIMIT_PER_TOKEN": "10/second", "COST_BUDGET": "5/hour",
                                "PERSISTED_QUERY_STORAGE": "redis://127.0.0.1:6379/1"}).api_limits
    assert limits.storage == "redis://127.0.0.1:6379/0" and limits.per_token == "10/second"
    assert limits.cost_budget == "5/hour" and limits.per_address == "600/minute"
    assert limits.persisted_query_storage == "redis://127.0.0.1:6379/1"


@pytest.mark.parametrize("variable", ["RATE_LIMIT_PER_TOKEN", "RATE_LIMIT_PER_ADDRESS",
                                      "COST_BUDGET"])
def test_a_rate_that_cannot_be_read_is_refused_at_start(variable):
    with pytest.raises(SettingsError, match="300/minute"):
        Settings.from_env({variable: "often"})


def test_production_with_limits_in_memory_starts_with_a_warning(caplog):
    Settings.from_env({"CARNET_ENV": "production", "SECRET_KEY": "x" * 40,
                       "SMTP_HOST": "mail.example", "CARNET_MASTER_KEY": MASTER})
    assert "RATE_LIMIT_STORAGE" in caplog.text
