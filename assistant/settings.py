"""Aisle's settings: read once, at the edge (CLI, server start), then passed down.

Sources, highest priority first: explicit arguments, ``AISLE_*`` environment variables, a TOML
file (``--config FILE``, else ``AISLE_CONFIG``, else ``./aisle.toml`` when present) using the
same keys in lower case without the prefix (``data_dir = "/srv/aisle"``), then defaults.

This module only describes and derives paths and URLs; it opens nothing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from store.errors import AisleError
from tools.checkout import check_template

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

    # --- the web server (``aisle serve``; ui.api) ------------------------------------------
    # Where ``aisle serve`` listens; loopback by default, so nothing is exposed by accident.
    serve_host: str = "127.0.0.1"
    serve_port: int = Field(default=7860, ge=1, le=65535)
    # Bot API keys: "auto" needs a key once any unrevoked key exists (``aisle keys create``),
    # so a fresh loopback demo works without one; "required" always; "off" never.
    api_keys: Literal["auto", "required", "off"] = "auto"
    # Browser origins allowed to call the bot API and /v1 (CORS), e.g.
    # AISLE_CORS_ORIGINS="https://shop.example,https://www.shop.example"; empty: same origin.
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Requests per minute per API key (per client address without a key); 0 turns it off.
    # A key may carry its own rate. The web chat's events count per address (ui.api.security).
    # Counted in each process, or in Redis for every replica when redis_url is set.
    rate_limit_per_minute: float = Field(default=30.0, ge=0)
    rate_limit_burst: int = Field(default=10, ge=1)  # requests allowed back to back
    # Failed authentications (bad API key, bad identity token, failed web sign-in) per client
    # address and minute; beyond it every attempt gets 429 without being checked. 0: no limit.
    auth_failures_per_minute: int = Field(default=10, ge=0)
    max_request_bytes: int = Field(default=65_536, ge=1024)  # larger bodies get 413
    # Shared state for replicas: rate limits live here when set (redis://host:6379/0).
    redis_url: str | None = None
    # The shared secret (32+ characters) that signs the embedding site's identity tokens
    # (JWT, HS256, claims sub/exp/aud="aisle"); unset: identity tokens are refused.
    identity_secret: SecretStr | None = Field(default=None, min_length=32)
    # Demo mode (``aisle demo``): the web chat offers a picker of the demo shop's shoppers.
    # Never for a real shop: whoever reaches the chat could act as any of them.
    demo: bool = False
    # Turns run at once; more wait up to turn_queue_seconds, then 503. 0: 1 for the embedded
    # llama.cpp model (one generation at a time), 4 for an OpenAI-compatible LLM server.
    max_concurrent_turns: int = Field(default=0, ge=0)
    turn_queue_seconds: float = Field(default=120.0, gt=0)
    # The shop's own checkout page, as a URL template: set, "check out" hands the cart over
    # there instead of placing an order here. Placeholders: {items} (ITEM_ID:QUANTITY joined
    # by commas, Shopify's cart permalink), {cart_id}, {total} (123.45), {count} (units); e.g.
    # AISLE_CHECKOUT_URL="https://shop.example/cart/{items}" (``tools.checkout``).
    checkout_url: str | None = None

    @field_validator("checkout_url")
    @classmethod
    def _check_checkout_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not value.startswith(("https://", "http://")):
            raise ValueError("AISLE_CHECKOUT_URL must be an http(s) URL template")
        return check_template(value.strip())

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        """Accept a comma-separated string (environment) as well as a list (TOML)."""
        if isinstance(value, str):
            return [part.strip().rstrip("/") for part in value.split(",") if part.strip()]
        return value

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

    @property
    def turn_concurrency(self) -> int:
        """``max_concurrent_turns``, with 0 resolved by the LLM backend (see the field)."""
        if self.max_concurrent_turns:
            return self.max_concurrent_turns
        return 4 if self.llm_base_url else 1


def _default_config_file() -> Path | None:
    named = os.environ.get("AISLE_CONFIG")
    if named:
        return Path(named)
    return DEFAULT_CONFIG_FILE if DEFAULT_CONFIG_FILE.is_file() else None
