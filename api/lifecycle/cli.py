"""`carnet accounts close|reopen|delete --ins INS` and `carnet accounts purge-archives`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable

from api.identity.ins import InsError, parse_ins
from api.identity.models import Account, Patient
from api.lifecycle.services import (
    ARCHIVE_YEARS,
    LifecycleError,
    close_account,
    delete_account,
    purge_archives,
    reopen_account,
)
from api.settings import Settings

Runner = Callable[[Settings, Callable[[], Awaitable[int]]], int]

_PROBLEMS = {
    "no_account": "no patient account with this INS",
    "not_a_patient": "no patient account with this INS",
    "not_active": "the account is not active (closed accounts can be reopened or deleted)",
    "not_closed": "the account is not closed",
    "sole_guardian": "the account is the only guardian of a child's record: add another "
                     "guardian first, or the child's record would be left with nobody",
    "archive_ended": f"the archive is over {ARCHIVE_YEARS} years old: it is due for deletion",
}


def add_account_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser],
                         run: Runner) -> None:
    accounts = sub.add_parser("accounts", help="close, reopen or delete a patient's account")
    accounts_sub = accounts.add_subparsers(dest="accounts_command", required=True)
    for name, description in (
        ("close", "close the account: the record is archived for "
         f"{ARCHIVE_YEARS} years, readable by nobody; the patient is told by e-mail"),
        ("reopen", f"reopen a closed account (within {ARCHIVE_YEARS} years); grants and app "
         "connections are not restored"),
        ("delete", "delete the account and the record now, for good (asks --yes)"),
    ):
        step = accounts_sub.add_parser(name, help=description)
        step.add_argument("--ins", required=True, help="the patient's INS (15 characters)")
        if name == "delete":
            step.add_argument("--yes", action="store_true",
                              help="confirm: nothing of the record can be recovered")
        step.set_defaults(run=lambda args, settings, step=name: _step(args, settings, run, step))
    accounts_sub.add_parser(
        "purge-archives", help=f"delete every archive closed over {ARCHIVE_YEARS} years ago "
        "(the background jobs do it daily)",
    ).set_defaults(run=lambda args, settings: run(settings, lambda: _purge(settings)))


def _step(args: argparse.Namespace, settings: Settings, run: Runner, step: str) -> int:
    try:
        ins = parse_ins(args.ins)
    except InsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if step == "delete" and not args.yes:
        print("error: deleting cannot be undone; run again with --yes", file=sys.stderr)
        return 2

    async def work() -> int:
        patient = await Patient.filter(ins_nir=ins.nir).first()
        account = (await Account.get_or_none(id=patient.account_id)
                   if patient is not None and patient.account_id is not None else None)
        try:
            if account is None:
                raise LifecycleError("no_account")
            if step == "close":
                await close_account(settings, account, operator=True)
                print(f"Account of INS {ins} closed: the record is archived.")
            elif step == "reopen":
                await reopen_account(settings, account, operator=True)
                print(f"Account of INS {ins} reopened.")
            else:
                deletion = await delete_account(settings, account)
                print(f"Account and record of INS {ins} deleted "
                      f"({deletion.files} stored files).")
                if deletion.files_left:
                    print(f"warning: {deletion.files_left} stored files could not be deleted; "
                          "their keys are in the log", file=sys.stderr)
                    return 1
        except LifecycleError as error:
            print(f"error: {_PROBLEMS.get(error.code, error.code)}", file=sys.stderr)
            return 1
        return 0

    return run(settings, work)


async def _purge(settings: Settings) -> int:
    def progress(done: int, total: int) -> None:
        print(f"deleted {done}/{total}", file=sys.stderr)

    count = await purge_archives(settings, progress)
    print(f"Deleted {count} archives closed over {ARCHIVE_YEARS} years ago.")
    return 0
