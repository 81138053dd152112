"""A careless operator's settings: ``config check`` and ``run`` stop on the same one line.

Each case is a value that used to pass ``config check`` and then crash
``run`` with a traceback, or a misspelt name that was silently ignored
(issue 11, "Careless operators").
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import app

runner = CliRunner()
TOKEN = "123456:SECRET-token-value"

BAD_ENV = [
    ("CARRYWATCH_LOG_LEVEL", "garbage", "log_level (CARRYWATCH_LOG_LEVEL): unknown log level"),
    (
        "CARRYWATCH_ALERTS__CONSOLE_MIN_LEVEL",
        "purple",
        "alerts.console_min_level (CARRYWATCH_ALERTS__CONSOLE_MIN_LEVEL): unknown level 'purple'",
    ),
    ("CARRYWATCH_ALERTS__TZ", "Mars/Olympus", "unknown time zone 'Mars/Olympus'"),
    ("CARRYWATCH_ALERTS__REPEAT_INTERVAL", "banana", "bad duration 'banana'"),
    ("CARRYWATCH_HTTP__PORT", "99999", "http.port (CARRYWATCH_HTTP__PORT): 99999 is not a port"),
    ("CARRYWATCH_SOURCES__MOF__TIMEOUT", "-5", "sources.mof.timeout"),
    (
        "CARRYWATCH_SOURCES__KRAKEN__URL",
        "kraken.com/0/public?key=SECRET-token-value",
        "sources.kraken.url (CARRYWATCH_SOURCES__KRAKEN__URL): not a URL starting with "
        "http:// or https:// (got no scheme)",
    ),
    ("CARRYWATCH_DATABASE_URL", "postgres://bot:pa55word@db/cw", "unsupported database URL"),
    ("CARRYWATCH_DATABASE_URL", "sqlite:///./x.db", "unsupported database URL scheme sqlite"),
    ("CARRYWATCH_DATABASE_URL", "sqlite+aiosqlite:////no/such/dir/x.db", "/no/such/dir"),
    ("CARRYWATCH_TELEGRAM__CHANNEL", "carrywatch", "neither @channelname nor a numeric"),
    (
        "CARRYWATCH_TELEGRAM__CHANNEL_LANGUAGE",
        "fr",
        "telegram.channel_language (CARRYWATCH_TELEGRAM__CHANNEL_LANGUAGE): 'fr' is not a "
        "language carrywatch speaks (en, zh, ja)",
    ),
    ("CARRYWATCH_TELEGRAM__CHANNELS", '{"@cw_zh": "cn"}', "'cn' is not a language"),
    ("CARRYWATCH_TELEGRAM__CHANNELS", '{"cw_zh": "zh"}', "neither @channelname nor a numeric"),
    ("CARRYWATCH_DISPATCH__MAX_ATTEMPTS", "0", "must be at least 1"),
]


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No CARRYWATCH_* from the caller; a config file path in tmp (absent until written)."""
    import os

    for name in [n for n in os.environ if n.startswith("CARRYWATCH_")]:
        monkeypatch.delenv(name)
    config = tmp_path / "carrywatch.toml"
    monkeypatch.setenv("CARRYWATCH_CONFIG", str(config))
    monkeypatch.setenv("CARRYWATCH_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cw.db'}")
    monkeypatch.setenv("CARRYWATCH_TELEGRAM__TOKEN", TOKEN)
    monkeypatch.chdir(tmp_path)
    return config


def _error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("error: ")]


def test_valid_settings_pass(env: Path) -> None:
    result = runner.invoke(app, ["config", "check"])
    assert result.exit_code == 0, result.output
    assert "telegram      on" in result.stdout and TOKEN not in result.output


@pytest.mark.parametrize(("name", "value", "expected"), BAD_ENV)
def test_config_check_and_run_stop_on_the_same_line(
    env: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(name, value)
    check = runner.invoke(app, ["config", "check"])
    assert check.exit_code == 2, check.output
    lines = _error_lines(check.stderr)
    assert len(lines) == 1 and expected in lines[0], check.stderr
    assert "Traceback" not in check.output
    assert "SECRET" not in check.output and "pa55word" not in check.output
    run = runner.invoke(app, ["run"])
    assert run.exit_code == 2 and _error_lines(run.stderr) == lines, run.stderr


def test_a_misspelt_variable_fails_check_and_warns_run(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CARRYWATCH_TELEGRAM__TOKN", "x")
    monkeypatch.setenv("CARRYWATCH_LOG_LEVEL", "banana")  # so that run stops before starting
    check = runner.invoke(app, ["config", "check"])
    assert check.exit_code == 2
    assert _error_lines(check.stderr) == [
        "error: CARRYWATCH_TELEGRAM__TOKN: not a carrywatch setting; "
        "did you mean CARRYWATCH_TELEGRAM__TOKEN?"
    ]
    run = runner.invoke(app, ["run"])
    assert "warning: CARRYWATCH_TELEGRAM__TOKN: not a carrywatch setting" in run.stderr
    assert _error_lines(run.stderr) == [
        "error: log_level (CARRYWATCH_LOG_LEVEL): unknown log level 'banana'; "
        "choose one of DEBUG, INFO, WARNING, ERROR, CRITICAL"
    ]


def test_settings_names_outside_the_model_are_known(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("CARRYWATCH_HISTORY_DIR", "CARRYWATCH_TEST_PG_URL", "CARRYWATCH_HEALTHCHECK_HOST"):
        monkeypatch.setenv(name, str(env.parent))
    monkeypatch.setenv("CARRYWATCH_SOURCES__FRED__URL", "http://127.0.0.1:9")
    monkeypatch.setenv("CARRYWATCH_ALERTS__CONSOLE_MIN_LEVEL", "HIGH")
    result = runner.invoke(app, ["config", "check"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[telgram]\napi_url = "https://api.telegram.org"\n',
            "unknown section [telgram]; did you mean [telegram]?",
        ),
        ('[telegram]\ntokn = "x"\n', "[telegram] key 'tokn': not a setting; did you mean 'token'?"),
        ('log_levl = "INFO"\n', "key 'log_levl': not a setting; did you mean 'log_level'?"),
        (
            '[sources.krakn]\nurl = "https://x"\n',
            "unknown provider [sources.krakn]; did you mean [sources.kraken]?",
        ),
        (
            "[sources.mof]\ntimout = 5\n",
            "[sources.mof] key 'timout': not a setting; did you mean 'timeout'?",
        ),
        ("[telegram\napi_url = 1\n", "not valid TOML: Expected ']'"),
        ("[http]\nport = 70000\n", "http.port (CARRYWATCH_HTTP__PORT): 70000 is not a port"),
        ('[alerts]\ntz = "Mars/Olympus"\n', "unknown time zone 'Mars/Olympus'"),
    ],
)
def test_a_bad_config_file_is_one_line(env: Path, text: str, expected: str) -> None:
    env.write_text(text)
    check = runner.invoke(app, ["config", "check"])
    assert check.exit_code == 2, check.output
    lines = _error_lines(check.stderr)
    assert len(lines) == 1 and expected in lines[0], check.stderr
    assert "Traceback" not in check.output
    run = runner.invoke(app, ["run"])
    assert run.exit_code == 2 and _error_lines(run.stderr) == lines


def test_the_example_config_file_is_valid(env: Path) -> None:
    example = Path(__file__).resolve().parents[3] / "deploy" / "carrywatch.example.toml"
    env.write_text(example.read_text())
    result = runner.invoke(app, ["config", "check"])
    assert result.exit_code == 0, result.output
    assert "source fred" in result.stdout


def test_env_still_wins_over_the_file(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env.write_text("[http]\nport = 70000\n")
    monkeypatch.setenv("CARRYWATCH_HTTP__PORT", "9100")
    result = runner.invoke(app, ["config", "check"])
    assert result.exit_code == 0, result.output
    assert "http port     9100" in result.stdout
