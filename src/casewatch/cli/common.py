"""What every CLI command shares: consoles, the database, progress bars, the acting user."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from casewatch.db.engine import check_connection, is_initialised, make_engine
from casewatch.db.models import User
from casewatch.errors import CasewatchError
from casewatch.settings import get_settings

console = Console()
err_console = Console(stderr=True)


def open_engine(url: str | None = None, *, require_schema: bool = True) -> Engine:
    """The configured database, checked: reachable and (unless told otherwise) initialised."""
    engine = make_engine(url)
    check_connection(engine)
    if require_schema and not is_initialised(engine):
        raise CasewatchError(
            f"database {engine.url.render_as_string(hide_password=True)} has no casewatch "
            "schema yet: run 'casewatch init' (or 'casewatch db upgrade')"
        )
    return engine


def acting_user(as_user: str | None = None) -> str:
    """The local user the CLI acts as: the root ``--as`` option, else CASEWATCH_USER, else 'admin'."""
    return as_user or get_settings().user or "admin"


def current_user(session: Session) -> User:
    """The casewatch user the CLI acts as (see :func:`acting_user`), looked up in the database."""
    from casewatch.auth.users import get_user

    user = get_user(session, acting_user())
    if not user.active:
        raise CasewatchError(f"user {user.name!r} is deactivated: ask an admin to reactivate them")
    return user


@contextmanager
def progress(transient: bool = False) -> Iterator[Progress]:
    """A rich progress bar for long operations (goes to stderr, so stdout stays clean)."""
    with Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=transient,
    ) as bar:
        yield bar
