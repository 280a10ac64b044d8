"""Social cards: a 1200×630 PNG for a view of the explorer or for an event, in the page's
language, drawn with Pillow from the snapshot: the title, the date or the count, the side, and
a small picture of the timeline (one lane per side, a dot per event, the event ringed).

Why Pillow: it is a well-kept wheel with no browser or system service behind it (kaleido
needs its own Chrome), it draws CJK text with the Noto CJK fonts CI installs, and a card takes
tens of milliseconds. Cards are rendered once per (snapshot, view, language) and kept in the
prepared-response cache like any other response, never per request under load."""

from __future__ import annotations

import datetime as dt
import io
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from app.figure import LANES
from app.i18n import t
from app.models import Event
from app.store import Snapshot

WIDTH, HEIGHT = 1200, 630
FONTS = {
    "bold": ["/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"],
    "regular": ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"],
}


@lru_cache(maxsize=16)
def _font(kind: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONTS[kind]:
        if Path(path).is_file():
            return ImageFont.truetype(path, size, index=2 if path.endswith(".ttc") else 0)  # .ttc index 2: SC
    return ImageFont.load_default(size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int, lines: int) -> list[str]:
    """At most `lines` lines of at most `width` px: broken at spaces in Latin text, between any two
    characters in CJK text; an ellipsis ends a text that does not fit."""
    cjk = any(ord(c) > 0x2E80 for c in text)
    tokens, sep = (list(text), "") if cjk else (text.split(" "), " ")
    out: list[str] = []
    current = ""
    for i, token in enumerate(tokens):
        candidate = current + sep + token if current else token
        if draw.textlength(candidate, font=font) <= width:
            current = candidate
            continue
        out.append(current)
        current = token
        if len(out) == lines:
            last = out[-1]
            while last and draw.textlength(last + "…", font=font) > width:
                last = last[:-1]
            out[-1] = last + "…"
            return out
    out.append(current)
    return out


def render_card(snapshot: Snapshot, events: list[Event], title: str, subtitle: str, lang: str,
                highlight: Event | None = None) -> bytes:
    img = Image.new("RGB", (WIDTH, HEIGHT), "#ffffff")
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, 0, WIDTH, 14], fill="#1f4e9c")
    draw.text((60, 44), t("site_title", lang), font=_font("bold", 30), fill="#5b6770")
    y = 100
    for line in _wrap(draw, title, _font("bold", 54), WIDTH - 120, 3):
        draw.text((60, y), line, font=_font("bold", 54), fill="#1b1b1b")
        y += 70
    draw.text((60, y + 10), subtitle, font=_font("regular", 30), fill="#3c3c3c")

    # the timeline: lanes from the first event to the sources' review date
    top, bottom, left, right = 420, 560, 290, WIDTH - 60
    first = dt.date(2018, 1, 1)
    last = snapshot.taxonomy.reviewed_through
    span = max((last - first).days, 1)
    tax = snapshot.taxonomy
    lane_y = {side: bottom - i * (bottom - top) / (len(LANES) - 1) for i, side in enumerate(LANES)}
    label_font = _font("regular", 21)
    for side, ly in lane_y.items():
        draw.line([left, ly, right, ly], fill="#d0d4d8", width=2)
        label = tax.sides[side].label.get(lang)
        draw.text((left - 16, ly), label, font=label_font, fill="#3c3c3c", anchor="rm")
    for year in range(first.year, last.year + 1):
        x = left + (dt.date(year, 1, 1) - first).days / span * (right - left)
        draw.text((x, bottom + 40), str(year), font=_font("regular", 18), fill="#7a7a7a", anchor="mm")
    for e in events:
        x = left + min(max((e.date - first).days / span, 0), 1) * (right - left)
        ly = lane_y[snapshot.side_of(e)]
        r = 4 + 2 * e.significance
        colour = tax.categories[e.category].colour
        draw.ellipse([x - r, ly - r, x + r, ly + r], fill=colour if e.status == "official" else None, outline=colour,
                     width=2)
    if highlight is not None:
        x = left + min(max((highlight.date - first).days / span, 0), 1) * (right - left)
        ly = lane_y[snapshot.side_of(highlight)]
        draw.ellipse([x - 18, ly - 18, x + 18, ly + 18], outline="#c86e00", width=5)
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=False, compress_level=6)
    return out.getvalue()
