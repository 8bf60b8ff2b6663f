"""An account's life after activation: closing (the record archived for 10 years),
reopening, the purge of archives over 10 years old, and deletion on request.

Sits above records, messaging and audit (it deletes their rows and writes the access
history) and below notify (whose periodic job runs the purge) and root.
"""
