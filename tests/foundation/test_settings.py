"""A bad setting stops start-up with one readable sentence."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from agentiq.config import SettingsError, load_settings


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"database_url": "not a url"}, "AGENTIQ_DATABASE_URL is not a valid database URL"),
        ({"database_url": "mysql://x@y/z"}, "must point at SQLite or PostgreSQL"),
        ({"environment": "production", "secret_key": ""}, "AGENTIQ_SECRET_KEY is required"),
        ({"environment": "production", "secret_key": "short"}, "too weak"),
        ({"redis_url": "http://localhost"}, "AGENTIQ_REDIS_URL must start with redis://"),
        ({"port": 0}, "AGENTIQ_PORT is invalid"),
        ({"environment": "staging"}, "AGENTIQ_ENVIRONMENT is invalid"),
    ],
)
def test_invalid_settings_raise_one_sentence(overrides: dict[str, object], expected: str) -> None:
    with pytest.raises(SettingsError) as info:
        load_settings(**overrides)
    message = str(info.value)
    assert expected in message
    assert "\n" not in message and "Traceback" not in message


def test_dev_secret_generated_once_and_kept(tmp_path: Path) -> None:
    first = load_settings(var_dir=tmp_path).resolved_secret_key()
    second = load_settings(var_dir=tmp_path).resolved_secret_key()
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").read_text() == first


def _serve(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agentiq.cli", "serve", "--port", "0"],
        env={**os.environ, "AGENTIQ_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_serve_refuses_bad_database_url(tmp_path: Path) -> None:
    result = _serve({"AGENTIQ_DATABASE_URL": "nonsense://"}, tmp_path)
    assert result.returncode != 0
    assert "Cannot start: AGENTIQ_DATABASE_URL" in result.stderr


def test_serve_refuses_missing_production_secret(tmp_path: Path) -> None:
    result = _serve({"AGENTIQ_ENVIRONMENT": "production", "AGENTIQ_SECRET_KEY": ""}, tmp_path)
    assert result.returncode != 0
    assert "Cannot start: AGENTIQ_SECRET_KEY is required in production" in result.stderr


def test_serve_refuses_unreachable_database(tmp_path: Path) -> None:
    result = _serve(
        {"AGENTIQ_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none", "AGENTIQ_LOG_JSON": "0"},
        tmp_path,
    )
    assert result.returncode != 0
    assert "database at AGENTIQ_DATABASE_URL cannot be reached" in result.stderr
