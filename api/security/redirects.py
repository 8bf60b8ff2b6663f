"""The one check on where a redirect may go: a path on this site, nothing else.

A "next" parameter comes from the query string or a form, so anyone can write one: the
sign-in pages, the language switch and the upload form all send it through here, so that
a link cannot bounce a person to another site (an open redirect).
"""

from __future__ import annotations

from urllib.parse import urlsplit


def same_site_path(raw: object, default: str = "/") -> str:
    """`raw` when it is a path on this site, else `default`.

    Refused: anything that is not text, does not start with one slash, starts with two
    (`//evil.example` is another host), holds a backslash (browsers read it as a slash),
    white space or an unprintable character, or parses with a scheme or a host.
    """
    if not isinstance(raw, str) or not raw.startswith("/") or raw.startswith("//"):
        return default
    if "\\" in raw or any(not ch.isprintable() or ch.isspace() for ch in raw):
        return default
    parts = urlsplit(raw)
    return raw if not parts.scheme and not parts.netloc else default
