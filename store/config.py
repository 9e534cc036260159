"""The TOML config (contract section 2): found, parsed and validated once, at start-up.

Every key is checked; a bad one is a clear error naming the file and the key, never a
surprise later in the day. Unknown keys are errors too: a typo such as ``max_folowups``
silently ignored would quietly change who gets messaged.
"""

from __future__ import annotations

import os
import re
import tomllib
from email.utils import getaddresses
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import parse_qsl, unquote, urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from store import FollowupsError
from store.config_mailbox import MailboxSettings, mailbox_label, mailbox_problems
from store.keymap import keymap_problems
from store.text import AddressError, check_address, hidden_characters, normalise_domain, quoted

CONFIG_FILE_NAME = "followups.toml"
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
# Query parameters that carry a credential (Gemini's ?key=, signed URLs' sig=, ...).
_SECRET_PARAM = re.compile(r"key|token|secret|passw|auth|sig|credential", re.I)


def env_name(value: str) -> str:
    """The NAME of an environment variable. Its value never appears in an error: a secret
    typed here by mistake (`password_env = "Hunter2-..."`) must not be printed back."""
    if not _ENV_NAME.fullmatch(value) or len(value) > 128:
        raise ValueError(
            "must be the name of an environment variable (letters, digits and _, e.g. "
            "FOLLOWUPS_SMTP_PASSWORD), not its value; the value given is not shown"
        )
    return value


EnvName = Annotated[str, AfterValidator(env_name)]


def is_secret_key(key: str) -> bool:
    """Keys whose given values an error never shows: env names (which may hold a secret
    typed by mistake) and URLs (which may carry credentials)."""
    return key.endswith(("_env", "url")) or "password" in key or "secret" in key


def check_base_url(value: str) -> str:
    """An http(s) URL with a host and no credentials in it: a key in the URL would end up
    in flags, metadata and screens; it belongs in the variable `api_key_env` names."""
    if hidden_characters(value) or any(c.isspace() for c in value):
        raise ValueError("holds spaces or control characters")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError:
        raise ValueError("is not a URL (expected e.g. http://127.0.0.1:8000/v1)") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(
            "must be an http:// or https:// URL with a host, e.g. http://127.0.0.1:8000/v1"
        )
    if parts.username is not None or parts.password is not None:
        raise ValueError(
            "must not hold a user name or password; put the key in the variable api_key_env names"
        )
    if any(
        _SECRET_PARAM.search(name) for name, _ in parse_qsl(parts.query, keep_blank_values=True)
    ):
        raise ValueError(
            "must not carry a key in its query; put it in the variable api_key_env names"
        )
    return value


def check_sender(value: str) -> str:
    """`[send] from`: empty (not set), or exactly one address with a domain."""
    if not value:
        return value
    if hidden_characters(value):
        raise ValueError("holds a line break or control character")
    found = getaddresses([value])
    if len(found) != 1 or "@" not in found[0][1]:
        raise ValueError("must be one address with a domain, e.g. 'Talent <talent@example.com>'")
    try:
        check_address(found[0][1])
    except AddressError as exc:
        raise ValueError(f"is not an address mail can be sent from: {exc.reason}") from None
    return value


# GDPR Art. 21(4): the right to object is shown at the latest at the first communication.
DEFAULT_OPT_OUT_LINE = "If you'd rather not hear from us, reply \"stop\" and we won't write again."


def check_opt_out_line(value: str) -> str:
    """`[send] opt_out_line`: plain text a recipient reads; "" turns it off."""
    if hidden_characters(value.replace("\n", "")):
        raise ValueError("holds a control character (only line breaks are allowed)")
    if len(value) > 500:
        raise ValueError("is longer than 500 characters")
    return value


def check_list_unsubscribe(value: str) -> str:
    """`[send] list_unsubscribe`: empty (no header), or a mailto: URI with one address."""
    if not value:
        return value
    if hidden_characters(value) or any(c.isspace() for c in value) or "<" in value or ">" in value:
        raise ValueError("holds spaces, angle brackets or control characters")
    scheme, _, rest = value.partition(":")
    address = unquote(rest.split("?", 1)[0])
    if scheme.lower() != "mailto" or not address:
        raise ValueError("must be a mailto: URI, e.g. mailto:talent+stop@example.com")
    try:
        check_address(address)
    except AddressError as exc:
        raise ValueError(f"does not hold an address mail can reach: {exc.reason}") from None
    return value


def check_domain(value: str) -> str:
    """One of our email domains: compared in its normalised form (store.text)."""
    domain = normalise_domain(value)
    labels = domain.split(".")
    if not domain or not all(_HOST_LABEL.fullmatch(label) for label in labels):
        raise ValueError("is not a domain name, e.g. acme-robotics.com")
    return value


class _Section(BaseModel):
    # strict: `max_followups = true` or `port = "587"` is a mistake to report, not to coerce.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, strict=True)


class CompanySettings(_Section):
    """Who "we" are, and whom we treat with care."""

    name: str = "Our Company"
    aliases: list[str] = []
    domains: list[Annotated[str, AfterValidator(check_domain)]] = []
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

    base_url: Annotated[str, AfterValidator(check_base_url)] = "http://127.0.0.1:8000/v1"
    model: str = "gpt-4o-mini"
    api_key_env: EnvName = "OPENAI_API_KEY"
    timeout_s: float = Field(30, gt=0, le=600)
    max_retries: int = Field(2, ge=0, le=10)
    concurrency: int = Field(8, ge=1, le=256)


class SmtpSettings(_Section):
    """An SMTP relay. Credentials come from environment variables named here."""

    host: str = "127.0.0.1"
    port: int = Field(587, ge=1, le=65535)
    security: Literal["none", "starttls", "ssl"] = "starttls"
    username_env: EnvName = "FOLLOWUPS_SMTP_USER"
    password_env: EnvName = "FOLLOWUPS_SMTP_PASSWORD"
    timeout_s: float = Field(30, gt=0, le=600)


class SendSettings(_Section):
    """Delivery. A channel with no transport named is only ever a dry run."""

    from_: Annotated[str, AfterValidator(check_sender)] = Field("", alias="from")
    email_transport: Literal["smtp", "outbox"] | None = None
    inmail_transport: Literal["outbox"] | None = None
    outbox_dir: str = "outbox"
    # Business hours in the candidate's time zone, e.g. [9, 17]; empty means any time.
    window_hours: list[int] = []
    # Ends every draft, in the text the reviewer approves (drafts.writing.opt_out).
    opt_out_line: Annotated[str, AfterValidator(check_opt_out_line)] = DEFAULT_OPT_OUT_LINE
    # A mailto: URI: every email then carries List-Unsubscribe (Gmail and Yahoo expect it).
    list_unsubscribe: Annotated[str, AfterValidator(check_list_unsubscribe)] = ""
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
    # A decision key counts only once its draft has been drawn this long: a key typed
    # ahead (`j a` in one burst) never decides a draft nobody saw.
    min_dwell_ms: int = Field(300, ge=0, le=10_000)
    # Key remapping: binding id -> keys, e.g. {"approve" = "y"}.
    keys: dict[str, str] = {}


class LeadSettings(_Section):
    """Lead mode's spot-checks."""

    spot_check_per_recruiter: int = Field(5, ge=1, le=500)
    spot_check_seed: int = 1


class ReplaySettings(_Section):
    """`followups replay`: when, each day, the replayed scheduler runs."""

    # The hour of the day (UTC) at which every replayed day is decided.
    hour: int = Field(9, ge=0, le=23)


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
    replay: ReplaySettings = ReplaySettings()
    # [[mailbox]] tables: the IMAP mailboxes `followups sync` reads (store/config_mailbox.py).
    mailbox: list[MailboxSettings] = []

    @field_validator("mailbox", mode="before")
    @classmethod
    def _mailbox_tables(cls, value: object) -> object:
        if isinstance(value, dict):
            raise ValueError("write each mailbox as [[mailbox]] (double brackets), one per mailbox")
        return value

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


def _describe(error: dict, raw: dict | None = None) -> str:
    loc = error["loc"]
    if len(loc) > 2 and loc[0] == "mailbox" and isinstance(loc[1], int) and raw:
        # An array of tables: name the [[mailbox]] itself, not "mailbox.host[1]".
        tables = raw.get("mailbox")
        table = tables[loc[1]] if isinstance(tables, list) and loc[1] < len(tables) else None
        inner = _describe({**error, "loc": loc[2:]})
        return f"{mailbox_label(loc[1], table)}: {inner}"
    names = [str(part) for part in error["loc"] if not isinstance(part, int)]
    key = ".".join("from" if name == "from_" else name for name in names)
    key += "".join(f"[{part}]" for part in error["loc"] if isinstance(part, int))
    if error["type"] == "extra_forbidden":
        return f"unknown key {quoted(key)}"
    given = error.get("input")
    message = error["msg"].removeprefix("Value error, ")
    message = message[:1].lower() + message[1:]
    if isinstance(given, dict | list) or (names and is_secret_key(names[-1])):
        return f"{key}: {message}"
    return f"{key}: {message} (got {quoted(given)})"


def load_settings(explicit: str | None = None, *, check_paths: bool = True) -> Settings:
    """Find, read and validate the config. Raises FollowupsError naming file and key.

    check_paths=False skips the folder checks, for `init`, which creates those folders.
    """
    found = find_config(explicit)
    if found is None:
        return Settings()
    # The path is printed in every error below: bounded, and no escape sequence in it.
    path = quoted(str(found), 160, bare=True)
    try:
        raw = tomllib.loads(found.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FollowupsError(f"config file {path} does not exist") from None
    except OSError as exc:
        raise FollowupsError(f"cannot read config file {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise FollowupsError(
            f"cannot read config file {path}: not UTF-8 (byte {exc.start}); save it as UTF-8"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise FollowupsError(f"{path}: not valid TOML: {exc}") from None
    try:
        settings = Settings.model_validate(raw)
    except ValidationError as exc:
        raise FollowupsError(
            f"{path}: {_joined([_describe(e, raw) for e in exc.errors()])}"
        ) from None
    settings = settings.model_copy(update={"source": found.resolve()})
    problems = _cross_checks(settings, check_paths=check_paths)
    if problems:
        raise FollowupsError(f"{path}: {_joined(problems)}")
    return settings


def _joined(problems: list[str], shown: int = 8) -> str:
    """Every problem at once, but a file of a thousand bad keys is still a short message."""
    more = f"; and {len(problems) - shown} more" if len(problems) > shown else ""
    return "; ".join(problems[:shown]) + more


def _cross_checks(settings: Settings, *, check_paths: bool) -> list[str]:
    """What no single key can say alone: ranges between keys, folders, the key map."""
    problems = []
    cadence = settings.cadence
    if cadence.max_age_days <= cadence.first_followup_after_days:
        problems.append(
            f"cadence.max_age_days ({cadence.max_age_days}) must be greater than "
            f"cadence.first_followup_after_days ({cadence.first_followup_after_days})"
        )
    for binding_id, problem in keymap_problems(settings.review.keys):
        shown = binding_id if binding_id.isidentifier() else quoted(binding_id, 40)
        problems.append(f"review.keys.{shown}: {problem}")
    if check_paths and "templates_dir" in settings.drafting.model_fields_set:
        # Set explicitly, it names the team's templates: falling back to the built-in ones
        # because of a typo would send text nobody on the team wrote.
        folder = settings.resolve_path(settings.drafting.templates_dir)
        if not folder.is_dir():
            problems.append(
                f"drafting.templates_dir: no folder {quoted(settings.drafting.templates_dir)} "
                "(create it, or remove the key to use the built-in templates)"
            )
    send = settings.send
    if check_paths and "outbox" in (send.email_transport, send.inmail_transport):
        outbox = settings.resolve_path(send.outbox_dir)
        if outbox.exists() and not outbox.is_dir():
            problems.append(f"send.outbox_dir: {quoted(send.outbox_dir)} is a file, not a folder")
    problems.extend(mailbox_problems(settings, check_paths=check_paths))
    return problems
