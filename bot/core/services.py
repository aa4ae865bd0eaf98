"""What the conversation core is given: services built once by the composition root.

The core never imports the composition root (``troly.context``); it names what it uses here, and
the root's ``Context`` provides it. A clock and an admin check come as plain callables, so the
flows below the ``Assistant`` need nothing else from it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from bot.core.messages import IncomingMessage

if TYPE_CHECKING:
    from ingest.pipeline import Ingestor
    from retrieval.directives import TaskFinder
    from retrieval.facts import FactFinder
    from retrieval.search import Searcher
    from troly.clock import Clock
    from troly.config import Settings
    from troly.followup.service import FollowupService
    from troly.ideas.service import IdeaService
    from troly.units import UnitCatalogue

__all__ = ["AdminCheck", "CoreServices", "admin_check"]

AdminCheck = Callable[[IncomingMessage], bool]
"""Whether a message comes from an administrator."""


def admin_check(settings: Settings) -> AdminCheck:
    """The configured administrators (``TROLY_ADMINS``, as channel user keys)."""
    return lambda msg: msg.user_key in settings.admin_keys


class CoreServices(Protocol):
    """Settings, storage, the unit catalogue and the domain services the core calls."""

    @property
    def settings(self) -> Settings: ...

    @property
    def db(self) -> Any:
        """The process's ``troly.db.Database``; the core only hands it to ``troly.chat_store``, ``troly.leases`` and
        ``troly.store.document_listing`` (``bot`` imports no database module)."""
        ...

    @property
    def clock(self) -> Clock: ...

    def catalogue(self) -> UnitCatalogue: ...

    def searcher(self) -> Searcher: ...

    def task_finder(self) -> TaskFinder: ...

    def fact_finder(self) -> FactFinder: ...

    def ingestor(self) -> Ingestor: ...

    def idea_service(self, *, clock: Clock | None = None) -> IdeaService: ...

    def followup_service(self, *, clock: Clock | None = None) -> FollowupService: ...
