"""All configuration comes from the environment (prefix ``CASEWATCH_``), in one place."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """casewatch settings. Every field can be set as ``CASEWATCH_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="CASEWATCH_", extra="ignore")

    home: Path = Field(
        default=Path.home() / ".casewatch",
        description="Directory for the embedded database, index snapshots, keys and the inbox.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL. Default: sqlite:///$CASEWATCH_HOME/casewatch.db",
    )
    user: str | None = Field(
        default=None, description="Local user the CLI acts as (overridden by --as)."
    )
    threshold: float = Field(default=0.7, ge=0.0, le=1.0, description="Default alert threshold.")
    max_watch_days: int = Field(
        default=365, ge=1, description="Longest a watch may run before a review (days)."
    )
    retention_days: int = Field(
        default=3 * 365, ge=1, description="Records older than this and unlinked are purged."
    )
    audit_retention_years: int = Field(
        default=5, ge=1, description="Audit events are kept at least this long (never below 1)."
    )
    checkpoint_every: int = Field(
        default=1000, ge=1, description="Sign an audit checkpoint every N events."
    )
    inbox: Path | None = Field(default=None, description="Directory the monitor watches.")
    batch_size: int = Field(default=2000, ge=1, description="Records per ingest transaction.")

    @property
    def url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.home / 'casewatch.db'}"

    @property
    def inbox_dir(self) -> Path:
        return self.inbox or (self.home / "inbox")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
