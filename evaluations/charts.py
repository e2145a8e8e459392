"""Bar charts drawn on the server as SVG: the geometry here, the markup in bar_chart.html."""

from dataclasses import dataclass

from evaluations.models import value_text

# Units of the SVG's viewBox; the chart scales to the width of its container.
WIDTH = 400
PLOT_WIDTH = 320  # the longest bar; the rest of the width holds the value written after it
ROW_HEIGHT = 40  # a label line, then its bar
BAR_HEIGHT = 14
TOP = 28  # room for the sentence that says which direction is better
AXIS_HEIGHT = 30


def svg_number(number: float) -> str:
    """Coordinates as plain text, whatever the language of the page: 12.5, not 12,50."""
    return f"{number:.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Bar:
    label: str
    value: str
    length: str
    label_y: str
    bar_y: str
    value_x: str
    value_y: str


@dataclass(frozen=True)
class Tick:
    x: str
    label: str
    anchor: str


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    bars: list[Bar]
    ticks: list[Tick]
    direction: str
    height: str
    axis_y: str
    tick_y: str
    width: str = str(WIDTH)
    plot_width: str = str(PLOT_WIDTH)
    bar_height: str = str(BAR_HEIGHT)


def direction_sentence(metric) -> str:
    if metric.higher_is_better:
        return "Higher is better: longer bars are better."
    return "Lower is better: shorter bars are better."


def bar_chart(metric, results, *, id: str, title: str) -> BarChart:
    """One bar per result, its length in proportion to the value within the metric's range."""
    span = metric.maximum - metric.minimum
    bars = []
    for row, result in enumerate(results):
        top = TOP + row * ROW_HEIGHT
        share = float((result.value - metric.minimum) / span)
        # Values are checked against the range on entry; an editor may narrow it later.
        length = min(max(share, 0.0), 1.0) * PLOT_WIDTH
        label = result.ai_model.name
        if result.subcategory:
            label = f"{label} · {result.subcategory}"
        bars.append(
            Bar(
                label=label,
                value=result.value_text,
                length=svg_number(length),
                label_y=svg_number(top + 13),
                bar_y=svg_number(top + 18),
                value_x=svg_number(length + 6),
                value_y=svg_number(top + 18 + BAR_HEIGHT - 3),
            )
        )
    axis_y = TOP + len(results) * ROW_HEIGHT + 4
    middle = (metric.minimum + metric.maximum) / 2
    return BarChart(
        id=id,
        title=title,
        bars=bars,
        ticks=[
            Tick(x="0", label=value_text(metric.minimum), anchor="start"),
            Tick(x=svg_number(PLOT_WIDTH / 2), label=value_text(middle), anchor="middle"),
            Tick(x=str(PLOT_WIDTH), label=value_text(metric.maximum), anchor="end"),
        ],
        direction=direction_sentence(metric),
        height=svg_number(axis_y + AXIS_HEIGHT),
        axis_y=svg_number(axis_y),
        tick_y=svg_number(axis_y + 18),
    )
