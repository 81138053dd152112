"""Runtime settings: env (prefix CARRYWATCH_, nested delimiter __) over a TOML file.

Names are a contract with operators and deploy files (see DESIGN.md). Tokens are
``SecretStr`` so they never print in logs, errors or ``config check``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

DEFAULT_CONFIG_FILE = "carrywatch.toml"


def _split_csv(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, int):
        return [value]
    return value


class TelegramSettings(BaseModel):
    token: SecretStr | None = None
    api_url: str = "https://api.telegram.org"
    channel: str | None = None
    admins: Annotated[list[int], NoDecode] = Field(default_factory=list)
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443

    _split_admins = field_validator("admins", mode="before")(_split_csv)

    @property
    def enabled(self) -> bool:
        return self.token is not None and bool(self.token.get_secret_value())


class DiscordSettings(BaseModel):
    token: SecretStr | None = None
    api_url: str = "https://discord.com/api/v10"
    gateway_url: str | None = None
    dev_guild: int | None = None  # sync commands to one guild while developing

    @property
    def enabled(self) -> bool:
        return self.token is not None and bool(self.token.get_secret_value())


class SourceSettings(BaseModel):
    url: str
    timeout: float = 20.0
    enabled: bool = True


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
    }


class HttpSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 0  # health + metrics; 0 = off


class DatabaseSettings(BaseModel):
    connect_timeout: float = Field(5.0, gt=0)  # seconds to open a connection
    statement_timeout: float = Field(30.0, gt=0)  # seconds one statement may take


class DispatchSettings(BaseModel):
    max_age_minutes: float = 60.0  # older than this: sent marked as delayed
    max_attempts: int = 12
    poll_seconds: float = 1.0


class AlertSettings(BaseModel):
    repeat_interval: str = "0"  # remind while a rule keeps firing, e.g. "12h"; "0" = never
    console: bool | None = None  # print alerts to the terminal; default: when no chat is on
    console_min_level: str = "low"
    channel_min_level: str = "low"  # the Telegram broadcast channel gets every alert
    tz: str = "UTC"  # time zone for console and channel messages


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

    @field_validator("sources", mode="before")
    @classmethod
    def _merge_sources(cls, value: Any) -> Any:
        """Let ``CARRYWATCH_SOURCES__MOF__URL`` override one provider, keeping the rest."""
        merged: dict[str, Any] = {k: v.model_dump() for k, v in _default_sources().items()}
        for name, cfg in (value or {}).items():
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
        config_file = Path(os.environ.get("CARRYWATCH_CONFIG", DEFAULT_CONFIG_FILE))
        toml = TomlConfigSettingsSource(settings_cls, toml_file=config_file)
        # Env wins over the file; secrets may also come from a secrets dir.
        return (init_settings, env_settings, file_secret_settings, toml)


def load_settings(**overrides: Any) -> Settings:
    """Read settings now (env and file are read at call time, not import time)."""
    return Settings(**overrides)
