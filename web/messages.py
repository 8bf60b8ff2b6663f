"""User-facing messages for the machine-readable codes the services raise.

Message ids are English; web/locales/fr holds the French. `N_` marks them for extraction.
"""

from __future__ import annotations


def N_(message: str) -> str:
    return message


MESSAGES = {
    "bad_credentials": N_("The e-mail address or the password is wrong."),
    "throttled": N_("Too many failed attempts. Wait {seconds} seconds, then try again."),
    "account_pending": N_("This account is not activated yet: activate it with your code first."),
    "account_opposed": N_("This account was refused by its owner and cannot be used."),
    "account_closed": N_("This account is closed."),
    "bad_code": N_("This code is wrong. Check it and try again."),
    "code_expired": N_("This code has expired. Ask for a new one."),
    "too_many_codes": N_("Too many wrong codes. Sign in again from the start."),
    "codes_throttled": N_(
        "Too many codes were sent to you lately. Wait {seconds} seconds before asking for "
        "a new one."
    ),
    "busy": N_("Carnet is very busy right now. Try again in a few seconds."),
    "session_expired": N_("Your sign-in took too long. Start again."),
    "password_too_short": N_("A password has at least 12 characters."),
    "password_too_long": N_("This password is too long."),
    "password_mismatch": N_("The two passwords are not the same."),
    "password_unchanged": N_("The new password must differ from the current one."),
    "bad_current_password": N_("The current password is wrong."),
    "bad_activation": N_("The INS or the activation code is wrong."),
    "activation_expired": N_("This activation code has expired. Ask your health insurance fund."),
    "email_invalid": N_("Enter an e-mail address such as name@example.fr."),
    "email_taken": N_("This e-mail address is already used by another account."),
    "ins_length": N_(
        "An INS has 15 characters: the 13 of the social security number, then the 2-digit key."
    ),
    "nir_format": N_("The first 13 characters are digits (2A or 2B for Corsica)."),
    "ins_key_format": N_("The key is made of two digits."),
    "ins_key_mismatch": N_("The key does not match the number: check the 15 characters."),
    "confirm_required": N_("Tick the box to confirm."),
    "professionals_need_totp": N_("Professionals must use an authenticator app."),
    "mail_failed": N_("The e-mail with your code could not be sent. Try again in a moment."),
}


def message(translate: object, code: str, **values: object) -> str:
    template = MESSAGES.get(code, N_("Something went wrong. Try again."))
    text: str = translate(template)  # type: ignore[operator]
    return text.format(**values) if values else text


PROFESSIONS = {
    "physician": N_("Physician"),
    "nurse": N_("Nurse"),
    "pharmacist": N_("Pharmacist"),
    "dentist": N_("Dentist"),
    "midwife": N_("Midwife"),
    "physiotherapist": N_("Physiotherapist"),
    "emergency_physician": N_("Emergency physician"),
    "samu_regulator": N_("SAMU regulating doctor"),
}
