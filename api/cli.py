"""The `carnet` command: serve, migrate, demo, invite, export-schema, totp-code, audit,
sync purge, apps register|approve|list, directory import, documents move-storage, worker,
jobs status|retry, fhir export|import, backup, restore,
accounts close|reopen|delete|purge-archives, keys status|generate|rotate|export|seal-existing."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from api import clock
from api.backup.commands import add_backup_commands
from api.consent.directory_cli import add_directory_commands
from api.db import apply_migrations, close_database, open_database
from api.exchange.fhir.commands import add_export_command as add_fhir_export_command
from api.exchange.fhir.import_command import add_fhir_import_command
from api.lifecycle.cli import add_account_commands
from api.messaging.models import Attachment as MessageAttachment
from api.messaging.models import Conversation, Message
from api.notify.cli import add_job_commands
from api.oauth.cli import add_app_commands
from api.records.documents.storage_move import DOCUMENTS, add_document_commands
from api.records.keys_cli import RECORD_SEALED, Sealed, add_keys_commands, seal_everything
from api.settings import Settings, SettingsError

if TYPE_CHECKING:
    from graphql import GraphQLSchema

    from api.audit.anchors import Anchor


async def _with_database(settings: Settings, work: Callable[[], Awaitable[int]]) -> int:
    await open_database(settings)
    try:
        return await work()
    finally:
        await close_database()


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn
    from uvicorn.importer import import_from_string

    # Named, not imported: the API package does not depend on the web package. The app
    # gets the settings read at start, not a second reading of the environment.
    create_app = import_from_string("web.app:create_app")
    if settings.is_sqlite:  # the demo: the background jobs run in this process
        from api.notify.serve import serve_with_jobs

        serve_with_jobs(create_app(settings), settings, args.host, args.port)
        return 0
    uvicorn.run(create_app(settings), host=args.host, port=args.port, proxy_headers=True,
                log_level="info")
    return 0


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    from api.notify.queue import apply_queue_schema

    asyncio.run(apply_migrations(settings))
    if asyncio.run(apply_queue_schema(settings)):
        print("  created the job queue's tables")

    async def seal() -> int:
        sealed = sum((await seal_everything(settings, SEALED, quiet=True)).values())
        if sealed:
            print(f"  sealed {sealed} rows written before encryption at rest")
        return 0

    asyncio.run(_with_database(settings, seal))
    print("Database is up to date.")
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from api.demo import load_demo, load_directory, load_records

    async def work() -> int:
        created = await load_demo()
        directory = await load_directory()
        await load_records(settings)
        print(f"Demo data ready (created {created['patients']} patients, "
              f"{created['professionals']} professionals with accounts, {directory.created} "
              "directory entries). Sign-ins are listed in README.md.")
        return 0

    return asyncio.run(_with_database(settings, work))


def cmd_invite(args: argparse.Namespace, settings: Settings) -> int:
    from api.identity.ins import InsError, parse_ins
    from api.identity.invitations import IdentityTraits, InvitationError, invite

    try:
        ins = parse_ins(args.ins)
        traits = IdentityTraits(
            birth_name=args.birth_name, first_names=args.first_names,
            birth_date=date.fromisoformat(args.birth_date), sex=args.sex,
            birthplace_insee=args.birthplace,
        )
    except (InsError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    async def work() -> int:
        try:
            patient, code = await invite(settings.secret_key, ins, traits)
        except InvitationError as error:
            print(f"error: {error.code}", file=sys.stderr)
            return 1
        expires = patient.activation_expires_at
        print(f"Pending account created for INS {ins}.")
        print(f"Activation code: {code} (valid until {expires:%Y-%m-%d %H:%M} UTC)")
        return 0

    return asyncio.run(_with_database(settings, work))


def cmd_export_schema(args: argparse.Namespace, settings: Settings) -> int:
    from api.root.schema import schema

    text = schema.as_str() + "\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
    return 0


def cmd_totp_code(args: argparse.Namespace, settings: Settings) -> int:
    from api.identity.models import Account
    from api.identity.second_factor import current_code

    if settings.production:
        print("error: totp-code is for development only", file=sys.stderr)
        return 2

    async def work() -> int:
        account = await Account.filter(email=args.email.lower()).first()
        if account is None or account.totp_secret is None:
            print("error: no account with an authenticator app for this e-mail", file=sys.stderr)
            return 1
        print(current_code(account.totp_secret, clock.now()))
        return 0

    return asyncio.run(_with_database(settings, work))


def _kept_anchor(args: argparse.Namespace) -> Anchor | None:
    """The anchor digest given with --anchor or --anchor-file (None if neither)."""
    from api.audit.anchors import Anchor

    if args.anchor is not None:
        return Anchor.parse(args.anchor)
    if args.anchor_file is not None:
        return Anchor.from_file(Path(args.anchor_file))
    return None


def _print_broken(lines: list[str]) -> None:
    for line in lines:
        print(f"BROKEN {line}", file=sys.stderr)


def cmd_audit_verify(args: argparse.Namespace, settings: Settings) -> int:
    from api.audit.anchors import AnchorError
    from api.audit.verify import verify_chains

    try:
        anchor = _kept_anchor(args)
    except AnchorError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    async def work() -> int:
        report = await verify_chains(settings, patient_id=args.patient, anchor=anchor)
        summary, *breaks = report.lines()
        print(summary)
        for note in report.notes():
            print(note)
        if anchor is None:
            print("No anchor given: a history erased with its register would go unseen. "
                  "Keep the digest `carnet audit anchor` prints and pass it with --anchor.")
        _print_broken(breaks)
        return 0 if report.ok else 1

    return asyncio.run(_with_database(settings, work))


def cmd_sync_purge(args: argparse.Namespace, settings: Settings) -> int:
    from api.sync.purge import purge_sync

    async def work() -> int:
        purged = await purge_sync()
        print(f"Deleted {purged.keys} expired idempotency keys and {purged.changes} changes "
              "older than the feed's retention.")
        return 0

    return asyncio.run(_with_database(settings, work))


def cmd_audit_anchor(args: argparse.Namespace, settings: Settings) -> int:
    from api.audit.anchoring import write_anchor

    async def work() -> int:
        report, anchor = await write_anchor(settings)
        summary, *breaks = report.lines()
        print(summary, file=sys.stderr)
        if anchor is None:
            _print_broken(breaks)
            print("No anchor written: the history does not verify.", file=sys.stderr)
            return 1
        print(f"Anchor {anchor.position} written over {report.chains} chains. Keep the line "
              "below outside the database; check against it with `carnet audit verify "
              "--anchor DIGEST` (or --anchor-file FILE).", file=sys.stderr)
        print(anchor.digest)
        return 0

    return asyncio.run(_with_database(settings, work))


def cmd_audit_reseal(args: argparse.Namespace, settings: Settings) -> int:
    from api.audit.reseal import reseal

    old_secret = os.environ.get("OLD_SECRET_KEY", "")
    if not old_secret:
        print("error: set OLD_SECRET_KEY to the secret the history was sealed with (and "
              "SECRET_KEY to the new one)", file=sys.stderr)
        return 2
    if old_secret == settings.secret_key:
        print("error: OLD_SECRET_KEY and SECRET_KEY are the same: nothing to reseal",
              file=sys.stderr)
        return 2

    async def work() -> int:
        report, resealed = await reseal(settings, old_secret)
        summary, *breaks = report.lines()
        print(summary)
        if resealed is None:
            _print_broken(breaks)
            print("Nothing resealed: the history does not verify with OLD_SECRET_KEY.",
                  file=sys.stderr)
            return 1
        print(f"Resealed {resealed} chain heads and the register's tip with SECRET_KEY.")
        return 0

    return asyncio.run(_with_database(settings, work))

# Every kind of row whose bytes live in the documents storage, for `documents move-storage`.
STORED_BYTES_HOLDERS = (DOCUMENTS, ("message attachment", MessageAttachment))
# Everything sealed at rest, for `carnet migrate` and `keys seal-existing`: the record's, and
# secure messaging's (the record's sections do not know messaging).
SEALED = Sealed(rows=(*RECORD_SEALED.rows, Conversation, Message),
                files=(*RECORD_SEALED.files, ("message attachment", MessageAttachment)))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="carnet", description="Carnet, a personal health record.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the web app and the API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(run=cmd_serve)
    sub.add_parser("migrate", help="apply database migrations").set_defaults(run=cmd_migrate)
    sub.add_parser("demo", help="load the demo data (idempotent)").set_defaults(run=cmd_demo)
    inv = sub.add_parser("invite", help="create a pending patient and print its activation code")
    inv.add_argument("--ins", required=True, help="15 characters: NIR and key")
    inv.add_argument("--birth-name", required=True)
    inv.add_argument("--first-names", required=True, help="birth first names, space separated")
    inv.add_argument("--birth-date", required=True, help="YYYY-MM-DD")
    inv.add_argument("--sex", required=True, choices=["F", "M", "U"])
    inv.add_argument("--birthplace", required=True, help="INSEE code of the birthplace")
    inv.set_defaults(run=cmd_invite)
    exp = sub.add_parser("export-schema", help="print the GraphQL schema (SDL)")
    exp.add_argument("--output", "-o", default="-")
    exp.set_defaults(run=cmd_export_schema)
    totp = sub.add_parser("totp-code", help="development: the current code of a demo account")
    totp.add_argument("email")
    totp.set_defaults(run=cmd_totp_code)
    audit = sub.add_parser("audit", help="the access history")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser(
        "verify", help="check every hash chain and its sealed head, the register of chains "
        "and an anchor (needs the server's SECRET_KEY); exit 1 if something is broken, 2 if "
        "the anchor digest cannot be read")
    verify.add_argument("--patient", type=int, default=None, help="check only this patient")
    kept = verify.add_mutually_exclusive_group()
    kept.add_argument("--anchor", metavar="DIGEST",
                      help="an anchor digest printed by `carnet audit anchor` (POSITION:HASH)")
    kept.add_argument("--anchor-file", metavar="FILE",
                      help="a file of anchor digests (`carnet audit anchor >> FILE`): the "
                      "last one is checked")
    verify.set_defaults(run=cmd_audit_verify)
    anchor = audit_sub.add_parser(
        "anchor", help="verify the history, then anchor every chain's length and print the "
        "digest to keep outside the database (on stdout); exit 1 if the history is broken")
    anchor.set_defaults(run=cmd_audit_anchor)
    audit_sub.add_parser(
        "reseal", help="after a change of SECRET_KEY, with the server stopped: verify the "
        "history with OLD_SECRET_KEY, then seal the heads again with SECRET_KEY; exit 1 "
        "(and change nothing) if it does not verify").set_defaults(run=cmd_audit_reseal)
    sync = sub.add_parser("sync", help="idempotency keys and the change feed")
    sync_sub = sync.add_subparsers(dest="sync_command", required=True)
    sync_sub.add_parser(
        "purge", help="delete idempotency keys older than 24 hours and changes older than 30 "
        "days (run it daily)").set_defaults(run=cmd_sync_purge)
    add_app_commands(sub, lambda settings, work: asyncio.run(_with_database(settings, work)),
                     _graphql_schema)
    add_directory_commands(
        sub, lambda settings, work: asyncio.run(_with_database(settings, work)))
    add_document_commands(
        sub, lambda settings, work: asyncio.run(_with_database(settings, work)),
        holders=STORED_BYTES_HOLDERS)
    add_job_commands(sub, lambda settings, work: asyncio.run(_with_database(settings, work)))
    add_backup_commands(sub)
    add_account_commands(
        sub, lambda settings, work: asyncio.run(_with_database(settings, work)))
    add_keys_commands(sub, lambda settings, work: asyncio.run(_with_database(settings, work)),
                      SEALED)
    fhir = sub.add_parser("fhir", help="FHIR R4B bundles in and out of a record (docs/fhir.md)")
    fhir_sub = fhir.add_subparsers(dest="fhir_command", required=True)
    add_fhir_export_command(
        fhir_sub, lambda settings, work: asyncio.run(_with_database(settings, work)))
    add_fhir_import_command(
        fhir_sub, lambda settings, work: asyncio.run(_with_database(settings, work)))
    return parser


def _graphql_schema() -> GraphQLSchema:
    from api.root.schema import schema

    return schema._schema


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    result: int = args.run(args, settings)
    return result


if __name__ == "__main__":
    sys.exit(main())
