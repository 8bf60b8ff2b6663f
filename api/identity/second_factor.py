"""TOTP (authenticator apps): secrets, provisioning URIs, QR codes, verification."""

from __future__ import annotations

import io
from datetime import datetime

import pyotp
import segno

from api.ids import is_ascii_digits

ISSUER = "Carnet"
STEP_SECONDS = 30


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, account_label: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account_label, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code as an inline SVG (no script, no external request)."""
    out = io.BytesIO()
    segno.make(uri, error="m").save(
        out, kind="svg", scale=5, border=2, xmldecl=False, svgns=True,
        title="QR code", svgclass="qr", lineclass=None,
    )
    return out.getvalue().decode()


def totp_matches(secret: str, code: str, moment: datetime) -> int | None:
    """The time-step counter the code belongs to (one step of drift allowed), or None."""
    if len(code) != 6 or not is_ascii_digits(code):
        return None
    totp = pyotp.TOTP(secret)
    counter = int(moment.timestamp()) // STEP_SECONDS
    for drift in (0, -1, 1):
        if totp.at((counter + drift) * STEP_SECONDS) == code:
            return counter + drift
    return None


def current_code(secret: str, moment: datetime) -> str:
    return pyotp.TOTP(secret).at(moment)
