"""Sealing chain heads and the register's tip: an HMAC under a key derived from the server's
secret.

A chain head says where a patient's chain ends (the sequence and hash of its newest event).
Its seal is HMAC-SHA256 over (patient, sequence, hash) with a key derived from
``settings.secret_key``. The key is never stored in the database, so someone who can edit
the database can delete a chain's newest events but cannot write a head that agrees.

The process that writes the history configures the key once, when it opens the database
(``api.db.open_database``); appending refuses to run without it rather than write a head
that nobody could check.
"""

from __future__ import annotations

import hashlib
import hmac

_KEY_LABEL = b"carnet audit chain head"
# Set by configure(): the key heads are sealed with in this process.
_key: bytes | None = None


def key_for(secret_key: str) -> bytes:
    """The sealing key derived from the server's secret (never the secret itself)."""
    return hmac.new(secret_key.encode(), _KEY_LABEL, hashlib.sha256).digest()


def configure(secret_key: str) -> None:
    """Seal the heads this process writes with the key derived from ``secret_key``."""
    global _key
    _key = key_for(secret_key)


def sealing_key() -> bytes:
    """The configured key; a clear error when the database was not opened through
    ``api.db.open_database`` (or migrated through ``api.db.apply_migrations``)."""
    if _key is None:
        raise RuntimeError(
            "No key to seal access chain heads with, so the access history is not written: "
            "open the database with api.db.open_database(settings) (migrate with "
            "api.db.apply_migrations(settings), i.e. `carnet migrate`), which configure it."
        )
    return _key


def seal_tip(key: bytes, position: int, tip_hash: str) -> str:
    """The register tip's seal; its message cannot be read as a chain head's."""
    message = f"register:{position}:{tip_hash}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def tip_seal_matches(key: bytes, position: int, tip_hash: str, stored_seal: str) -> bool:
    return hmac.compare_digest(seal_tip(key, position, tip_hash), stored_seal)


def seal(key: bytes, patient_id: int, sequence: int, head_hash: str) -> str:
    message = f"{patient_id}:{sequence}:{head_hash}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def seal_matches(key: bytes, patient_id: int, sequence: int, head_hash: str,
                 stored_seal: str) -> bool:
    return hmac.compare_digest(seal(key, patient_id, sequence, head_hash), stored_seal)
