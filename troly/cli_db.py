"""``troly db …``: the schema's migrations (upgrade, current revision, stamp, new revision).

Every troly process upgrades the database at start-up anyway; ``troly db upgrade`` lets an operator
do it as a step of its own (before starting workers, after a backup). These commands open the
engine only, not the whole composition root, so they never upgrade by side effect.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from troly.errors import TrolyError

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = ["db_app"]

db_app = typer.Typer(help="Cơ sở dữ liệu: nâng cấp lược đồ (migration), xem phiên bản.", no_args_is_help=True)
console = Console()
err_console = Console(stderr=True)


def _engine() -> Engine:
    from troly.config import Settings
    from troly.db import make_engine

    settings = Settings()
    if settings.resolved_database_url.startswith("sqlite"):
        settings.ensure_home()
    return make_engine(settings.resolved_database_url)


def _fail(exc: TrolyError) -> None:
    err_console.print(f"[red]Lỗi:[/red] {escape(exc.user_message)}\n[dim]{escape(str(exc))}[/dim]")
    raise typer.Exit(2)


@db_app.command()
def upgrade(
    revision: Annotated[str, typer.Argument(help="Phiên bản đích (mặc định: mới nhất).")] = "head",
) -> None:
    """Upgrade the schema to REVISION (default: the newest), under the migration lock."""
    from troly import migrate

    engine = _engine()
    try:
        done = migrate.upgrade(engine, revision)
    except TrolyError as e:
        _fail(e)
        return
    finally:
        engine.dispose()
    if done.adopted:
        console.print(f"Cơ sở dữ liệu chưa có phiên bản lược đồ: nhận là {done.adopted}.")
    if done.changed:
        console.print(f"Đã nâng cấp lược đồ: {done.before or done.adopted or 'trống'} → {done.after}.")
    else:
        console.print(f"Lược đồ đã ở phiên bản {done.after}, không cần nâng cấp.")


@db_app.command()
def current() -> None:
    """Print the database's schema revision and the newest this troly knows."""
    from troly import migrate
    from troly.migrations import HEAD

    engine = _engine()
    try:
        revision = migrate.current_revision(engine)
    finally:
        engine.dispose()
    state = "mới nhất" if revision == HEAD else f"mới nhất là {HEAD}; chạy `troly db upgrade`"
    console.print(f"Phiên bản lược đồ: {revision or 'chưa có'} ({state}).")


@db_app.command()
def stamp(revision: Annotated[str, typer.Argument(help="Phiên bản ghi nhận (không chạy migration).")]) -> None:
    """Record REVISION as the database's without running migrations (a schema made by other means)."""
    from troly import migrate

    engine = _engine()
    try:
        migrate.stamp(engine, revision)
    except TrolyError as e:
        _fail(e)
        return
    finally:
        engine.dispose()
    console.print(f"Đã ghi nhận phiên bản lược đồ {escape(revision)}.")


@db_app.command()
def revision(message: Annotated[str, typer.Option("--message", "-m", help="What the revision changes.")]) -> None:
    """For developers: write a new revision from the models' changes into troly/migrations/versions."""
    from troly import migrate

    path = migrate.make_revision(message)
    console.print(f"Wrote {path}; review it, then set HEAD in troly/migrations/__init__.py to its revision id.")
