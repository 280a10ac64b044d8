"""One settings object, read from the environment (prefix TIMELINE_)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app import snapcache

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TIMELINE_", frozen=True)

    data: Path = Field(ROOT / "timeline_data", description="folder holding taxonomy.yaml and events/")
    base_url: str = Field("", description="public base URL (e.g. https://timeline.example.org); empty: taken from each request")
    default_lang: Literal["en", "zh"] = Field("en", description="language when neither lang= nor Accept-Language decides")
    cache_max_age: int = Field(300, ge=0, description="Cache-Control max-age for API and pages, in seconds")
    watch: bool = Field(False, description="reload the store when files in the data folder change")
    workers: int = Field(1, ge=1, description="uvicorn worker processes")
    log_level: str = Field("info", description="log level: debug, info, warning, error")
    cache_dir: Path | None = Field(default_factory=lambda: snapcache.default_dir(),
                                   description="start-up cache of validated snapshots (empty: off)")

    @field_validator("cache_dir", mode="before")
    @classmethod
    def _empty_is_off(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value
    static_dir: Path = Field(ROOT / "static", description="folder of static assets")
    templates_dir: Path = Field(ROOT / "templates", description="folder of Jinja2 templates")
