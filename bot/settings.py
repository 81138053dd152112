"""Runtime settings: env (prefix CARRYWATCH_, nested delimiter __) over a TOML file.

Names are a contract with operators and deploy files (see DESIGN.md). Tokens are
``SecretStr`` so they never print in logs, errors or ``config check``.

Every value is checked here, when the settings are read, so that a setting
``run`` would trip over later (a log level, a time zone, a duration, a port,
a database URL) stops ``config check`` and ``run`` alike with one line naming
it. Misspelt names and a broken TOML file are caught in :mod:`bot.settings_check`.
"""

from __future__ import annotations

import os
import re
import zoneinfo
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from bot.i18n import LANGUAGES
from bot.settings_check import (
    SettingsError,
    explain,
    read_config_file,
    sqlite_problem,
    unknown_variables,
)
from bot.settings_probe import REPEAT_INTERVAL_DEFAULT, config_path
from signals.durations import parse_duration
from signals.levels import Level

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
DATABASE_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")
_CHANNEL = re.compile(r"@[A-Za-z][A-Za-z0-9_]{3,}|-?\d+")


def _split_csv(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, int):
        return [value]
    return value


def _url(value: str, schemes: tuple[str, ...] = ("http", "https")) -> str:
    """The URL itself is not echoed: a provider URL may carry a key in its query."""
    scheme, sep, rest = value.partition("://")
    if not sep or scheme.lower() not in schemes or not rest.strip("/"):
        shown = f"'{scheme}://'" if sep and len(scheme) < 10 else "no scheme"
        wanted = " or ".join(s + "://" for s in schemes)
        raise ValueError(f"not a URL starting with {wanted} (got {shown})")
    return value


def _http_url(value: str) -> str:
    return _url(value)


def _ws_url(value: str | None) -> str | None:
    return None if value is None else _url(value, ("ws", "wss"))


def _level(value: str) -> str:
    return Level.parse(value).label  # ValueError names the choices


def _port(value: int) -> int:
    if not 0 <= value <= 65535:
        raise ValueError(f"{value} is not a port (0–65535)")
    return value


def _language(value: str) -> str:
    lang = value.strip().lower()
    if lang not in LANGUAGES:
        raise ValueError(f"{value!r} is not a language carrywatch speaks ({', '.join(LANGUAGES)})")
    return lang


def _check_channel_ref(value: str) -> str:
    if not _CHANNEL.fullmatch(value.strip()):
        raise ValueError(f"{value!r} is neither @channelname nor a numeric chat id")
    return value.strip()


def _positive(value: float) -> float:
    if not value > 0:
        raise ValueError(f"must be more than 0, got {value:g}")
    return value


class TelegramSettings(BaseModel):
    token: SecretStr | None = None
    api_url: str = "https://api.telegram.org"
    channel: str | None = None
    channel_language: str = "en"  # the language of ``channel``'s broadcast
    # more broadcast channels, one language each: {"@cw_en": "en", "@cw_zh": "zh"}
    channels: dict[str, str] = Field(default_factory=dict)
    admins: Annotated[list[int], NoDecode] = Field(default_factory=list)
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443

    _split_admins = field_validator("admins", mode="before")(_split_csv)
    _check_api_url = field_validator("api_url")(_http_url)
    _check_port = field_validator("webhook_port")(_port)

    _check_channel_language = field_validator("channel_language")(_language)

    @field_validator("channel")
    @classmethod
    def _check_channel(cls, value: str | None) -> str | None:
        return None if value is None else _check_channel_ref(value)

    @field_validator("channels")
    @classmethod
    def _check_channels(cls, value: dict[str, str]) -> dict[str, str]:
        return {_check_channel_ref(chat): _language(lang) for chat, lang in value.items()}

    @property
    def broadcast_channels(self) -> dict[str, str]:
        """Every broadcast channel and its language: ``channel`` (in ``channel_language``)
        and each of ``channels``."""
        out = dict(self.channels)
        if self.channel:
            out.setdefault(self.channel, self.channel_language)
        return out

    @field_validator("webhook_url")
    @classmethod
    def _check_webhook(cls, value: str | None) -> str | None:
        return None if value is None else _url(value, ("https",))

    @property
    def enabled(self) -> bool:
        return self.token is not None and bool(self.token.get_secret_value())


class DiscordSettings(BaseModel):
    token: SecretStr | None = None
    api_url: str = "https://discord.com/api/v10"
    gateway_url: str | None = None
    dev_guild: int | None = None  # sync commands to one guild while developing

    _check_api_url = field_validator("api_url")(_http_url)
    _check_gateway = field_validator("gateway_url")(_ws_url)

    @property
    def enabled(self) -> bool:
        return self.token is not None and bool(self.token.get_secret_value())


class SourceSettings(BaseModel):
    url: str
    timeout: float = 20.0
    enabled: bool = True

    _check_url = field_validator("url")(_http_url)
    _check_timeout = field_validator("timeout")(_positive)


# Providers a [sources.<name>] table or CARRYWATCH_SOURCES__<NAME>__* may name:
# the polled ones below, and FRED (read by `history download` only).
KNOWN_SOURCES = (
    "mof", "treasury", "frankfurter", "kraken", "coinbase", "coinbase_rates", "fred",
)  # fmt: skip


def _default_sources() -> dict[str, SourceSettings]:
    return {
        "mof": SourceSettings(
            url="https://www.mof.go.jp/english/policy/jgbs/reference/interest_rate"
        ),
        "treasury": SourceSettings(
            url="https://home.treasury.gov/resource-center/data-chart-center/interest-rates"
        ),
        "frankfurter": SourceSettings(url="https://api.frankfurter.dev/v1"),
        "kraken": SourceSettings(url="https://api.kraken.com/0/public"),
        "coinbase": SourceSettings(url="https://api.exchange.coinbase.com"),
        "coinbase_rates": SourceSettings(url="https://api.coinbase.com/v2"),
    }


class HttpSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 0  # health + metrics; 0 = off

    _check_port = field_validator("port")(_port)


class DatabaseSettings(BaseModel):
    connect_timeout: float = Field(5.0, gt=0)  # seconds to open a connection
    statement_timeout: float = Field(30.0, gt=0)  # seconds one statement may take


class DispatchSettings(BaseModel):
    max_age_minutes: float = 60.0  # older than this: sent marked as delayed
    max_attempts: int = 12
    poll_seconds: float = 1.0

    _check_positive = field_validator("max_age_minutes", "poll_seconds")(_positive)

    @field_validator("max_attempts")
    @classmethod
    def _check_attempts(cls, value: int) -> int:
        if value < 1:
            raise ValueError(f"must be at least 1, got {value}")
        return value


class AlertSettings(BaseModel):
    # remind while a rule keeps firing, e.g. "12h"; "0" = never
    repeat_interval: str = REPEAT_INTERVAL_DEFAULT
    console: bool | None = None  # print alerts to the terminal; default: when no chat is on
    console_min_level: str = "low"
    channel_min_level: str = "low"  # the Telegram broadcast channel gets every alert
    tz: str = "UTC"  # time zone for console and channel messages
    personal_rules_max: int = Field(default=20, ge=1, le=500)  # /rule add limit per chat/server

    _check_levels = field_validator("console_min_level", "channel_min_level")(_level)

    @field_validator("repeat_interval")
    @classmethod
    def _check_repeat(cls, value: str) -> str:
        parse_duration(value)  # ValueError says what a duration looks like
        return value

    @field_validator("tz")
    @classmethod
    def _check_tz(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}; use an IANA name such as UTC or Asia/Tokyo"
            ) from None
        return value


class Settings(BaseSettings):
    """Everything carrywatch reads from its environment and config file."""

    model_config = SettingsConfigDict(
        env_prefix="CARRYWATCH_",
        env_nested_delimiter="__",
        extra="ignore",
        toml_file=None,
    )

    database_url: str = "sqlite+aiosqlite:///./carrywatch.db"
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    history_dir: Path | None = None
    log_level: str = "INFO"
    telegram: TelegramSettings = Field(default_factory=TelegramSettings)
    discord: DiscordSettings = Field(default_factory=DiscordSettings)
    sources: dict[str, SourceSettings] = Field(default_factory=_default_sources)
    http: HttpSettings = Field(default_factory=HttpSettings)
    dispatch: DispatchSettings = Field(default_factory=DispatchSettings)
    alerts: AlertSettings = Field(default_factory=AlertSettings)
    rules_file: Path | None = None  # extra rules TOML; default rules ship with the package

    @field_validator("log_level")
    @classmethod
    def _check_log_level(cls, value: str) -> str:
        if value.strip().upper() not in LOG_LEVELS:
            raise ValueError(f"unknown log level {value!r}; choose one of {', '.join(LOG_LEVELS)}")
        return value.strip().upper()

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        """Driver and shape only: the URL may carry a password, so it is never echoed."""
        driver, sep, rest = value.partition("://")
        if not sep or driver not in DATABASE_DRIVERS:
            shown = driver if sep and "@" not in driver else "(no scheme)"
            raise ValueError(
                f"unsupported database URL scheme {shown}; use sqlite+aiosqlite:///path/file.db "
                "or postgresql+asyncpg://user@host/db"
            )
        if driver == "sqlite+aiosqlite":
            path = rest.removeprefix("/").split("?", 1)[0]
            if rest and not rest.startswith("/"):
                raise ValueError("a SQLite URL has three slashes: sqlite+aiosqlite:///path/file.db")
            if path and path != ":memory:":
                parent = Path(path).parent
                if not parent.is_dir():
                    raise ValueError(f"the folder of the SQLite file, {parent}, does not exist")
                if (problem := sqlite_problem(Path(path))) is not None:
                    raise ValueError(problem)
        elif not rest.split("/", 1)[0].rsplit("@", 1)[-1]:
            raise ValueError("a PostgreSQL URL needs a host: postgresql+asyncpg://user@host/db")
        return value

    @field_validator("sources", mode="before")
    @classmethod
    def _merge_sources(cls, value: Any) -> Any:
        """Let ``CARRYWATCH_SOURCES__MOF__URL`` override one provider, keeping the rest."""
        merged: dict[str, Any] = {k: v.model_dump() for k, v in _default_sources().items()}
        if not isinstance(value, Mapping):
            return value  # pydantic reports the type
        for name, cfg in value.items():
            key = name.lower()
            base = merged.get(key, {})
            merged[key] = {**base, **(cfg.model_dump() if isinstance(cfg, BaseModel) else cfg)}
        return merged

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = InitSettingsSource(
            settings_cls, read_config_file(config_path(), settings_cls, KNOWN_SOURCES)
        )
        # Env wins over the file; secrets may also come from a secrets dir.
        return (init_settings, env_settings, file_secret_settings, toml)


def load_settings(**overrides: Any) -> Settings:
    """Read settings now (env and file are read at call time, not import time).

    Raises SettingsError, one line per problem, naming each setting.
    """
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise explain(exc) from None


def unknown_environment(environ: Mapping[str, str] | None = None) -> list[str]:
    """``CARRYWATCH_*`` variables no setting reads, each with a "did you mean"."""
    return unknown_variables(os.environ if environ is None else environ, Settings, KNOWN_SOURCES)


__all__ = ["Settings", "SettingsError", "load_settings", "unknown_environment"]
