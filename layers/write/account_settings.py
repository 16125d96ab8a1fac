"""Settings of accounts and logins (layers/write/accounts.py, api/auth.py): a group of the one
`layers.db.settings.Settings`, in layers/ because the account rules that read them are here."""
from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class AccountSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NTM_", extra="ignore")

    # API tokens expire after this many days unless issued with another; a web login lasts this
    # many hours; a password must be at least this long.
    token_days: int = Field(90, ge=1)
    session_hours: int = Field(12, ge=1)
    password_min_length: int = Field(10, ge=1)
    # Logins verify at most this many passwords at once (argon2: 64 MiB and ~50 ms of CPU each).
    login_max_concurrent: int = Field(2, ge=1)
