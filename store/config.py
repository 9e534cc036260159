"""The TOML config (contract section 2): found, parsed and validated once, at start-up.

Every key is checked; a bad one is a clear error naming the file and the key, never a
surprise later in the day. Unknown keys are errors too: a typo such as ``max_folowups``
silently ignored would quietly change who gets messaged.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from store import FollowupsError

CONFIG_FILE_NAME = "followups.toml"


class _Section(BaseModel):
    # strict: `max_followups = true` or `port = "587"` is a mistake to report, not to coerce.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, strict=True)


class CompanySettings(_Section):
    """Who "we" are, and whom we treat with care."""

    name: str = "Our Company"
    aliases: list[str] = []
    domains: list[str] = []
    competitors: list[str] = []
    never_contact_companies: list[str] = []


class CadenceSettings(_Section):
    """When a thread is due for a follow-up, and how often anyone may write."""

    first_followup_after_days: int = Field(7, ge=3, le=28)
    max_age_days: int = Field(28, ge=3, le=365)
    max_followups: int = Field(1, ge=0, le=5)
    min_days_between_messages: int = Field(7, ge=0, le=90)


class LimitsSettings(_Section):
    """Caps that keep one run, one recruiter or one day from flooding anyone."""

    daily_per_recruiter: int = Field(100, ge=1, le=10_000)
    # The scheduler stops after this many new drafts in one run (the seed story's 847).
    drafts_per_run: int = Field(200, ge=1, le=100_000)
    # send refuses a day this many times the team's usual daily volume (see `send`).
    volume_alarm_multiple: float = Field(3.0, ge=1.0, le=100.0)


class DraftingSettings(_Section):
    """How follow-up text is written."""

    engine: Literal["jinja", "llm"] = "jinja"
    templates_dir: str = "templates"
    max_body_chars: int = Field(2000, ge=100, le=20_000)


class LlmSettings(_Section):
    """The OpenAI-compatible server used when drafting.engine is "llm"."""

    base_url: str = "http://127.0.0.1:8000/v1"
    model: str = "gpt-4o-mini"
    api_key_env: str = "OPENAI_API_KEY"
    timeout_s: float = Field(30, gt=0, le=600)
    max_retries: int = Field(2, ge=0, le=10)
    concurrency: int = Field(8, ge=1, le=256)


class SmtpSettings(_Section):
    """An SMTP relay. Credentials come from environment variables named here."""

    host: str = "127.0.0.1"
    port: int = Field(587, ge=1, le=65535)
    security: Literal["none", "starttls", "ssl"] = "starttls"
    username_env: str = "FOLLOWUPS_SMTP_USER"
    password_env: str = "FOLLOWUPS_SMTP_PASSWORD"
    timeout_s: float = Field(30, gt=0, le=600)


class SendSettings(_Section):
    """Delivery. A channel with no transport named is only ever a dry run."""

    from_: str = Field("", alias="from")
    email_transport: Literal["smtp", "outbox"] | None = None
    inmail_transport: Literal["outbox"] | None = None
    outbox_dir: str = "outbox"
    # Business hours in the candidate's time zone, e.g. [9, 17]; empty means any time.
    window_hours: list[int] = []
    smtp: SmtpSettings = SmtpSettings()

    @field_validator("window_hours")
    @classmethod
    def _window(cls, value: list[int]) -> list[int]:
        if value and (len(value) != 2 or not 0 <= value[0] < value[1] <= 24):
            raise ValueError("must be [start_hour, end_hour] with 0 <= start < end <= 24")
        return value


class ReviewSettings(_Section):
    """The review app."""

    lease_minutes: int = Field(10, ge=1, le=240)
    # Key remapping: binding id -> keys, e.g. {"approve" = "y"}.
    keys: dict[str, str] = {}


class LeadSettings(_Section):
    """Lead mode's spot-checks."""

    spot_check_per_recruiter: int = Field(5, ge=1, le=500)
    spot_check_seed: int = 1


class Settings(_Section):
    """The whole config. Built-in defaults apply for anything the file leaves out."""

    company: CompanySettings = CompanySettings()
    cadence: CadenceSettings = CadenceSettings()
    limits: LimitsSettings = LimitsSettings()
    drafting: DraftingSettings = DraftingSettings()
    llm: LlmSettings = LlmSettings()
    send: SendSettings = SendSettings()
    review: ReviewSettings = ReviewSettings()
    lead: LeadSettings = LeadSettings()
    # Where the config was read from (None: built-in defaults). Relative paths start there.
    source: Path | None = Field(default=None, exclude=True)

    def resolve_path(self, value: str) -> Path:
        """A path from the config, relative to the config file's folder."""
        path = Path(value).expanduser()
        if path.is_absolute():
            return path
        base = self.source.parent if self.source else Path.cwd()
        return base / path


def find_config(explicit: str | None) -> Path | None:
    """--config, else $FOLLOWUPS_CONFIG, else ./followups.toml, else None (defaults)."""
    if explicit:
        return Path(explicit)
    if env := os.environ.get("FOLLOWUPS_CONFIG"):
        return Path(env)
    local = Path.cwd() / CONFIG_FILE_NAME
    return local if local.is_file() else None


def _describe(error: dict) -> str:
    key = ".".join("from" if part == "from_" else str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        return f"unknown key {key!r}"
    given = error.get("input")
    shown = "" if isinstance(given, dict) else f" (got {given!r})"
    return f"{key}: {error['msg'].lower()}{shown}"


def load_settings(explicit: str | None = None) -> Settings:
    """Find, read and validate the config. Raises FollowupsError naming file and key."""
    path = find_config(explicit)
    if path is None:
        return Settings()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FollowupsError(f"config file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FollowupsError(f"cannot read config file {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise FollowupsError(f"{path}: not valid TOML: {exc}") from None
    try:
        settings = Settings.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(_describe(e) for e in exc.errors())
        raise FollowupsError(f"{path}: {problems}") from None
    if settings.cadence.max_age_days <= settings.cadence.first_followup_after_days:
        raise FollowupsError(
            f"{path}: cadence.max_age_days ({settings.cadence.max_age_days}) must be greater "
            f"than cadence.first_followup_after_days "
            f"({settings.cadence.first_followup_after_days})"
        )
    return settings.model_copy(update={"source": path.resolve()})
