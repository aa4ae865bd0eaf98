"""The idea service: the store with the composition root's database, embedder, catalogue and settings."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy.exc import IntegrityError, OperationalError

from troly.clock import Clock, local_now
from troly.ideas.importing import ImportResult, import_hash, parse_import_date, read_import_file
from troly.ideas.store import embed_idea_texts, get_idea, idea_text, list_ideas, set_status, submit_idea
from troly.ideas.validation import CleanIdea, IdeaDraft, IdeaInputError, validate_draft
from troly.ideas.views import IdeaView

if TYPE_CHECKING:
    from troly.config import Settings
    from troly.db import Database
    from troly.types import PassageEmbedder
    from troly.units import UnitCatalogue

__all__ = ["IdeaService"]

logger = logging.getLogger(__name__)

# Rows of an import file: (row number, the row's fields).
ImportRows = list[tuple[int, dict[str, Any]]]

_LOCKED_ATTEMPTS = 4  # each waits out the engine's busy timeout (SQLite: 30 s)


def _write_lock_timeout(error: OperationalError) -> bool:
    """SQLite's "database is locked": the busy timeout ran out waiting for the single writer."""
    return "database is locked" in str(error.orig)


class IdeaService:
    """What the CLI and the chat flow call; each method is one transaction."""

    def __init__(
        self,
        settings: Settings,
        *,
        db: Database,
        catalogue: UnitCatalogue,
        embedder: PassageEmbedder,
        clock: Clock,
    ) -> None:
        """Args:
        settings: the idea limits (``ideas_*``) and the time zone.
        db: where ideas are stored.
        catalogue: resolves the submitting unit.
        embedder: embeds ideas for the near-duplicate check (loaded on first use).
        clock: the current instant.
        """
        self.settings = settings
        self.db = db
        self.catalogue = catalogue
        self.tz = ZoneInfo(settings.timezone)
        self._embedder = embedder
        self._clock: Clock = clock

    def now(self) -> dt.datetime:
        return local_now(self._clock, self.tz)

    def _vectors(self, texts: Sequence[str]) -> list[np.ndarray | None]:
        try:
            return list(embed_idea_texts(self._embedder, texts))
        except Exception:  # duplicates are advisory: never lose a submission to the model
            logger.exception("idea embedding failed; stored without duplicate check")
            return [None] * len(texts)

    def submit(self, draft: IdeaDraft, *, now: dt.datetime | None = None) -> IdeaView:
        now = now or self.now()
        clean = validate_draft(draft, catalogue=self.catalogue, max_description=self.settings.ideas_max_description)
        (vec,) = self._vectors([idea_text(clean.title, clean.description)])
        token_raced = False
        for attempt in range(1, _LOCKED_ATTEMPTS + 1):
            try:
                with self.db.transaction() as session:
                    return submit_idea(
                        session=session,
                        draft=draft,
                        catalogue=self.catalogue,
                        now=now,
                        vector=vec,
                        duplicate_threshold=self.settings.ideas_duplicate_threshold,
                        max_description=self.settings.ideas_max_description,
                        tz=self.tz,
                    )
            except IntegrityError:
                if token_raced or not draft.client_token:
                    raise
                token_raced = True  # the same client token raced in from another worker: return the stored one
            except OperationalError as e:
                if attempt == _LOCKED_ATTEMPTS or not _write_lock_timeout(e):
                    raise
                # SQLite has one writer at a time; under a burst of submissions on a starved machine the
                # busy timeout may run out before our turn. Nothing was written: try again.
                logger.warning("idea submission waited too long for the database write lock (attempt %d)", attempt)
        raise AssertionError("unreachable")

    def get(self, code: str) -> IdeaView | None:
        with self.db.session() as session:
            return get_idea(session=session, code=code, tz=self.tz)

    def list(self, **filters: Any) -> list[IdeaView]:
        with self.db.session() as session:
            return list_ideas(session=session, tz=self.tz, **filters)

    def set_status(
        self,
        code: str,
        new_status: str,
        *,
        by: str,
        note: str | None = None,
        force: bool = False,
        now: dt.datetime | None = None,
    ) -> IdeaView:
        with self.db.transaction() as session:
            return set_status(
                session=session,
                code=code,
                new_status=new_status,
                by=by,
                now=now or self.now(),
                note=note,
                force=force,
                tz=self.tz,
            )

    def import_file(self, path: Path, *, by: str = "import") -> ImportResult:
        """Import good rows, report bad ones with their row numbers; re-import skips known rows."""
        return self.import_rows(read_import_file(Path(path)), by=by, source_name=Path(path).name)

    def import_rows(self, rows: ImportRows, *, by: str = "import", source_name: str = "") -> ImportResult:
        result = ImportResult()
        good: list[tuple[int, IdeaDraft, str, CleanIdea]] = []
        for rowno, r in rows:
            try:
                date = parse_import_date(r.get("date"))
                created = dt.datetime.combine(date, dt.time(8, 0), tzinfo=self.tz) if date else None
                draft = IdeaDraft(
                    title=str(r.get("title") or ""),
                    description=str(r.get("description") or ""),
                    unit=str(r.get("unit") or ""),
                    field=str(r["field"]) if r.get("field") else None,
                    submitter_name=str(r["submitter"]) if r.get("submitter") else None,
                    contact=str(r["contact"]) if r.get("contact") else None,
                    channel="import",
                    user_id=None,
                    source="import",
                    created_at=created,
                )
                clean = validate_draft(
                    draft, catalogue=self.catalogue, max_description=self.settings.ideas_max_description
                )
                good.append((rowno, draft, import_hash(clean.unit_id, clean.title, clean.description, date), clean))
            except IdeaInputError as e:
                result.errors.append((rowno, e.user_message))
        vectors = self._vectors([idea_text(c.title, c.description) for _, _, _, c in good])
        with self.db.transaction() as session:
            for (rowno, draft, h, _clean_row), vec in zip(good, vectors, strict=False):
                view = submit_idea(
                    session=session,
                    draft=draft,
                    catalogue=self.catalogue,
                    now=self.now(),
                    vector=vec,
                    duplicate_threshold=self.settings.ideas_duplicate_threshold,
                    max_description=self.settings.ideas_max_description,
                    content_hash=h,
                    tz=self.tz,
                )
                (result.imported.append(view.code) if view.created else result.skipped.append((rowno, view.code)))
        logger.info(
            "imported %d ideas from %s (%d known, %d bad rows)",
            len(result.imported),
            source_name,
            len(result.skipped),
            len(result.errors),
        )
        return result
