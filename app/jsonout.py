"""JSON as the app writes it: compact UTF-8 bytes for responses, and text safe inside a
<script> element of a page."""

from __future__ import annotations

import json
from typing import Any


def json_bytes(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_for_script(data: Any) -> str:
    """JSON safe to place inside <script type="application/json|ld+json">."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
