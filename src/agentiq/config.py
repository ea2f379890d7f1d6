"""One typed Settings object (prefix AGENTIQ_), validated at start-up.

A bad setting stops start-up with one sentence that says what to fix; `load_settings()`
turns pydantic's errors into that sentence (`SettingsError`).
"""

from __future__ import annotations

import logging
import secrets
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_VAR_DIR = PROJECT_ROOT / "var"
WEAK_SECRETS = {"changeme", "change-me", "secret", "please-change", "dev", "test"}


class Environment(StrEnum):
    dev = "dev"
    test = "test"
    production = "production"


class SettingsError(RuntimeError):
    """A setting is invalid; the message is one sentence telling the operator what to fix."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="AGENTIQ_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    environment: Environment = Environment.dev
    var_dir: Path = DEFAULT_VAR_DIR
    database_url: str = ""
    redis_url: str | None = None
    # A Redis that hangs must not hang sign-in: every call gives up after this (seconds).
    redis_socket_timeout_s: float = Field(default=2.0, gt=0, le=60)
    secret_key: str = ""
    # Old keys kept only to decrypt what they encrypted (rotation); comma-separated.
    previous_secret_keys: str = ""

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    base_url: str = ""

    # WB hosts, one per API, so each can point at an emulator.
    wb_feedbacks_url: str = "https://feedbacks-api.wildberries.ru"
    wb_chat_url: str = "https://buyer-chat-api.wildberries.ru"
    wb_timeout_s: float = Field(default=30.0, gt=0)
    # Embedded default: mount the WB emulator in the app and use it for demo cabinets.
    # Unset: on, except in production (a demo and test tool, not a production surface).
    emulator_enabled: bool | None = None
    # The mounted emulator's /_wb/_admin routes (every seller's replies, tokens, faults)
    # answer only requests carrying this value in X-Emulator-Admin-Token; unset, or in
    # production, they answer 404.
    emulator_admin_token: str = ""

    llm_base_url: str = "https://api.deepseek.com"
    llm_model: str = "deepseek-chat"
    llm_api_key: str | None = None
    llm_timeout_s: float = Field(default=20.0, gt=0)
    # Hosts a seller may point Настройки → AI-ассистент at although they are plain http or
    # resolve to a private address (a self-hosted model); comma-separated host names.
    # Everything else a seller types must be https on a public address.
    llm_allowed_hosts: str = ""

    # Ops alerts: where a seller's Telegram bot is called (the operator's choice, trusted), and
    # hosts a seller's alert webhook may use although plain http or private (like the LLM's).
    telegram_api_base: str = "https://api.telegram.org"
    alerts_webhook_allowed_hosts: str = ""
    alerts_interval_s: int = Field(default=60, ge=5)

    scheduler_enabled: bool = True
    sync_interval_s: int = Field(default=120, ge=5)
    sla_sweep_interval_s: int = Field(default=300, ge=10)
    # One sync per (cabinet, channel) at a time: the lock's time-to-live. A live holder keeps
    # extending it; a killed holder's lock frees itself after this long.
    sync_lock_ttl_s: float = Field(default=120.0, ge=1)

    # Distributed mode (`agentiq worker` / `agentiq beat`, broker = AGENTIQ_REDIS_URL).
    # A task a killed worker never acknowledged goes back to the queue after this long; it
    # must exceed the longest task, or a live worker's task is handed out a second time.
    celery_visibility_timeout_s: int = Field(default=7200, ge=1)
    # Prepended to every broker key, so several deployments can share one Redis database.
    celery_key_prefix: str = ""

    # Request bodies over this many bytes are refused (413) before anything parses them;
    # one form field over max_field_bytes likewise.
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    max_field_bytes: int = Field(default=65_536, ge=256)

    # /docs, /redoc and /openapi.json: unset = on, except in production.
    api_docs: bool | None = None
    # /metrics needs `Authorization: Bearer <this>` when set; unset, it is 404 in production.
    metrics_token: str = ""
    # Proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (comma-separated IPs,
    # or "*"); the client address of anyone else is the socket's peer.
    forwarded_allow_ips: str = "127.0.0.1"

    log_level: str = "INFO"
    log_json: bool = True
    signin_max_attempts: int = Field(default=5, ge=1)
    signin_window_s: int = Field(default=300, ge=1)

    @field_validator("database_url")
    @classmethod
    def _database_url_parses(cls, value: str) -> str:
        if not value:
            return value
        try:
            url = make_url(value)
        except ArgumentError as exc:
            raise ValueError(
                "AGENTIQ_DATABASE_URL is not a valid database URL; use e.g. "
                "sqlite+aiosqlite:///var/agentiq.db or postgresql+asyncpg://user:pass@host/db"
            ) from exc
        if url.get_backend_name() not in {"sqlite", "postgresql"}:
            raise ValueError(
                "AGENTIQ_DATABASE_URL must point at SQLite or PostgreSQL, "
                f"not {url.get_backend_name()}"
            )
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url_scheme(cls, value: str | None) -> str | None:
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("AGENTIQ_REDIS_URL must start with redis://, rediss:// or unix://")
        return value or None

    @model_validator(mode="after")
    def _fill_defaults(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{self.var_dir / 'agentiq.db'}"
        self.database_url = normalise_database_url(self.database_url)
        if self.environment is Environment.production:
            if not self.secret_key:
                raise ValueError(
                    "AGENTIQ_SECRET_KEY is required in production; generate one with "
                    "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`"
                )
            if len(self.secret_key) < 32 or self.secret_key.lower() in WEAK_SECRETS:
                raise ValueError(
                    "AGENTIQ_SECRET_KEY is too weak for production; use at least 32 random "
                    "characters"
                )
        if not self.base_url:
            self.base_url = f"http://{self.host}:{self.port}"
        if self.api_docs is None:
            self.api_docs = self.environment is not Environment.production
        if self.emulator_enabled is None:
            self.emulator_enabled = self.environment is not Environment.production
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def llm_allowed_host_set(self) -> frozenset[str]:
        return frozenset(
            h.strip().lower().rstrip(".") for h in self.llm_allowed_hosts.split(",") if h.strip()
        )

    @property
    def alerts_webhook_allowed_host_set(self) -> frozenset[str]:
        return frozenset(
            h.strip().lower().rstrip(".")
            for h in self.alerts_webhook_allowed_hosts.split(",")
            if h.strip()
        )

    @property
    def is_production(self) -> bool:
        return self.environment is Environment.production

    @property
    def cookie_secure(self) -> bool:
        return self.environment is not Environment.dev

    def resolved_secret_key(self) -> str:
        """The secret key; in dev/test one is generated once and kept under var/."""
        if self.secret_key:
            return self.secret_key
        key_file = self.var_dir / "secret_key"
        if key_file.exists():
            self.secret_key = key_file.read_text().strip()
        else:
            self.var_dir.mkdir(parents=True, exist_ok=True)
            self.secret_key = secrets.token_urlsafe(48)
            key_file.write_text(self.secret_key)
            key_file.chmod(0o600)
            log.warning(
                "AGENTIQ_SECRET_KEY is not set; generated one and kept it in %s "
                "(set AGENTIQ_SECRET_KEY in production)",
                key_file,
            )
        return self.secret_key


def normalise_database_url(url: str) -> str:
    """Accept the plain driver names people paste and pick the async drivers we ship."""
    for plain, async_ in (
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return async_ + url[len(plain) :]
    return url


def _sentence(exc: ValidationError) -> str:
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first.get("loc", ()))
    message = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
    if field and not message.startswith("AGENTIQ_"):
        return f"AGENTIQ_{field.upper()} is invalid: {message}."
    return message if message.endswith(".") else message + "."


def load_settings(**overrides: Any) -> Settings:
    """Build Settings from the environment, raising SettingsError with a readable sentence."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError(_sentence(exc)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
