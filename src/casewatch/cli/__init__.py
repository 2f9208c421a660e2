"""The ``casewatch`` command line. One module per command group; all registered here."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from casewatch.cli import alerts as alerts_cmds
from casewatch.cli import audit as audit_cmds
from casewatch.cli import cases as cases_cmds
from casewatch.cli import db as db_cmds
from casewatch.cli import demo as demo_cmds
from casewatch.cli import generate as generate_cmds
from casewatch.cli import ingest as ingest_cmds
from casewatch.cli import match as match_cmds
from casewatch.cli import oversight as oversight_cmds
from casewatch.cli import serve as serve_cmds
from casewatch.cli import users as users_cmds
from casewatch.cli.common import err_console
from casewatch.errors import CasewatchError
from casewatch.settings import get_settings

app = typer.Typer(
    name="casewatch",
    help="Accountable continuous screening and investigation.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)



@app.callback()
def _root(
    as_user: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="Act as this casewatch user (default: $CASEWATCH_USER, else 'admin'). "
            "Every action is audited under this name.",
        ),
    ] = None,
) -> None:
    """Accountable continuous screening and investigation."""
    if as_user:
        os.environ["CASEWATCH_USER"] = as_user
        get_settings.cache_clear()


db_cmds.register(app)
generate_cmds.register(app)
ingest_cmds.register(app)
demo_cmds.register(app)
cases_cmds.register(app)
alerts_cmds.register(app)
users_cmds.register(app)
audit_cmds.register(app)
oversight_cmds.register(app)
match_cmds.register(app)
serve_cmds.register(app)


def main() -> None:
    """Entry point: user errors become one clear line on stderr, never a traceback."""
    try:
        app()  # click handles usage errors itself (exit 2 with a usage line)
    except CasewatchError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        err_console.print(f"[bold red]error:[/] database: {reason}", highlight=False)
        sys.exit(2)
    except SQLAlchemyError as exc:
        err_console.print(f"[bold red]error:[/] database: {exc}", highlight=False)
        sys.exit(2)
