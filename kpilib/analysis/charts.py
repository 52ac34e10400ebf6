"""Charts of the analysis (seaborn on matplotlib), labelled in Italian with units: the XmR chart of one
indicator, the small multiples and the compliance heatmap of the reports."""

from __future__ import annotations

import io
import math
import sys
import textwrap

import matplotlib
import pandas as pd
from cycler import cycler
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ..core.errors import KpiError
from ..core.labels import UNIT_IT, indicator_label, target_it
from ..core.periods import MONTH_NAMES, Period, with_periods
from ..core.text import format_number_it
from ..core.vocabulary import Unit, Variation, is_missing
from .spc import target_steps

# Improvement and concern differ by shape as well as colour: in greyscale, and for a reader who cannot tell the colours.
MARKERS = {Variation.IMPROVEMENT: "^", Variation.CONCERN: "v", Variation.NEUTRAL_HIGH: "^", Variation.NEUTRAL_LOW: "v"}
COLOURS = {
    Variation.COMMON_CAUSE: "#4d4d4d",
    Variation.IMPROVEMENT: "#1f77b4",
    Variation.CONCERN: "#b35c00",  # 4.7:1 on white (the orange it replaced was 3.0:1)
    Variation.NEUTRAL_HIGH: "#6a3d9a",  # no target: purple, as Making Data Count draws neutral special causes
    Variation.NEUTRAL_LOW: "#6a3d9a",
    "": "#4d4d4d",
}


# The look of seaborn's set_theme("whitegrid", "notebook", font_scale=0.9), as matplotlib settings: the
# charts keep it without importing seaborn in every report (seaborn imports SciPy where it is installed,
# 0.7 s per report kernel); the compliance heatmap, drawn once per overview, still uses seaborn.
XMR_THEME = {
    "axes.axisbelow": True,
    "axes.edgecolor": ".8",
    "axes.facecolor": "white",
    "axes.grid": True,
    "axes.labelcolor": ".15",
    "axes.spines.bottom": True,
    "axes.spines.left": True,
    "axes.spines.right": True,
    "axes.spines.top": True,
    "figure.facecolor": "white",
    "font.family": ["sans-serif"],
    "font.sans-serif": ["Arial", "DejaVu Sans", "Liberation Sans", "Bitstream Vera Sans", "sans-serif"],
    "grid.color": ".8",
    "grid.linestyle": "-",
    "lines.solid_capstyle": "round",
    "patch.edgecolor": "w",
    "patch.force_edgecolor": True,
    "text.color": ".15",
    "xtick.bottom": False,
    "xtick.color": ".15",
    "xtick.direction": "out",
    "xtick.top": False,
    "ytick.color": ".15",
    "ytick.direction": "out",
    "ytick.left": False,
    "ytick.right": False,
    "axes.labelsize": 10.8,
    "axes.linewidth": 1.25,
    "axes.titlesize": 10.8,
    "font.size": 10.8,
    "grid.linewidth": 1,
    "legend.fontsize": 9.9,
    "legend.title_fontsize": 10.8,
    "lines.linewidth": 1.5,
    "lines.markersize": 6,
    "patch.linewidth": 1,
    "xtick.labelsize": 9.9,
    "xtick.major.size": 6,
    "xtick.major.width": 1.25,
    "xtick.minor.size": 4,
    "xtick.minor.width": 1,
    "ytick.labelsize": 9.9,
    "ytick.major.size": 6,
    "ytick.major.width": 1.25,
    "ytick.minor.size": 4,
    "ytick.minor.width": 1,
    "axes.prop_cycle": cycler(
        color=[
            "#4c72b0",
            "#dd8452",
            "#55a868",
            "#c44e52",
            "#8172b3",
            "#937860",
            "#da8bc3",
            "#8c8c8c",
            "#ccb974",
            "#64b5cd",
        ]
    ),
}


def _axis_label(unit: str) -> str:
    return {Unit.PERCENT: "percentuale (%)", Unit.NUMBER: "numero"}.get(unit, UNIT_IT.get(unit, unit))


def _legend_handles() -> list:
    return [
        Line2D([], [], color="#4d4d4d", marker="o", label="valore misurato"),
        Line2D([], [], color="#c0392b", linestyle="--", label="target"),
        Line2D([], [], color="#7f8c8d", linestyle="-", label="media"),
        Line2D([], [], color="#7f8c8d", linestyle=":", label="limiti del processo"),
        Line2D([], [], color="#1f4e79", linestyle="-.", label="cambio di processo (nuovi limiti)"),
        Line2D(
            [],
            [],
            color=COLOURS[Variation.CONCERN],
            marker=MARKERS[Variation.CONCERN],
            linestyle="",
            label="peggioramento anomalo",
        ),
        Line2D(
            [],
            [],
            color=COLOURS[Variation.IMPROVEMENT],
            marker=MARKERS[Variation.IMPROVEMENT],
            linestyle="",
            label="miglioramento anomalo",
        ),
    ]


class Chart(Figure):
    """A matplotlib Figure that Jupyter shows as a picture by itself: no ``%matplotlib inline``, no pyplot
    state (IPython asks an object for ``_repr_png_``)."""

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=100)
        return buffer.getvalue()


def period_tick_it(period: Period) -> str:
    """A short Italian axis label for a period: ``gen 2025``, ``T3 2025``, ``S1 2025``, ``2025``.

    >>> from kpilib.core.periods import periods
    >>> [period_tick_it(p) for p in periods(["2025-01", "2025-Q3", "2025-S1", "2025"])]
    ['gen 2025', 'T3 2025', 'S1 2025', '2025']
    """
    if period.freq == "month":
        return f"{MONTH_NAMES[period.index - 1][:3]} {period.year}"
    if period.freq == "year":
        return str(period.year)
    return f"{'S' if period.freq == 'semester' else 'T'}{period.index} {period.year}"


def xmr_chart(
    spc: pd.DataFrame,
    summary: pd.DataFrame,
    indicator_id: str,
    size: tuple[float, float] = (9, 4.2),
    legend: bool = True,
):
    """One indicator's XmR chart: its series, target, mean, process limits and special causes.

    Italian labels and decimal commas, months on the axis as ``gen 2025``, a month without a
    value as a gap in the line, improvement and concern told apart by shape (▲ ▼) as well as
    colour; the figure is laid out so that no label is clipped. ``spc`` and ``summary`` as
    :func:`kpilib.analyse` gives them; ``size`` in inches; ``legend``: the key below the chart (a report
    draws its charts smaller, without it, and says what the lines and marks are once above them).
    """
    spc, summary = with_periods(spc), with_periods(summary, "period", "latest_period")
    chosen = summary[summary["indicator_id"] == indicator_id]
    if chosen.empty:
        known = ", ".join(summary["indicator_id"].head(5))
        raise KpiError(f"indicator '{indicator_id}' is not in the analysis (e.g. {known})")
    series = spc[spc["indicator_id"] == indicator_id].reset_index(drop=True)
    matplotlib.rcParams.update(XMR_THEME)
    # A Figure outside pyplot: Jupyter shows it once, as the cell's value, and nothing keeps it alive.
    figure = Chart(figsize=size, layout="constrained")
    ax = figure.subplots()
    _one_series(ax, series, chosen.iloc[0].to_dict(), tick=period_tick_it)
    if legend:
        figure.legend(handles=_legend_handles(), loc="outside lower center", ncol=3, frameon=False)
    return figure


def with_gaps(series: pd.DataFrame) -> pd.DataFrame:
    """One indicator's points with a row (no value) for each period of its length missing between them,
    so that the line breaks where a value is missing instead of joining across it. Target, segment,
    mean and limits carry over the gap; a series of mixed lengths is left as it is.

    >>> from kpilib.core.periods import periods
    >>> s = pd.DataFrame({"period": periods(["2025-01", "2025-03"]), "value": [1.0, 3.0], "segment": [0, 0]})
    >>> [(str(p), v) for p, v in zip(with_gaps(s)["period"], with_gaps(s)["value"])]
    [('2025-01', 1.0), ('2025-02', nan), ('2025-03', 3.0)]
    """
    if len(series) < 2 or len({p.freq for p in series["period"]}) != 1:
        return series
    first, last = series["period"].iloc[0], series["period"].iloc[-1]
    every, current = [], first
    while current.start <= last.start and len(every) <= 10_000:
        every.append(current)
        current = current.shift(1)
    if len(every) == len(series):
        return series
    filled = series.set_index(series["period"].astype(str)).reindex([str(p) for p in every])
    filled["period"] = every
    carried = [
        c
        for c in ("target_value", "segment", "mean", "lower_limit", "upper_limit", "limits", "indicator_id")
        if c in filled
    ]
    filled[carried] = filled[carried].ffill()
    for column in ("variation", "signals", "change"):
        if column in filled:
            filled[column] = filled[column].fillna("")
    return filled.reset_index(drop=True)


def _one_series(ax, series: pd.DataFrame, row: dict, tick=str) -> None:
    series = with_gaps(series)
    x = range(len(series))
    values = series["value"].to_numpy(dtype=float)
    ax.plot(list(x), values, color="#4d4d4d", marker="o", markersize=4, linewidth=1.2)  # NaN: a gap
    variation = series["variation"].fillna("")
    for kind in (Variation.IMPROVEMENT, Variation.CONCERN, Variation.NEUTRAL_HIGH, Variation.NEUTRAL_LOW):
        chosen = variation == kind
        if chosen.any():
            ax.scatter(
                [i for i, c in zip(x, chosen, strict=True) if c],
                series.loc[chosen, "value"],
                color=COLOURS[kind],
                marker=MARKERS[kind],
                s=42,
                zorder=3,
            )
    steps = target_steps(series)
    if steps:
        _target_steps(ax, series, steps, row)
    elif not is_missing(row["target_value"]):
        ax.axhline(row["target_value"], color="#c0392b", linestyle="--", linewidth=1.2)
    segments = series["segment"] if "segment" in series else pd.Series(0, index=series.index)
    for number in segments.unique():
        positions = [i for i, s in zip(x, segments, strict=True) if s == number]
        part = series[segments == number]
        start, end = positions[0] - 0.4, positions[-1] + 0.4
        if part["mean"].notna().any():  # a segment's own mean and limits, from its first point to its last
            trial = "limits" in part and (part["limits"] == "trial").any()
            ax.hlines(part["mean"].iloc[0], start, end, color="#7f8c8d", linewidth=1, linestyle="--" if trial else "-")
            for column in ("lower_limit", "upper_limit"):  # trial limits dashed and marked as such
                ax.hlines(part[column].iloc[0], start, end, color="#7f8c8d", linestyle=(0, (5, 3)) if trial else ":",
                          linewidth=1)  # fmt: skip
            if trial:
                ax.annotate("limiti provvisori", (end, part["upper_limit"].iloc[0]), fontsize=7, color="#555555",
                            ha="right", va="bottom")  # fmt: skip
        reason = str(part["change"].iloc[0]) if "change" in part and not is_missing(part["change"].iloc[0]) else ""
        if reason:  # a recorded process change: the break, and why
            ax.axvline(positions[0] - 0.5, color="#1f4e79", linestyle="-.", linewidth=1)
            ax.annotate(
                "\n".join(textwrap.wrap(f"cambio: {reason}", 28)[:2]),
                (positions[0] - 0.4, 1.0),
                xycoords=("data", "axes fraction"),
                va="top",
                fontsize=7,
                color="#1f4e79",
            )
    step = max(1, len(series) // 6)
    ax.set_xticks(list(x)[::step])
    ax.set_xticklabels([tick(p) for p in series["period"].iloc[::step]], rotation=0, fontsize=8)
    label = indicator_label(row)
    ax.set_title("\n".join(textwrap.wrap(label, 60)[:3]), fontsize=8.5, loc="left")
    ax.set_ylabel(_axis_label(row["target_unit"]))
    ax.set_xlabel("")
    if row["target_unit"] in (Unit.NUMBER, Unit.DAYS, Unit.WORKING_DAYS):
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts and days: no 2,5 on the axis
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: format_number_it(value, 2)))


def _target_steps(ax, series: pd.DataFrame, steps: list, row: dict) -> None:
    """The target in force at each point, as a dashed step where the catalog changed it, and when."""
    targets = series["target_value"].to_numpy(dtype=float)
    start = 0
    for end in range(1, len(series) + 1):
        if end == len(series) or targets[end] != targets[start]:
            if not math.isnan(targets[start]):
                ax.hlines(targets[start], start - 0.5, end - 0.5, color="#c0392b", linestyle="--", linewidth=1.2)
            start = end
    for period, before, after in steps:
        position = series.index[series["period"] == period][0]
        ax.vlines(position - 0.5, before, after, color="#c0392b", linestyle="--", linewidth=1.2)
        ax.annotate(
            f"target {target_it(row['target_op'], after, row['target_unit'])} dal {period_tick_it(period)}",
            (position - 0.4, after),
            fontsize=7,
            color="#c0392b",
            va="bottom",
        )


def compliance_heatmap(history: pd.DataFrame):
    """Share of indicators meeting their target, by direction (rows) and period (columns)."""
    import matplotlib.pyplot as plt
    import seaborn as sns  # the heatmap only: once per overview

    sns.set_theme(style="white", context="notebook", font_scale=0.85)
    table = history.pivot(index="direction", columns="period", values="compliance")
    table.index = ["\n".join(textwrap.wrap(name, 45)) for name in table.index]
    figure, ax = plt.subplots(figsize=(1.2 * len(table.columns) + 4, 0.7 * len(table) + 1.6))
    sns.heatmap(
        table,
        annot=True,
        fmt=".0f",
        cmap="RdYlGn",
        vmin=0,
        vmax=100,
        linewidths=0.5,
        ax=ax,
        cbar_kws={"label": "indicatori con target raggiunto (%)"},
    )
    ax.set_xlabel("periodo")
    ax.set_ylabel("")
    ax.tick_params(axis="y", rotation=0)
    figure.tight_layout()
    return figure


def png(figure, dpi: int = 100) -> bytes:
    """The figure as PNG bytes (closed afterwards), whatever matplotlib backend is active."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:  # a figure pyplot made (the heatmap) is released; the charts are not pyplot's
        pyplot.close(figure)
    return buffer.getvalue()
