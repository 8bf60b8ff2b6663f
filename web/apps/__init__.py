"""Pages for outside apps: the catalogue, the consent screen, connected apps."""

from __future__ import annotations

from web.apps import catalogue, connected, consent

routes = [*catalogue.routes, *consent.routes, *connected.routes]
