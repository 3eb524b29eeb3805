"""Settings, read once at start-up from the environment and an optional `.env` file."""

from __future__ import annotations

import re
from datetime import date, time
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cryptography.fernet import Fernet
from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# The languages the bot speaks; the first is used where nothing else is known.
SUPPORTED_LOCALES = ("de", "en", "uk")

# Default list of the municipalities of the Kreis Warendorf (configurable: TOWNS).
WARENDORF_TOWNS = (
    "Ahlen", "Beckum", "Beelen", "Drensteinfurt", "Ennigerloh", "Everswinkel", "Oelde",
    "Ostbevern", "Sassenberg", "Sendenhorst", "Telgte", "Wadersloh", "Warendorf",
)  # fmt: skip


# A hundred years: longer is a typo, and dates before year 1 cannot be computed.
MAX_RETENTION_MONTHS = 1200


class ConfiguredFund(NamedTuple):
    """A fund the settings describe; created on first start if none of its purpose exists."""

    purpose: str
    name: str
    euros: Decimal
    starts_on: date
    ends_on: date


# The KIM budgets the settings describe, by purpose (the prefix of their variables).
FUND_PURPOSES = ("translation", "measures", "events", "advice")


class ConfigError(Exception):
    """A configuration value is missing or malformed; the message names the variable."""


class Settings(BaseSettings):
    """Everything the bot reads from its environment; see `.env.example` for each variable."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
    )

    telegram_bot_token: str | None = None
    telegram_api_url: str = "https://api.telegram.org"
    # Seconds to wait for Telegram to answer a call before it is retried (then kept in the
    # outbox); long polls wait this much longer than they ask Telegram to hold them.
    telegram_timeout: float = Field(default=10, gt=0, le=120)
    # Webhook mode instead of long polling: the public HTTPS address Telegram posts to (a
    # reverse proxy forwards it to WEBHOOK_LISTEN:WEBHOOK_PORT), and the secret Telegram
    # sends with every post; a post without it is refused (403).
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: str | None = Field(default=None, repr=False)
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    database_path: Path = Path("data/kim-bot.sqlite3")
    # Default (unset or empty): a `backups` folder next to the database.
    backup_dir: Path = Field(default=None, validate_default=True)
    # Local time (TIMEZONE) of the daily backup.
    backup_time: time = time(2, 30)
    admin_telegram_ids: Annotated[tuple[int, ...], NoDecode] = ()
    timezone: str = "Europe/Berlin"
    default_locale: str = "de"
    # How `kim-bot run` writes its log to stderr: a text line or a JSON object per event.
    log_format: Literal["text", "json"] = "text"
    towns: Annotated[tuple[str, ...], NoDecode] = WARENDORF_TOWNS
    deepl_auth_key: str | None = None
    deepl_server_url: str | None = None
    deepl_allow_free: bool = False
    deepl_price_per_million_eur: Decimal = Decimal("20")
    # Fernet keys for the free texts at rest: the first encrypts, all decrypt (rotation).
    # Kept out of repr: settings may end up in a log line or a traceback.
    data_key: Annotated[tuple[str, ...], NoDecode] = Field(default=(), repr=False)

    # The four KIM budgets, each created on first start (admins adjust them with /fund). The
    # translation fund takes interpreter requests and DeepL; an empty amount of one of the
    # others means that budget is not created.
    translation_fund_name: str = "Übersetzung/Dolmetschen"
    translation_fund_eur: Decimal = Decimal("30000")
    translation_fund_start: date = date(2026, 10, 1)
    translation_fund_end: date = date(2026, 12, 31)
    measures_fund_name: str = "Maßnahmen"
    measures_fund_eur: Decimal | None = Decimal("30000")
    measures_fund_start: date = date(2026, 1, 1)
    measures_fund_end: date = date(2026, 12, 31)
    events_fund_name: str = "Veranstaltungen"
    events_fund_eur: Decimal | None = Decimal("10000")
    events_fund_start: date = date(2026, 1, 1)
    events_fund_end: date = date(2026, 12, 31)
    advice_fund_name: str = "Externe Beratung"
    advice_fund_eur: Decimal | None = Decimal("9000")
    advice_fund_start: date = date(2026, 1, 1)
    advice_fund_end: date = date(2026, 12, 31)

    # The rate card (JVEG as reference, see .env.example); admins adjust it with /rates.
    rate_professional_hour_eur: Decimal = Decimal("85")
    rate_pool_hour_eur: Decimal = Decimal("30")
    rate_travel_flat_eur: Decimal = Decimal("25")
    rate_surcharge_percent: int = 20
    rate_line_eur: Decimal = Decimal("1.80")
    rate_lines_per_page: int = 30
    rate_late_cancel_hours: int = 2
    rate_late_cancel_days: int = 2

    # Messages showing case details are deleted from the chat after this many hours; 0 keeps
    # them. Telegram lets a bot delete its own messages for 48 hours only.
    chat_retention_hours: int = 24
    # Retention (GDPR Art. 5(1)(e)); 0 switches the automatic erasure off (kept for ever).
    retention_months: int = 24
    audit_retention_months: int = 36
    # Updates one person may send at once before the bot asks them to slow down (then about
    # one a second); 0 switches the flood limit off.
    flood_burst: int = 12

    @field_validator(
        "telegram_bot_token",
        "deepl_auth_key",
        "deepl_server_url",
        "telegram_webhook_url",
        "telegram_webhook_secret",
        "measures_fund_eur",
        "events_fund_eur",
        "advice_fund_eur",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # An empty line in .env (`TELEGRAM_BOT_TOKEN=`) means "not set", e.g. to start the shell.
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"\d+:[A-Za-z0-9_-]{20,}", value.strip()):
            raise ValueError("does not look like a token from @BotFather (123456789:AAE...)")
        return value.strip() if value else value

    @field_validator("telegram_api_url", "deepl_server_url", "telegram_webhook_url")
    @classmethod
    def _http_url(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        # The Bot API URL gets "/bot<token>" appended; the DeepL client joins paths to its
        # URL as given, so a proxy path there must keep its trailing slash.
        return value.rstrip("/") if info.field_name == "telegram_api_url" else value

    @field_validator("admin_telegram_ids", mode="before")
    @classmethod
    def _comma_separated_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            if not all(part.isdigit() for part in parts):
                raise ValueError("must be comma-separated numeric Telegram ids, e.g. 12345,67890")
            return tuple(int(part) for part in parts)
        return value

    @field_validator("data_key", mode="before")
    @classmethod
    def _fernet_keys(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if not isinstance(value, list | tuple):
            return value
        for number, key in enumerate(value, start=1):
            try:
                Fernet(key)
            except (ValueError, TypeError):
                # Never the key itself in the message: it may land in a log.
                which = f"key {number} of {len(value)}" if len(value) > 1 else "the key"
                raise ValueError(
                    f"{which} is not a Fernet key (44 characters of URL-safe base64); "
                    'generate one with: python -c "from cryptography.fernet import Fernet; '
                    'print(Fernet.generate_key().decode())"'
                ) from None
        return tuple(value)

    @field_validator("towns", mode="before")
    @classmethod
    def _comma_separated_towns(cls, value: object) -> object:
        if isinstance(value, str):
            towns = tuple(part.strip() for part in value.split(",") if part.strip())
            if not towns:
                raise ValueError("must name at least one town, e.g. Ahlen,Beckum")
            return towns
        return value

    @field_validator(
        "deepl_price_per_million_eur",
        "translation_fund_eur",
        "measures_fund_eur",
        "events_fund_eur",
        "advice_fund_eur",
        "rate_professional_hour_eur",
        "rate_pool_hour_eur",
        "rate_travel_flat_eur",
        "rate_line_eur",
    )
    @classmethod
    def _money(cls, value: Decimal | None) -> Decimal | None:
        if value is None:
            return value
        if value < 0 or value != value.quantize(Decimal("0.01")):
            raise ValueError(
                "must be an amount in euros with at most two decimals, e.g. 85 or 1.80"
            )
        return value

    @field_validator(
        "rate_surcharge_percent",
        "rate_lines_per_page",
        "rate_late_cancel_hours",
        "rate_late_cancel_days",
        "flood_burst",
    )
    @classmethod
    def _not_negative(cls, value: int) -> int:
        if value < 0:
            raise ValueError("must not be negative")
        return value

    @field_validator("chat_retention_hours")
    @classmethod
    def _within_deletion_window(cls, value: int) -> int:
        # The deletion job runs every 15 minutes: 47 hours leaves it time within the 48.
        if not 0 <= value <= 47:
            raise ValueError("must be between 0 (keep) and 47 hours: Telegram allows 48")
        return value

    @field_validator("retention_months", "audit_retention_months")
    @classmethod
    def _months(cls, value: int) -> int:
        if not 0 <= value <= MAX_RETENTION_MONTHS:
            raise ValueError(
                f"must be a number of months from 0 (never erase) to {MAX_RETENTION_MONTHS}"
            )
        return value

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: str | None) -> str | None:
        # Telegram's rule for secret_token: 1-256 characters A-Z, a-z, 0-9, _ and -.
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", value):
            raise ValueError(
                "must be 16 to 256 characters of A-Z, a-z, 0-9, _ and -, e.g. from "
                'python -c "import secrets; print(secrets.token_urlsafe(32))"'
            )
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.telegram_webhook_url and not self.telegram_webhook_secret:
            raise ValueError(
                "TELEGRAM_WEBHOOK_SECRET: must be set with TELEGRAM_WEBHOOK_URL, so that only "
                "Telegram can post updates"
            )
        return self

    @field_validator("backup_dir", mode="before")
    @classmethod
    def _backups_next_to_the_database(cls, value: object, info: ValidationInfo) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            # DATABASE_PATH is validated before (field order); if it failed, so does this.
            database_path = info.data.get("database_path")
            return None if database_path is None else Path(database_path).parent / "backups"
        return value

    @field_validator("backup_time", mode="before")
    @classmethod
    def _time_of_day(cls, value: object) -> object:
        if isinstance(value, str):
            if not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", value.strip()):
                raise ValueError("must be a time of day as HH:MM, e.g. 02:30")
            hours, minutes = value.strip().split(":")
            return time(int(hours), int(minutes))
        return value

    @field_validator(
        "translation_fund_name", "measures_fund_name", "events_fund_name", "advice_fund_name"
    )
    @classmethod
    def _fund_name(cls, value: str) -> str:
        if not value.strip() or len(value.strip()) > 60:
            raise ValueError("must be a name of 1 to 60 characters, e.g. Maßnahmen")
        return value.strip()

    @model_validator(mode="after")
    def _fund_period(self) -> Settings:
        for purpose in FUND_PURPOSES:
            start, end = (getattr(self, f"{purpose}_fund_{part}") for part in ("start", "end"))
            if end < start:
                prefix = f"{purpose.upper()}_FUND"
                raise ValueError(f"{prefix}_END: must not be before {prefix}_START")
        names = [fund.name.casefold() for fund in self.configured_funds]
        if len(set(names)) < len(names):
            raise ValueError("*_FUND_NAME: each fund needs a name of its own")
        return self

    @property
    def configured_funds(self) -> tuple[ConfiguredFund, ...]:
        """The budgets to create on first start; one whose amount is empty is left out."""
        funds = []
        for purpose in FUND_PURPOSES:
            name, euros, start, end = (
                getattr(self, f"{purpose}_fund_{part}") for part in ("name", "eur", "start", "end")
            )
            if euros is not None:
                funds.append(ConfiguredFund(purpose, name, euros, start, end))
        return tuple(funds)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("is not an IANA time zone name such as Europe/Berlin") from None
        return value

    @field_validator("default_locale")
    @classmethod
    def _supported_locale(cls, value: str) -> str:
        if value not in SUPPORTED_LOCALES:
            raise ValueError(f"must be one of {', '.join(SUPPORTED_LOCALES)}")
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def load_settings(**overrides: object) -> Settings:
    """Read and validate the settings; a bad value raises ConfigError naming its variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        error = exc.errors()[0]
        message = error["msg"].removeprefix("Value error, ")
        if error["loc"]:
            message = f"{str(error['loc'][0]).upper()}: {message}"
        raise ConfigError(message) from None
