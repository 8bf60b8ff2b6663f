"""`carnet apps ...`: register an app, approve it into the catalogue, list the apps."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from api.oauth import services
from api.oauth.models import OAuthApp


def _register(args: argparse.Namespace) -> Callable[[], Awaitable[int]]:
    async def work() -> int:
        try:
            app, secret = await services.register_app(
                name=args.name, publisher=args.publisher or args.name,
                redirect_uris=args.redirect_uri, scopes=args.scopes,
                confidential=not args.public,
            )
        except services.AppError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        print(f"client_id: {app.client_id}")
        if secret is not None:
            print(f"client_secret: {secret}")
            print("Keep the secret now: Carnet stores only its hash.", file=sys.stderr)
        print(f"Not in the catalogue yet: carnet apps approve {app.client_id}", file=sys.stderr)
        return 0

    return work


def _approve(args: argparse.Namespace) -> Callable[[], Awaitable[int]]:
    async def work() -> int:
        try:
            app = await services.approve_app(args.client_id)
        except services.AppError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        print(f"{app.name} is in the catalogue.")
        return 0

    return work


def _list(args: argparse.Namespace) -> Callable[[], Awaitable[int]]:
    async def work() -> int:
        for app in await OAuthApp.all().order_by("id"):
            state = "approved" if app.approved_at else "pending"
            kind = "public" if app.client_secret_hash is None else "confidential"
            print(f"{app.client_id}\t{state}\t{kind}\t{app.name}\t{app.scopes}")
        return 0

    return work


def add_app_commands(sub: Any, run_with_database: Callable[..., int]) -> None:
    """Add `apps register|approve|list`; ``run_with_database(work)`` runs a coroutine."""
    apps = sub.add_parser("apps", help="outside apps (OAuth 2 clients)")
    apps_sub = apps.add_subparsers(dest="apps_command", required=True)
    register = apps_sub.add_parser("register", help="register an app; prints its client id "
                                   "(and secret, for a confidential client)")
    register.add_argument("--name", required=True)
    register.add_argument("--publisher", default="", help="who publishes it (default: NAME)")
    register.add_argument("--redirect-uri", required=True, action="append",
                          help="exact redirect URI; repeat for several")
    register.add_argument("--scopes", required=True,
                          help='space separated, e.g. "allergies.read measurements.write"')
    register.add_argument("--public", action="store_true",
                          help="a public client (mobile, browser): no secret, PKCE only")
    register.set_defaults(run=lambda args, settings: run_with_database(settings,
                                                                       _register(args)))
    approve = apps_sub.add_parser("approve", help="put an app in the catalogue")
    approve.add_argument("client_id")
    approve.set_defaults(run=lambda args, settings: run_with_database(settings, _approve(args)))
    listing = apps_sub.add_parser("list", help="every registered app")
    listing.set_defaults(run=lambda args, settings: run_with_database(settings, _list(args)))
