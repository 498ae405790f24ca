"""Aisle's settings: read once, at the edge (CLI, server start), then passed down.

Sources, highest priority first: explicit arguments, ``AISLE_*`` environment variables, a TOML
file (``--config FILE``, else ``AISLE_CONFIG``, else ``./aisle.toml`` when present) using the
same keys in lower case without the prefix (``data_dir = "/srv/aisle"``), then defaults.

This module only describes and derives paths and URLs; it opens nothing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from store.errors import AisleError

DEFAULT_CONFIG_FILE = Path("aisle.toml")


class SettingsError(AisleError):
    """The settings are invalid or the named config file is missing."""


class Settings(BaseSettings):
    """Every setting Aisle reads. Empty means "use the embedded default"."""

    model_config = SettingsConfigDict(env_prefix="AISLE_", extra="forbid", frozen=True)

    data_dir: Path = Path("aisle-data")
    database_url: str | None = None
    chroma_url: str | None = None
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The TOML source reads model_config["toml_file"]; without one it contributes nothing.
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))

    @classmethod
    def load(cls, config_file: Path | None = None, **overrides: Any) -> Settings:
        """Read the environment and the TOML file once; ``overrides`` (non-None) win over both."""
        if config_file is not None and not config_file.is_file():
            raise SettingsError(
                f"config file {config_file} does not exist; pass an existing TOML file"
            )
        path = config_file or _default_config_file()
        settings_cls: type[Settings] = cls
        if path is not None:
            config = SettingsConfigDict(**{**cls.model_config, "toml_file": path})
            settings_cls = type("Settings", (cls,), {"model_config": config})
        try:
            return settings_cls(**{k: v for k, v in overrides.items() if v is not None})
        except ValidationError as exc:
            where = f" (from {path})" if path else ""
            raise SettingsError(f"invalid settings{where}: {exc}") from exc

    # --- derived locations ------------------------------------------------------------------

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "aisle.db"

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.sqlite_path}"

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def runs_dir(self) -> Path:
        return self.data_dir / "runs"


def _default_config_file() -> Path | None:
    named = os.environ.get("AISLE_CONFIG")
    if named:
        return Path(named)
    return DEFAULT_CONFIG_FILE if DEFAULT_CONFIG_FILE.is_file() else None
