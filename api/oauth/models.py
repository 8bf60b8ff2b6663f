"""Apps, the consent a person gave each app, authorization codes and tokens.

Codes and tokens are stored as SHA-256 digests only: a copy of the database gives nobody a
usable token. A token row holds one access token and, usually, the refresh token issued
with it; every row of one code exchange and its refreshes shares a ``family``, so a reused
refresh token can end them all at once.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from api.identity.models import Account, Patient


class OAuthApp(Model):
    """A registered client. Only an approved app can be authorised."""

    id = fields.IntField(primary_key=True)
    client_id = fields.CharField(max_length=64, unique=True)
    # None for a public client (mobile, single-page): it relies on PKCE alone.
    client_secret_hash = fields.CharField(max_length=64, null=True)
    name = fields.CharField(max_length=100)
    publisher = fields.CharField(max_length=100)
    # One URI per line, compared exactly.
    redirect_uris = fields.TextField()
    # Space-separated scopes the app may ever ask for.
    scopes = fields.TextField()
    created_at = fields.DatetimeField()
    approved_at = fields.DatetimeField(null=True)
    # On: the app's bearer tokens run only the operations registered for it (AppOperation).
    allowlist_mode = fields.BooleanField(default=False)

    class Meta:
        table = "oauth_app"


class AppOperation(Model):
    """A GraphQL operation registered for an app (`carnet apps operations`).

    Known to the server as a persisted query of that app's tokens; in allowlist mode, the
    only operations they may run. ``sha256`` is the digest of ``query``, the exact text the
    app sends.
    """

    id = fields.IntField(primary_key=True)
    app: fields.ForeignKeyRelation[OAuthApp] = fields.ForeignKeyField(
        "oauth.OAuthApp", related_name="operations", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=200)
    sha256 = fields.CharField(max_length=64)
    query = fields.TextField()
    created_at = fields.DatetimeField()

    app_id: int

    class Meta:
        table = "oauth_operation"
        unique_together = (("app", "sha256"),)


class AppConnection(Model):
    """What a person let an app do, on which record: the consent screen's answer.

    ``patient`` is the record the app may reach (the person's own or a child's); None for a
    professional's practice software, which acts as the professional on every record they
    may reach. Disconnecting sets ``revoked_at`` and revokes every token of the connection.
    """

    id = fields.IntField(primary_key=True)
    app: fields.ForeignKeyRelation[OAuthApp] = fields.ForeignKeyField(
        "oauth.OAuthApp", related_name="connections", on_delete=fields.CASCADE
    )
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "identity.Account", related_name=False, on_delete=fields.CASCADE
    )
    patient: fields.ForeignKeyNullableRelation[Patient] = fields.ForeignKeyField(
        "identity.Patient", related_name=False, null=True, on_delete=fields.CASCADE
    )
    scopes = fields.TextField()
    created_at = fields.DatetimeField()
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    app_id: int
    account_id: int
    patient_id: int | None

    class Meta:
        table = "oauth_connection"
        indexes = (("account_id", "revoked_at"),)


class AuthorizationCode(Model):
    id = fields.IntField(primary_key=True)
    code_hash = fields.CharField(max_length=64, unique=True)
    connection: fields.ForeignKeyRelation[AppConnection] = fields.ForeignKeyField(
        "oauth.AppConnection", related_name=False, on_delete=fields.CASCADE
    )
    redirect_uri = fields.TextField()
    scopes = fields.TextField()
    code_challenge = fields.CharField(max_length=128)
    code_challenge_method = fields.CharField(max_length=8)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    # The family of the tokens this code gave, to end them if the code comes back.
    family = fields.CharField(max_length=32)

    connection_id: int

    class Meta:
        table = "oauth_code"


class OAuthToken(Model):
    id = fields.IntField(primary_key=True)
    connection: fields.ForeignKeyRelation[AppConnection] = fields.ForeignKeyField(
        "oauth.AppConnection", related_name=False, on_delete=fields.CASCADE
    )
    family = fields.CharField(max_length=32, db_index=True)
    access_token_hash = fields.CharField(max_length=64, unique=True)
    refresh_token_hash = fields.CharField(max_length=64, unique=True, null=True)
    scopes = fields.TextField()
    issued_at = fields.DatetimeField()
    access_expires_at = fields.DatetimeField()
    refresh_expires_at = fields.DatetimeField(null=True)
    # Set when the refresh token was exchanged for a new one; a second use is a reuse.
    rotated_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    connection_id: int

    class Meta:
        table = "oauth_token"
