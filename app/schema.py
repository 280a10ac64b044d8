"""JSON Schema for event files, generated from the models with the taxonomy's keys as enums."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app import yamlfile
from app.models import Event, Story, Taxonomy
from app.store import TAXONOMY_FILE


def event_schema(data_dir: Path) -> dict[str, Any]:
    schema = Event.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Chip Controls Timeline event"
    path = data_dir / TAXONOMY_FILE
    taxonomy = Taxonomy.model_validate(yamlfile.load(path, str(path)).data)
    props = schema["properties"]
    props["actors"]["items"] = {"enum": sorted(taxonomy.actors)}
    props["category"] = {**props["category"], "enum": sorted(taxonomy.categories)}
    props["technologies"]["items"] = {"enum": sorted(taxonomy.technologies)}
    related = schema["$defs"]["Related"]["properties"]
    related["relation"] = {**related["relation"], "enum": sorted(taxonomy.relations)}
    for key in ("category",):
        props[key].pop("pattern", None)
    return schema


def story_schema() -> dict[str, Any]:
    """JSON Schema for story files (timeline_data/stories/<id>.yaml)."""
    schema = Story.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Chip Controls Timeline story"
    return schema
