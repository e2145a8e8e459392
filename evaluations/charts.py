"""Bar charts drawn on the server as SVG: the scale and geometry here, the markup in
bar_chart.html. Bars are grouped by AI model and coloured by model, the same colour on every
chart; each bar also carries its model's name, so colour is never the only cue."""

import math
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.db.models import Exists, F, OuterRef

from catalog.models import AIModel

# Units of the SVG's viewBox; the chart scales to the width of its container.
WIDTH = 400
PLOT_WIDTH = 320  # the longest bar; the rest of the width holds the value written after it
ROW_HEIGHT = 40  # a label line, then its bar
GROUP_HEADING_HEIGHT = 22  # a model's name above its bars when it has several
BAR_HEIGHT = 14
TOP = 28  # room for the sentence that says which direction is better
AXIS_HEIGHT = 30
NOTE_HEIGHT = 18  # the line that says where a fitted axis starts
# How many colours models take in turn (classes model-colour-0 ... in evaluations.css).
MODEL_COLOURS = 12
# An axis is fitted to the values when they span less than this share of the metric's range
# and the fitted axis would start at least this far above the range's bottom.
CLUSTERED = Decimal("0.5")
WORTH_FITTING = Decimal("0.25")
TARGET_TICKS = 3  # intervals across the values of a fitted axis
MAX_TICKS = 6


def svg_number(number: float) -> str:
    """Coordinates as plain text, whatever the language of the page: 12.5, not 12,50."""
    return f"{number:.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Scale:
    """The axis: from `low` to `high`, with `ticks`; `fitted` when it does not start at the
    metric's minimum (usually 0), which the chart then says in words."""

    low: Decimal
    high: Decimal
    ticks: list[Decimal]
    fitted: bool
    decimals: int

    def share(self, value) -> float:
        """Where a value falls along the axis, from 0 (its start) to 1 (its end)."""
        share = float((Decimal(value) - self.low) / (self.high - self.low))
        return min(max(share, 0.0), 1.0)

    def text(self, value) -> str:
        return f"{Decimal(value):.{self.decimals}f}"


def nice_step(raw: Decimal) -> Decimal:
    """The smallest of 1, 2 or 5 times a power of ten that is at least `raw`."""
    exponent = math.floor(math.log10(raw))
    for multiple in ("1", "2", "5", "10"):
        step = Decimal(multiple).scaleb(exponent)
        if step >= raw:
            return step
    raise AssertionError("unreachable: 10 times the power is always enough")


def step_decimals(step: Decimal) -> int:
    return max(0, -step.normalize().as_tuple().exponent)


def ticks_between(low: Decimal, high: Decimal, step: Decimal) -> list[Decimal]:
    while (high - low) / step > MAX_TICKS - 1:
        step *= 2
    ticks, tick = [], low
    while tick <= high:
        ticks.append(tick)
        tick += step
    if ticks[-1] != high:
        ticks.append(high)
    return ticks


def axis_scale(values, minimum, maximum) -> Scale:
    """The metric's whole range, or, when the values cluster, a range fitted around them on
    round numbers, starting half a step or more below the smallest value so that its bar shows."""
    minimum, maximum = Decimal(minimum), Decimal(maximum)
    span = maximum - minimum
    values = [Decimal(value) for value in values]
    step = nice_step(span / 5)  # 0, 0.2, ... 1 on a 0–1 metric
    whole = Scale(
        minimum,
        maximum,
        ticks_between(minimum, maximum, step),
        fitted=False,
        decimals=step_decimals(step),
    )
    if len(set(values)) < 2:
        return whole
    smallest, largest = min(values), max(values)
    if largest - smallest >= span * CLUSTERED:
        return whole
    step = nice_step((largest - smallest) / TARGET_TICKS)
    low = ((smallest - step / 2) / step).to_integral_value(ROUND_FLOOR) * step
    high = min((largest / step).to_integral_value(ROUND_CEILING) * step, maximum)
    if low < minimum + span * WORTH_FITTING:
        return whole
    return Scale(
        low, high, ticks_between(low, high, step), fitted=True, decimals=step_decimals(step)
    )


def model_colours() -> dict[int, int]:
    """Each live AI model with live results and its colour number, newest first, so
    that a model has the same colour on every chart and models released together differ."""
    from evaluations.models import Result

    models = (
        AIModel.objects.live()
        .filter(Exists(Result.objects.live().filter(ai_model=OuterRef("pk"))))
        .order_by(F("release_date").desc(nulls_last=True), "name")
        .values_list("pk", flat=True)
    )
    return {pk: number % MODEL_COLOURS for number, pk in enumerate(models)}


@dataclass(frozen=True)
class Item:
    """One bar: its label, value, and the model whose colour it takes."""

    label: str
    value: Decimal
    value_text: str
    model_id: int


@dataclass(frozen=True)
class Bar:
    label: str
    value: str
    length: str
    label_y: str
    bar_y: str
    value_x: str
    value_y: str
    colour: int


@dataclass(frozen=True)
class GroupHeading:
    label: str
    y: str


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
    headings: list[GroupHeading]
    ticks: list[Tick]
    direction: str
    height: str
    axis_y: str
    tick_y: str
    scale: Scale
    note: str = ""
    note_y: str = ""
    break_path: str = ""
    width: str = str(WIDTH)
    plot_width: str = str(PLOT_WIDTH)
    bar_height: str = str(BAR_HEIGHT)
    colours: dict = field(default_factory=dict)


def direction_sentence(metric) -> str:
    if metric.higher_is_better:
        return "Higher is better: longer bars are better."
    return "Lower is better: shorter bars are better."


def axis_note(scale: Scale) -> str:
    if not scale.fitted:
        return ""
    return (
        f"The axis starts at {scale.text(scale.low)}, not at 0, "
        "to show the differences between close values."
    )


def grouped_chart(metric, groups, *, colours, id: str, title: str) -> BarChart:
    """Bars in groups: `groups` is a list of (heading or "", [Item]); a group with a heading
    shows it above its bars. The axis is fitted to the values when they cluster."""
    scale = axis_scale(
        [item.value for _, items in groups for item in items], metric.minimum, metric.maximum
    )
    bars, headings = [], []
    top = TOP
    for heading, items in groups:
        if heading:
            headings.append(GroupHeading(heading, svg_number(top + 15)))
            top += GROUP_HEADING_HEIGHT
        for item in items:
            length = scale.share(item.value) * PLOT_WIDTH
            bars.append(
                Bar(
                    label=item.label,
                    value=item.value_text,
                    length=svg_number(length),
                    label_y=svg_number(top + 13),
                    bar_y=svg_number(top + 18),
                    value_x=svg_number(length + 6),
                    value_y=svg_number(top + 18 + BAR_HEIGHT - 3),
                    colour=colours.get(item.model_id, 0),
                )
            )
            top += ROW_HEIGHT
    axis_y = top + 4
    note = axis_note(scale)
    height = axis_y + AXIS_HEIGHT + (NOTE_HEIGHT if note else 0)
    ticks = []
    for number, value in enumerate(scale.ticks):
        anchor = "middle"
        if number == 0:
            anchor = "start"
        elif number == len(scale.ticks) - 1:
            anchor = "end"
        ticks.append(
            Tick(
                x=svg_number(scale.share(value) * PLOT_WIDTH),
                label=scale.text(value),
                anchor=anchor,
            )
        )
    # A zig-zag across the start of a fitted axis, the usual mark of a broken scale.
    y = axis_y
    break_path = (
        f"M -4 {svg_number(y + 5)} L 0 {svg_number(y - 1)} L 4 {svg_number(y + 5)} "
        f"L 8 {svg_number(y - 1)}"
        if scale.fitted
        else ""
    )
    return BarChart(
        id=id,
        title=title,
        bars=bars,
        headings=headings,
        ticks=ticks,
        direction=direction_sentence(metric),
        height=svg_number(height),
        axis_y=svg_number(axis_y),
        tick_y=svg_number(axis_y + 18),
        scale=scale,
        note=note,
        note_y=svg_number(axis_y + 18 + NOTE_HEIGHT),
        break_path=break_path,
    )


def results_chart(metric, results, *, colours, id: str, title: str) -> BarChart:
    """An evaluation's results on one metric, grouped by model in the order given: one bar per
    model, or, where results have sub-categories, the model's name above a bar for each."""
    by_model = {}
    for result in results:
        by_model.setdefault(result.ai_model_id, []).append(result)
    groups = []
    for model_results in by_model.values():
        model = model_results[0].ai_model
        several = len(model_results) > 1 or model_results[0].subcategory
        items = [
            Item(
                label=(result.subcategory or "overall") if several else model.name,
                value=result.value,
                value_text=result.value_text,
                model_id=model.pk,
            )
            for result in model_results
        ]
        groups.append((model.name if several else "", items))
    return grouped_chart(metric, groups, colours=colours, id=id, title=title)
