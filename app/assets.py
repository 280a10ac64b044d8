"""Static assets: read once, compressed once, served with a content-hash version and a long
immutable cache. plotly.js comes from the partial bundle (plotly.js's src/core.js with the
components the chart uses: scripts/build-plotly.js) that `make vendor` builds, else from a
plotly.js basic bundle an older `make vendor` left, else from the full bundle inside the Python
plotly package."""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

import plotly

from app.httpcache import Prepared, prepare

PLOTLY_NAME = "vendor/plotly.min.js"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, max-age=300"


PLOTLY_BUNDLES = ("plotly-core.min.js", "plotly-basic.min.js")  # in static/vendor, preferred first


def plotly_js_path(static_dir: Path) -> Path:
    for name in PLOTLY_BUNDLES:
        bundle = static_dir / "vendor" / name
        if bundle.is_file():
            return bundle
    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


# Brotli at quality 11 takes seconds on plotly.js (measured 4.3 s for 1.2 MB, 8% smaller than
# quality 9 at 0.2 s): large files are precompressed once by `make vendor` (FILE.br, written by
# `python -m app.assets FILE`) and otherwise compressed at 9 when first served.
LARGE = 256 * 1024


def _precompressed(path: Path) -> bytes | None:
    br = path.with_name(path.name + ".br")
    try:
        if br.is_file() and br.stat().st_mtime >= path.stat().st_mtime:
            return br.read_bytes()
    except OSError:
        pass
    return None


def precompress(path: Path) -> Path:
    import brotli

    out = path.with_name(path.name + ".br")
    out.write_bytes(brotli.compress(path.read_bytes(), quality=11))
    return out


@dataclass(frozen=True)
class Asset:
    prepared: Prepared
    version: str


class Assets:
    def __init__(self, static_dir: Path):
        self.root = static_dir.resolve()
        self._cache: dict[str, Asset] = {}

    def _path(self, name: str) -> Path | None:
        if name == PLOTLY_NAME:
            return plotly_js_path(self.root)
        if not name or any(ord(ch) < 32 or ch in "\\:" for ch in name) or name.startswith(("/", ".")):
            return None
        try:
            candidate = (self.root / name).resolve()
            if not candidate.is_relative_to(self.root) or not candidate.is_file():
                return None
        except (OSError, ValueError):  # e.g. a name too long for the file system
            return None
        return candidate

    def get(self, name: str) -> Asset | None:
        found = self._cache.get(name)
        if found is not None:
            return found
        path = self._path(name)
        if path is None:
            return None
        body = path.read_bytes()
        media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if media.startswith("text/") or media in ("application/javascript", "text/javascript"):
            media += "; charset=utf-8"
        asset = Asset(prepare(body, media, brotli_quality=11 if len(body) < LARGE else 9, br=_precompressed(path)),
                      hashlib.sha256(body).hexdigest()[:12])
        self._cache[name] = asset
        return asset

    def text(self, name: str) -> str:
        """A text asset's content, for inlining (the page's render-blocking CSS)."""
        asset = self.get(name)
        return asset.prepared.body.decode("utf-8") if asset else ""

    def version(self, name: str) -> str:
        """The asset's content hash: `?v=` of its URL (app/urls.py), which makes it immutable."""
        asset = self.get(name)
        return asset.version if asset else "missing"


if __name__ == "__main__":  # python -m app.assets FILE...: write FILE.br next to each file
    import sys

    for arg in sys.argv[1:]:
        print(precompress(Path(arg)))
