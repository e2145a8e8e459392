"""Generated cover art: a decorative SVG for anything shown as a card without an uploaded picture.

Deterministic: the same kind and slug (and, for a publication, the same AI models) always give
the same picture, so a card looks the same on every page and in every cache. Each kind has its
own palette and motif (a system card's rings, a framework's tiles, a conversation's sound wave,
...); a hash of the slug places the shapes, and each AI model adds its own mark, so cards about
the same model share it.

Nothing from the item's text reaches the markup except a person's initials, which are escaped:
the rest is numbers and colours from the tables below. The SVG is inline, hidden from assistive
technology (aria-hidden) and styled only with presentation attributes (fill=...), which a
strict Content-Security-Policy allows where style attributes are not.
"""

import hashlib
import math
import random
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 320, 180


@dataclass(frozen=True)
class Palette:
    background: str
    shapes: tuple[str, ...]
    highlight: str


# Mid-to-deep backgrounds with lighter shapes: they read on a light and on a dark page alike.
PALETTES = {
    "system_card": Palette("#312e81", ("#4f46e5", "#6366f1", "#818cf8"), "#c7d2fe"),
    "addendum": Palette("#3b0764", ("#6d28d9", "#8b5cf6", "#a78bfa"), "#ddd6fe"),
    "framework": Palette("#134e4a", ("#0f766e", "#14b8a6", "#5eead4"), "#ccfbf1"),
    "policy": Palette("#78350f", ("#b45309", "#d97706", "#fbbf24"), "#fef3c7"),
    "research": Palette("#881337", ("#be123c", "#e11d48", "#fb7185"), "#ffe4e6"),
    "news": Palette("#0c4a6e", ("#0369a1", "#0284c7", "#38bdf8"), "#e0f2fe"),
    "topic": Palette("#14532d", ("#15803d", "#22c55e", "#86efac"), "#dcfce7"),
    "topic-teal": Palette("#134e4a", ("#0f766e", "#2dd4bf", "#99f6e4"), "#ccfbf1"),
    "topic-sky": Palette("#0c4a6e", ("#0284c7", "#38bdf8", "#bae6fd"), "#e0f2fe"),
    "topic-amber": Palette("#7c2d12", ("#c2410c", "#f59e0b", "#fde68a"), "#ffedd5"),
    "topic-rose": Palette("#831843", ("#be185d", "#f472b6", "#fbcfe8"), "#fce7f3"),
    "conversation": Palette("#1e1b4b", ("#7c3aed", "#c026d3", "#f472b6"), "#fae8ff"),
    "model": Palette("#0f172a", ("#1d4ed8", "#0891b2", "#38bdf8"), "#e0f2fe"),
    # AI models by modality
    "model-multimodal": Palette("#2e1065", ("#7c3aed", "#a855f7", "#d8b4fe"), "#f3e8ff"),
    "model-image": Palette("#431407", ("#c2410c", "#f97316", "#fdba74"), "#ffedd5"),
    "model-video": Palette("#4c0519", ("#be123c", "#f43f5e", "#fda4af"), "#ffe4e6"),
    "model-agent": Palette("#042f2e", ("#0f766e", "#14b8a6", "#5eead4"), "#ccfbf1"),
    "committee": Palette("#172554", ("#1d4ed8", "#f59e0b", "#2dd4bf"), "#fef3c7"),
    "person": Palette("#1e293b", ("#334155", "#475569", "#64748b"), "#f8fafc"),
}

TOPIC_PALETTES = ("topic", "topic-teal", "topic-sky", "topic-amber", "topic-rose")


def stream(*parts: str) -> random.Random:
    """A random-number stream fixed by the parts: the same parts, the same numbers."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return random.Random(int.from_bytes(digest[:16], "big"))


def number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def circle(x, y, r, fill, opacity=1.0) -> str:
    extra = f' fill-opacity="{opacity:.2f}"' if opacity < 1 else ""
    return f'<circle cx="{number(x)}" cy="{number(y)}" r="{number(r)}" fill="{fill}"{extra}/>'


def rect(x, y, w, h, fill, opacity=1.0, rx=0) -> str:
    extra = f' fill-opacity="{opacity:.2f}"' if opacity < 1 else ""
    corner = f' rx="{number(rx)}"' if rx else ""
    return (
        f'<rect x="{number(x)}" y="{number(y)}" width="{number(w)}" height="{number(h)}"'
        f'{corner} fill="{fill}"{extra}/>'
    )


def rings(rng: random.Random, palette: Palette) -> list[str]:
    """Concentric rings around a point: layers of safeguards."""
    cx, cy = rng.uniform(60, 290), rng.uniform(30, 150)
    step = rng.uniform(24, 40)
    offset = rng.randrange(3)
    shapes = []
    radius, index = 230.0, 0
    while radius > 18:
        colour = palette.shapes[(index + offset) % 3]
        shapes.append(circle(cx, cy, radius, colour, min(1.0, 0.4 + 0.12 * index)))
        radius -= step
        index += 1
    shapes.append(circle(cx, cy, rng.uniform(8, 14), palette.highlight))
    return shapes


def tiles(rng: random.Random, palette: Palette) -> list[str]:
    """A grid of tiles, some filled: a framework's structure."""
    shapes = []
    size, gap = 34, 8
    for row in range(5):
        for column in range(9):
            if rng.random() < 0.45:
                colour = palette.shapes[rng.randrange(3)]
                shapes.append(
                    rect(
                        12 + column * (size + gap),
                        8 + row * (size + gap),
                        size,
                        size,
                        colour,
                        rng.choice((0.55, 0.8, 1.0)),
                        rx=6,
                    )
                )
    return shapes


def stripes(rng: random.Random, palette: Palette) -> list[str]:
    """Horizontal bands of different lengths: a policy's clauses."""
    shapes = []
    for row in range(7):
        length = rng.uniform(90, 300)
        shapes.append(rect(0, 10 + row * 24, length, 14, palette.shapes[row % 3], 0.85, rx=7))
    return shapes


def constellation(rng: random.Random, palette: Palette) -> list[str]:
    """Points joined by lines: research."""
    points = [(rng.uniform(20, 300), rng.uniform(15, 165)) for _ in range(9)]
    points.sort()
    path = " ".join(
        f"{'M' if index == 0 else 'L'}{number(x)} {number(y)}"
        for index, (x, y) in enumerate(points)
    )
    shapes = [
        f'<path d="{path}" fill="none" stroke="{palette.shapes[2]}" stroke-width="2" '
        f'stroke-opacity="0.7"/>'
    ]
    for x, y in points:
        shapes.append(circle(x, y, rng.uniform(5, 14), palette.shapes[rng.randrange(3)]))
    return shapes


def bands(rng: random.Random, palette: Palette) -> list[str]:
    """Diagonal bands: news."""
    shapes = []
    start = rng.uniform(-120, -40)
    for index in range(6):
        x = start + index * 78
        width = rng.uniform(24, 60)
        corners = [(x, 180), (x + width, 180), (x + width + 140, 0), (x + 140, 0)]
        points = " ".join(f"{number(a)},{number(b)}" for a, b in corners)
        shapes.append(
            f'<polygon points="{points}" fill="{palette.shapes[index % 3]}" fill-opacity="0.8"/>'
        )
    return shapes


def blobs(rng: random.Random, palette: Palette) -> list[str]:
    """Large overlapping circles: a topic."""
    shapes = []
    for index in range(5):
        shapes.append(
            circle(
                rng.uniform(0, 320),
                rng.uniform(0, 180),
                rng.uniform(40, 110),
                palette.shapes[index % 3],
                0.7,
            )
        )
    return shapes


def wave(rng: random.Random, palette: Palette) -> list[str]:
    """A sound wave: a conversation."""
    shapes = []
    for index in range(26):
        height = 16 + 130 * abs(rng.gauss(0, 0.45))
        height = min(height, 150)
        shapes.append(
            rect(
                10 + index * 11.8,
                90 - height / 2,
                7,
                height,
                palette.shapes[index % 3],
                0.9,
                rx=3.5,
            )
        )
    return shapes


def orbits(rng: random.Random, palette: Palette) -> list[str]:
    """A core with satellites on orbits: an AI model."""
    cx, cy = rng.uniform(70, 250), rng.uniform(50, 130)
    shapes = []
    for index, radius in enumerate(sorted(rng.sample(range(48, 190, 14), 3), reverse=True)):
        shapes.append(
            f'<circle cx="{number(cx)}" cy="{number(cy)}" r="{radius}" fill="none" '
            f'stroke="{palette.shapes[index]}" stroke-width="2" stroke-opacity="0.8"/>'
        )
        angle = rng.uniform(0, 6.283)
        shapes.append(
            circle(
                cx + radius * math.cos(angle),
                cy + radius * math.sin(angle),
                9,
                palette.shapes[index],
            )
        )
    shapes.append(circle(cx, cy, 30, palette.shapes[1]))
    shapes.append(circle(cx, cy, 12, palette.highlight))
    return shapes


def seats(rng: random.Random, palette: Palette) -> list[str]:
    """Seats around a table: a committee."""
    cx = rng.uniform(120, 200)
    shapes = [rect(cx - 70, 72, 140, 36, palette.shapes[0], 0.9, rx=18)]
    count = rng.randrange(6, 11)
    turn = rng.uniform(0, 6.283)
    for index in range(count):
        angle = turn + 6.283 * index / count
        shapes.append(
            circle(
                cx + 100 * math.cos(angle),
                90 + 44 * math.sin(angle),
                11,
                palette.shapes[1 + index % 2],
            )
        )
    return shapes


MOTIFS = {
    "system_card": rings,
    "addendum": rings,
    "framework": tiles,
    "policy": stripes,
    "research": constellation,
    "news": bands,
    "topic": blobs,
    "conversation": wave,
    "model": orbits,
    "committee": seats,
    "person": blobs,
}


def model_marks(model_slugs) -> list[str]:
    """One small mark per AI model, in a row at the bottom left: the same model, the same mark
    (shape and colour) on every card about it."""
    shapes = []
    colours = ("#fde68a", "#a7f3d0", "#bfdbfe", "#fbcfe8", "#ddd6fe", "#fed7aa")
    for index, slug in enumerate(sorted(model_slugs)[:6]):
        rng = stream("model-mark", slug)
        x, y = 22 + index * 26, 158
        colour = colours[rng.randrange(len(colours))]
        if rng.random() < 0.5:
            shapes.append(circle(x, y, 9, colour))
        else:
            shapes.append(rect(x - 8.5, y - 8.5, 17, 17, colour, rx=3))
    return shapes


def initials(name: str) -> str:
    words = [word for word in name.replace("-", " ").split() if word[:1].isalpha()]
    letters = (words[0][:1] + (words[-1][:1] if len(words) > 1 else "")) if words else "?"
    return letters.upper()


def cover_svg(kind: str, slug: str, *, models=(), monogram: str = "") -> SafeString:
    """The cover art of an item of `kind` (a key of PALETTES: a publication's kind, or "topic",
    "conversation", "model" or "model-<modality>", "committee", "person") named `slug`;
    `models` are the slugs of its AI models; `monogram` (a person's name) puts their initials
    in the middle."""
    rng = stream(kind, slug)
    if kind in ("topic", "person"):  # side by side in lists: one of five palettes each
        palette = PALETTES[rng.choice(TOPIC_PALETTES)]
    else:
        palette = PALETTES.get(kind) or PALETTES.get(kind.split("-")[0], PALETTES["topic"])
    motif = MOTIFS.get(kind.split("-")[0], blobs)
    shapes = [rect(0, 0, WIDTH, HEIGHT, palette.background)]
    shapes += motif(rng, palette)
    shapes += model_marks(models)
    if monogram:
        shapes.append(circle(160, 90, 58, palette.background, 0.85))
        shapes.append(
            f'<text x="160" y="90" dy="0.35em" text-anchor="middle" font-size="52" '
            f'font-weight="700" font-family="system-ui, sans-serif" fill="{palette.highlight}">'
            f"{escape(initials(monogram))}</text>"
        )
    return mark_safe(
        f'<svg class="cover-art" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}"'
        f' preserveAspectRatio="xMidYMid slice" aria-hidden="true">{"".join(shapes)}</svg>'
    )
