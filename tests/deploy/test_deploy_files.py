"""The deploy files stay in step with the code: the example TOML and env file
name only real settings and load without error, compose and the systemd unit
carry what operators rely on (DESIGN.md's settings contract), and the image
runs the CLI as a non-root user with a health check.

Docker is not available where the tests run, so these read and parse the
files; ``systemd-analyze verify`` runs on the unit when the host has it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from bot.settings import Settings, SourceSettings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
EXAMPLE_TOML = DEPLOY / "carrywatch.example.toml"
ENV_EXAMPLE = DEPLOY / "env.example"
COMPOSE = DEPLOY / "compose.yaml"
DOCKERFILE = DEPLOY / "Dockerfile"
UNIT = DEPLOY / "carrywatch.service"

# Names DESIGN.md fixes for operators and deploy files.
DESIGN_NAMES = {
    "CARRYWATCH_DATABASE_URL",
    "CARRYWATCH_HISTORY_DIR",
    "CARRYWATCH_TELEGRAM__TOKEN",
    "CARRYWATCH_TELEGRAM__API_URL",
    "CARRYWATCH_TELEGRAM__CHANNEL",
    "CARRYWATCH_TELEGRAM__ADMINS",
    "CARRYWATCH_DISCORD__TOKEN",
    "CARRYWATCH_DISCORD__API_URL",
    "CARRYWATCH_DISCORD__GATEWAY_URL",
    "CARRYWATCH_HTTP__PORT",
}
NOT_SETTINGS = {"CARRYWATCH_CONFIG"}  # names the settings file itself
SECRETS = {("telegram", "token"), ("discord", "token")}
_COMMENTED_KEY = re.compile(r"^# ?([a-z_]+ = .+)$")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No CARRYWATCH_ variable from the developer's shell, and no ./carrywatch.toml."""
    import os

    for name in list(os.environ):
        if name.startswith("CARRYWATCH_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def _unknown_keys(model: type[BaseModel], data: dict[str, Any], where: str) -> list[str]:
    problems: list[str] = []
    for key, value in data.items():
        path = f"{where}{key}"
        field = model.model_fields.get(key)
        if field is None:
            problems.append(path)
            continue
        if model is Settings and key == "sources":
            for provider, cfg in value.items():
                problems += _unknown_keys(SourceSettings, cfg, f"{path}.{provider}.")
            continue
        sub = field.annotation
        if isinstance(value, dict) and isinstance(sub, type) and issubclass(sub, BaseModel):
            problems += _unknown_keys(sub, value, f"{path}.")
    return problems


def _setting_path(env_name: str) -> list[str] | None:
    """``CARRYWATCH_SOURCES__MOF__URL`` -> the field path, or None when no such setting."""
    parts = env_name.removeprefix("CARRYWATCH_").lower().split("__")
    model: type[BaseModel] = Settings
    for i, part in enumerate(parts):
        if model is Settings and part == "sources" and len(parts) == 3:
            return parts if parts[2] in SourceSettings.model_fields else None
        field = model.model_fields.get(part)
        if field is None:
            return None
        sub = field.annotation
        if i == len(parts) - 1:
            return parts
        if not (isinstance(sub, type) and issubclass(sub, BaseModel)):
            return None
        model = sub
    return None


def _uncommented(text: str) -> str:
    """The example with every optional ``# key = value`` switched on."""
    return "\n".join(
        m.group(1) if (m := _COMMENTED_KEY.match(line)) else line for line in text.splitlines()
    )


def _env_file(path: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            name, sep, value = line.partition("=")
            assert sep, f"not NAME=value: {raw!r}"
            out[name] = value
    return out


# -- carrywatch.example.toml ------------------------------------------------------------


def test_example_toml_loads_and_shows_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARRYWATCH_CONFIG", str(EXAMPLE_TOML))
    loaded = Settings().model_dump()
    monkeypatch.setenv("CARRYWATCH_CONFIG", "does-not-exist.toml")
    defaults = Settings().model_dump()
    fred = loaded["sources"].pop("fred")
    assert fred == {"url": "https://fred.stlouisfed.org", "timeout": 20.0, "enabled": True}
    assert loaded == defaults  # copying the example changes nothing until edited


def test_every_key_in_the_example_is_a_real_setting() -> None:
    text = EXAMPLE_TOML.read_text()
    for variant in (text, _uncommented(text)):
        data = tomllib.loads(variant)
        assert _unknown_keys(Settings, data, "") == []
    # the optional, commented keys were really checked
    full = tomllib.loads(_uncommented(text))
    assert {"history_dir", "rules_file"} <= set(full)
    assert {"channel", "webhook_url"} <= set(full["telegram"])


def test_every_setting_is_in_the_example() -> None:
    full = tomllib.loads(_uncommented(EXAMPLE_TOML.read_text()))
    for name, field in Settings.model_fields.items():
        assert name in full, f"{name} missing from the example"
        sub = field.annotation
        if isinstance(sub, type) and issubclass(sub, BaseModel):
            documented = set(full[name]) | {k for s, k in SECRETS if s == name}
            assert set(sub.model_fields) == documented, name
    for provider in (
        "mof",
        "treasury",
        "frankfurter",
        "kraken",
        "coinbase",
        "coinbase_rates",
        "fred",
    ):
        assert set(full["sources"][provider]) == set(SourceSettings.model_fields)


def test_the_example_with_every_option_on_validates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "full.toml"
    path.write_text(_uncommented(EXAMPLE_TOML.read_text()))
    monkeypatch.setenv("CARRYWATCH_CONFIG", str(path))
    s = Settings()
    assert s.telegram.channel == "@carrywatch_alerts"
    assert s.alerts.console is True
    assert s.history_dir == Path("/var/lib/carrywatch/history")


def test_tokens_are_never_in_the_toml() -> None:
    text = EXAMPLE_TOML.read_text()
    assert not re.search(r"^#? ?token\s*=", text, re.MULTILINE)


def test_env_wins_over_the_file_and_adds_the_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARRYWATCH_CONFIG", str(EXAMPLE_TOML))
    monkeypatch.setenv("CARRYWATCH_TELEGRAM__TOKEN", "123:abc")
    monkeypatch.setenv("CARRYWATCH_HTTP__PORT", "9100")
    monkeypatch.setenv("CARRYWATCH_SOURCES__MOF__URL", "http://127.0.0.1:1/mof")
    s = Settings()
    assert s.telegram.enabled and s.telegram.api_url == "https://api.telegram.org"
    assert s.http.port == 9100 and s.http.host == "127.0.0.1"
    assert s.sources["mof"].url == "http://127.0.0.1:1/mof"
    assert s.sources["mof"].timeout == 20.0 and s.sources["kraken"].enabled


# -- env.example ------------------------------------------------------------------------


def test_env_example_names_real_settings_and_holds_no_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env = _env_file(ENV_EXAMPLE)
    assert {"CARRYWATCH_TELEGRAM__TOKEN", "CARRYWATCH_DISCORD__TOKEN"} <= set(env)
    assert all(value == "" for value in env.values()), "env.example must ship empty"
    carrywatch = {n for n in env if n.startswith("CARRYWATCH_")}
    assert set(env) - carrywatch == {"POSTGRES_PASSWORD"}
    for name in carrywatch:
        assert _setting_path(name) is not None, name
    # Filled in, they land where the code reads them.
    fills = {
        "CARRYWATCH_TELEGRAM__TOKEN": "123:SECRET",
        "CARRYWATCH_TELEGRAM__CHANNEL": "@alerts",
        "CARRYWATCH_TELEGRAM__ADMINS": "11, 22",
        "CARRYWATCH_DISCORD__TOKEN": "discord-secret",
    }
    assert set(fills) == carrywatch
    for name, value in fills.items():
        monkeypatch.setenv(name, value)
    s = Settings()
    assert s.telegram.enabled and s.discord.enabled
    assert s.telegram.channel == "@alerts" and s.telegram.admins == [11, 22]
    assert "SECRET" not in repr(s) and "discord-secret" not in str(s.model_dump())


# -- compose.yaml -----------------------------------------------------------------------


def _compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(data, dict)
    return data


def test_compose_runs_the_bot_on_postgres_with_secrets_from_an_env_file() -> None:
    doc = _compose()
    services = doc["services"]
    bot, pg = services["bot"], services["postgres"]
    assert pg["image"] == "postgres:15"
    pg_volume = next(v for v in pg["volumes"] if v.endswith(":/var/lib/postgresql/data"))
    assert pg_volume.split(":")[0] in doc["volumes"]
    url = bot["environment"]["CARRYWATCH_DATABASE_URL"]
    assert url.startswith("postgresql+asyncpg://") and "@postgres:5432/" in url
    assert (
        "${POSTGRES_PASSWORD" in url
        and "${POSTGRES_PASSWORD" in pg["environment"]["POSTGRES_PASSWORD"]
    )
    assert bot["env_file"] == [".env"]
    assert bot["depends_on"]["postgres"]["condition"] == "service_healthy"
    for svc in (bot, pg):
        assert svc["restart"] == "unless-stopped"
        assert svc["healthcheck"]["test"]
    assert bot["healthcheck"]["test"] == ["CMD", "python", "/usr/local/bin/carrywatch-healthcheck"]
    assert bot["command"] == ["carrywatch", "run"]
    assert bot["build"]["dockerfile"] == "deploy/Dockerfile"
    assert (COMPOSE.parent / bot["build"]["context"] / bot["build"]["dockerfile"]).is_file()


def test_compose_names_only_real_settings() -> None:
    services = _compose()["services"]
    names = {
        name
        for svc in services.values()
        for name in (svc.get("environment") or {})
        if name.startswith("CARRYWATCH_")
    }
    assert {"CARRYWATCH_DATABASE_URL", "CARRYWATCH_HTTP__PORT", "CARRYWATCH_HISTORY_DIR"} <= names
    for name in names - NOT_SETTINGS:
        assert _setting_path(name) is not None, name
    port = services["bot"]["environment"]["CARRYWATCH_HTTP__PORT"]
    assert any(p.endswith(f":{port}") for p in services["bot"]["ports"])


def test_design_names_are_all_real_settings() -> None:
    for name in DESIGN_NAMES:
        assert _setting_path(name) is not None, name
    assert _setting_path("CARRYWATCH_SOURCES__KRAKEN__URL") == ["sources", "kraken", "url"]
    assert _setting_path("CARRYWATCH_TELEGRAM__TOKN") is None


# -- Dockerfile -------------------------------------------------------------------------


def _instructions(text: str) -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n", " ", text)
    out = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            op, _, rest = line.partition(" ")
            out.append((op.upper(), rest.strip()))
    return out


def test_dockerfile_runs_the_cli_as_non_root_with_a_health_check() -> None:
    ins = _instructions(DOCKERFILE.read_text())
    froms = [rest for op, rest in ins if op == "FROM"]
    assert froms and all(f.startswith("python:3.11-slim") for f in froms)
    users = [rest for op, rest in ins if op == "USER"]
    assert users and not users[-1].startswith(("root", "0"))
    assert ("CMD", '["carrywatch", "run"]') in ins
    health = [rest for op, rest in ins if op == "HEALTHCHECK"]
    assert len(health) == 1 and "carrywatch-healthcheck" in health[0]
    assert any(op == "RUN" and "pip install" in rest for op, rest in ins)
    # Everything the image copies exists and is let through the ignore file.
    ignore = (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
    for op, rest in ins:
        if op == "COPY" and not rest.startswith("--from"):
            for src in rest.split()[:-1]:
                assert (ROOT / src).exists(), src
                assert f"!{src}" in ignore, src
    env = " ".join(rest for op, rest in ins if op == "ENV")
    for name in re.findall(r"(CARRYWATCH_[A-Z_]+)=", env):
        assert name in NOT_SETTINGS or _setting_path(name) is not None, name


# -- carrywatch.service -----------------------------------------------------------------


def _unit(text: str) -> dict[str, dict[str, list[str]]]:
    sections: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = line.strip("[]")
            continue
        key, sep, value = line.partition("=")
        assert sep, f"not key=value: {raw!r}"
        sections[current][key].append(value)
    return sections


def test_systemd_unit_has_the_required_keys() -> None:
    unit = _unit(UNIT.read_text())
    svc = unit["Service"]
    assert set(unit) == {"Unit", "Service", "Install"}
    assert svc["User"] == ["carrywatch"] and svc["Group"] == ["carrywatch"]
    assert svc["EnvironmentFile"] == ["/etc/carrywatch/env"]
    assert svc["Restart"] == ["on-failure"]
    assert svc["KillSignal"] == ["SIGTERM"]
    assert svc["ExecStart"][0].endswith("/carrywatch run")
    assert svc["StateDirectory"] == ["carrywatch"]
    for hardening in (
        "NoNewPrivileges",
        "ProtectSystem",
        "ProtectHome",
        "PrivateTmp",
        "PrivateDevices",
        "RestrictAddressFamilies",
        "SystemCallFilter",
        "CapabilityBoundingSet",
    ):
        assert svc[hardening], hardening
    assert svc["ProtectSystem"] == ["strict"]
    assert unit["Install"]["WantedBy"] == ["multi-user.target"]
    assert "network-online.target" in unit["Unit"]["After"][0]
    envs = [e.split("=", 1)[0] for e in svc["Environment"]]
    for name in envs:
        if name.startswith("CARRYWATCH_"):
            assert name in NOT_SETTINGS or _setting_path(name) is not None, name


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_analyze_accepts_the_unit(tmp_path: Path) -> None:
    """Unknown keys or bad values would show up here; the paths point at this venv."""
    venv = Path(ROOT / ".venv")
    env = tmp_path / "env"
    env.write_text("")
    text = (
        UNIT.read_text()
        .replace("/opt/carrywatch/venv", str(venv))
        .replace("/etc/carrywatch/env", str(env))
    )
    unit = tmp_path / "carrywatch.service"
    unit.write_text(text)
    proc = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=30
    )
    report = proc.stdout + proc.stderr
    assert "Unknown" not in report and "Failed to parse" not in report, report
    assert proc.returncode == 0, report
