"""`carnet apps ...`: register an app, approve it into the catalogue, list the apps."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from graphql import GraphQLSchema

from api.oauth import services
from api.oauth.models import OAuthApp
from api.oauth.operation_file import OperationFileError, read_operations
from api.oauth.operations import UnknownApp, operations_of, register_operations


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


def _operations(args: argparse.Namespace,
                load_schema: Callable[[], GraphQLSchema]) -> Callable[[], Awaitable[int]]:
    """Read, validate and register the file's operations before anything is stored."""
    allowlist = None if args.allowlist is None else args.allowlist == "on"
    operations = []
    if args.file is not None:
        if allowlist is None:
            allowlist = True  # registering operations means: only these
        try:
            with open(args.file, encoding="utf-8") as file:
                source = file.read()
            operations = read_operations(source, load_schema(), name=args.file)
        except (OSError, UnicodeDecodeError) as error:
            message = f"error: cannot read {args.file}: {error}"
        except OperationFileError as error:
            message = "\n".join(f"{args.file}: {problem}" for problem in error.problems)
        else:
            message = ""
        if message:
            print(message, file=sys.stderr)
            return _fail

    async def work() -> int:
        try:
            app = await register_operations(args.client_id, operations, allowlist)
        except UnknownApp:
            print(f"error: no app with client id {args.client_id}", file=sys.stderr)
            return 1
        for operation in await operations_of(app.client_id):
            print(f"{operation.sha256}\t{operation.name}")
        mode = "on" if app.allowlist_mode else "off"
        print(f"allowlist mode {mode} for {app.name}", file=sys.stderr)
        return 0

    return work


async def _fail() -> int:
    return 1


def add_app_commands(sub: Any, run_with_database: Callable[..., int],
                     load_schema: Callable[[], GraphQLSchema]) -> None:
    """Add `apps register|approve|list|operations`; ``run_with_database(work)`` runs a
    coroutine; ``load_schema`` gives the GraphQL schema operations are checked against."""
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
    operations = apps_sub.add_parser(
        "operations", help="register the named operations of a .graphql file for an app and "
        "print every registered operation's SHA-256 and name; turns allowlist mode on (the "
        "app's tokens then run only these) unless --allowlist off")
    operations.add_argument("client_id")
    operations.add_argument("file", nargs="?", help="a .graphql file of named operations "
                            "(without it: set --allowlist, or list the operations)")
    operations.add_argument("--allowlist", choices=("on", "off"),
                            help="allowlist mode (default with FILE: on; else unchanged)")
    operations.set_defaults(run=lambda args, settings: run_with_database(
        settings, _operations(args, load_schema)))
