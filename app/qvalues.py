"""The one parser of HTTP q-value lists (RFC 9110 §12.4.2): Accept-Language for the page
language, Accept-Encoding for compression."""

from __future__ import annotations


def qvalues(header: str | None) -> list[tuple[str, float]]:
    """'zh-CN;q=0.9, en;q=0.8' -> [('zh-cn', 0.9), ('en', 0.8)], in the header's order; a
    malformed q counts as 0 (not acceptable)."""
    out = []
    for part in (header or "").split(","):
        token, *params = [p.strip() for p in part.split(";")]
        if not token:
            continue
        q = 1.0
        for param in params:
            if param[:2].lower() == "q=":
                try:
                    q = min(max(float(param[2:]), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        out.append((token.lower(), q))
    return out
