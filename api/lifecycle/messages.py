"""The e-mails a patient receives about their account's life: what happened, nothing more.

Like every Carnet mail, no name, no health detail and no link (api/mail/notification_mail.py).
"""

from __future__ import annotations

from api.texts import N_

CLOSED_SUBJECT = N_("Carnet: your account is closed")
CLOSED_BODY = N_("Your Carnet account was closed. Your record is archived: nobody can read "
                 "it, not even the professionals you had given access to. It is kept for "
                 "10 years, then deleted. You can reopen your account until then by signing "
                 "in; the access you had given professionals and apps will not come back by "
                 "itself.\n\nIf you did not close your account, sign in and reopen it now, "
                 "then change your password.")
REOPENED_SUBJECT = N_("Carnet: your account is open again")
REOPENED_BODY = N_("Your Carnet account was reopened and your record is yours to use again. "
                   "No professional or app has access to it until you give it again.\n\n"
                   "If you did not reopen your account, sign in, change your password and "
                   "look at the access history.")
DELETED_SUBJECT = N_("Carnet: your record was deleted")
DELETED_BODY = N_("As you asked, your Carnet account and your health record were deleted. "
                  "Nothing of them can be recovered, and this is the last e-mail Carnet sends "
                  "you.")
PURGED_SUBJECT = N_("Carnet: your archived record was deleted")
PURGED_BODY = N_("Your Carnet account was closed 10 years ago and was not reopened: as "
                 "announced, your account and your archived health record are now deleted. "
                 "Nothing of them can be recovered, and this is the last e-mail Carnet sends "
                 "you.")
