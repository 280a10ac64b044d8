"""The OpenAPI document: FastAPI's, generated from the parameter models, completed with what
the models alone cannot say.

- The controlled vocabularies of the *loaded* store (actor, category, technology, side keys;
  the status values) become `enum`s, so /docs offers them in drop-downs and a client can
  validate before calling. They follow the data: after a reload that changes the taxonomy, the
  next /openapi.json lists the new keys.
- `format` and the `/events.{ext}` extension list the renderer table's names.
- `from`/`to` carry the pattern of a year, a month or a day; `cursor` its alphabet.
The server still checks every value itself and answers unknown ones with a readable 400.
"""

from __future__ import annotations

import copy
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app.filters import vocabularies
from app.inforce import STATES
from app.models import Taxonomy
from app.renderers import BY_EXTENSION, RENDERERS
from app.store import StoreHolder

# a year, a month or a day; empty means no limit
PARTIAL_DATE = r"^\s*((19\d\d|2[01]\d\d|2200)(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?)?\s*$"
CURSOR = r"^[A-Za-z0-9_-]+$"
FORMATS = sorted(set(RENDERERS) | set(BY_EXTENSION))


def _string_branch(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema that describes one string value: the items of an array, the string branch
    of an optional (anyOf string/null), or the schema itself."""
    if schema.get("type") == "array":
        return schema["items"]
    for branch in schema.get("anyOf", ()):
        if branch.get("type") == "string":
            return branch
    return schema


def constraints(taxonomy: Taxonomy) -> dict[str, dict[str, Any]]:
    """Per parameter name of the event endpoints (/events, /events.{ext}, /facets): what to add
    to its string schema."""
    return {
        **{name: {"enum": values} for name, values in vocabularies(taxonomy).items()},
        "format": {"enum": FORMATS},
        "ext": {"enum": FORMATS},
        "from": {"pattern": PARTIAL_DATE},
        "to": {"pattern": PARTIAL_DATE},
        "cursor": {"pattern": CURSOR},
        "updated_since": {"pattern": PARTIAL_DATE},
        "as_of": {"pattern": r"^\s*(\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]))?\s*$"},
        "state": {"enum": list(STATES)},
    }


def _problem_schemas(doc: dict[str, Any]) -> None:
    """FastAPI files a response model's schema under application/json; error responses are
    application/problem+json: move it there."""
    for operations in doc.get("paths", {}).values():
        for operation in operations.values():
            for response in operation.get("responses", {}).values():
                content = response.get("content", {})
                if "application/problem+json" in content and "application/json" in content:
                    content["application/problem+json"] = content.pop("application/json")


def complete(base: dict[str, Any], taxonomy: Taxonomy) -> dict[str, Any]:
    doc = copy.deepcopy(base)
    _problem_schemas(doc)
    extra = constraints(taxonomy)
    for path, operations in doc.get("paths", {}).items():
        if not (path.startswith("/events") or path == "/facets"):
            continue  # e.g. /oembed has a `format` of its own
        for operation in operations.values():
            for parameter in operation.get("parameters", ()):
                add = extra.get(parameter["name"])
                if add and "schema" in parameter:
                    _string_branch(parameter["schema"]).update(add)
    return doc


def install(app: FastAPI, holder: StoreHolder) -> None:
    """Serve the completed document at /openapi.json (and to /docs), built once per snapshot."""
    cache: dict[str, dict[str, Any]] = {}
    base: list[dict[str, Any]] = []

    def openapi() -> dict[str, Any]:
        if not base:
            base.append(get_openapi(title=app.title, version=app.version, description=app.description,
                                    routes=app.routes, tags=app.openapi_tags))
        snap = holder.snapshot
        doc = cache.get(snap.content_hash)
        if doc is None:
            doc = complete(base[0], snap.taxonomy)
            cache.clear()
            cache[snap.content_hash] = doc
        return doc

    app.openapi = openapi  # type: ignore[method-assign]
