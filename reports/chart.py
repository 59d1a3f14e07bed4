"""A board-ready PNG of recurring themes: how many reviews each theme occurs in, and its trend by year.

matplotlib is imported here only, and only through its Agg canvas (no GUI, no global backend
switch), so the rest of the CLI never pays for it.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from collections.abc import Sequence
from pathlib import Path

from kb.catalogue import Catalogue
from kb.query import Filters
from kb.taxonomy import load_taxonomy
from reports.output import plural
from reports.themes import REVIEW_TYPES, UNKNOWN, Breakdown, ThemeCount, breakdown, document_themes, prevalence
from reports.writers import write_bytes

# One blue (Okabe-Ito), readable with the common colour-vision deficiencies and in greyscale print.
BAR = "#0072B2"
INK = "#222222"
MUTED = "#666666"


def draw_themes_chart(
    path: Path,
    counts: Sequence[ThemeCount],
    trend: Breakdown,
    total: int,
    unit: str = "reviews",
    scope: str = "",
    top: int = 12,
    dpi: int = 200,
) -> Path:
    """Write the chart to ``path`` (PNG) and return it.

    Left: the ``top`` themes by the number of ``unit`` (reviews or documents) they occur in, as
    horizontal bars labelled "n (x%)". Right, on the same rows: the trend by year, one cell per
    theme and year holding "k/n" (k of that year's n reviews have the theme), shaded by the share,
    so a change in prevalence reads across each row. ``scope`` (e.g. the filters) goes under the title."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    value = (lambda c: c.reviews) if unit == "reviews" else (lambda c: c.documents)
    shown = [c for c in counts if value(c) > 0][:top]
    noun = "reviews" if unit == "reviews" else "documents"
    one = noun[:-1]
    years = [g for g in trend.groups if g != UNKNOWN]
    rows = max(len(shown), 4)

    height = 2.6 + 0.42 * rows
    width = 8.5 + max(3.2, 0.95 * len(years))
    fig = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    top_band, bottom_band = 1.15 / height, 0.75 / height
    fig.get_layout_engine().set(rect=(0.0, bottom_band, 0.985, 1.0 - top_band - bottom_band), w_pad=0.12)
    grid = fig.add_gridspec(1, 2, width_ratios=(8.5 - 3.0, max(3.2, 0.95 * len(years))))
    ax_bar = fig.add_subplot(grid[0, 0])
    ax_year = fig.add_subplot(grid[0, 1], sharey=ax_bar)

    span = f", {years[0]}\u2013{years[-1]}" if len(years) > 1 else (f", {years[0]}" if years else "")
    what = "domestic homicide reviews" if unit == "reviews" else "documents"
    fig.text(
        0.012,
        1 - 0.42 / height,
        f"Recurring themes in {total} {what}{span}",
        fontsize=17,
        fontweight="bold",
        color=INK,
        ha="left",
        va="center",
    )
    if scope:
        fig.text(
            0.012,
            1 - 0.85 / height,
            textwrap.shorten(scope, 170),
            fontsize=10.5,
            color=MUTED,
            ha="left",
            va="center",
        )

    # -- prevalence
    ys = list(range(len(shown)))[::-1]  # most frequent at the top
    if shown:
        values = [value(c) for c in shown]
        bars = ax_bar.barh(ys, values, color=BAR, height=0.66)
        ax_bar.set_yticks(ys, [_wrap(c.label, 36) for c in shown], fontsize=10.5, color=INK)
        top_value = max(values)
        ax_bar.set_xlim(0, top_value * 1.3 + 0.3)
        for bar, v in zip(bars, values, strict=True):
            share = f" ({v / total:.0%})" if total else ""
            ax_bar.text(
                bar.get_width() + top_value * 0.02,
                bar.get_y() + bar.get_height() / 2,
                f"{v}{share}",
                va="center",
                ha="left",
                fontsize=10,
                color=INK,
            )
        ax_bar.xaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        ax_bar.text(
            0.5,
            0.5,
            f"No theme occurs in these {noun}",
            ha="center",
            va="center",
            transform=ax_bar.transAxes,
            color=MUTED,
        )
        ax_bar.set_yticks([])
    ax_bar.set_ylim(-0.6, max(len(shown), 1) - 0.4)
    ax_bar.set_title(
        f"{noun.capitalize()} each theme occurs in (of {total})", fontsize=12.5, loc="left", color=INK
    )
    ax_bar.set_xlabel(f"Number of {noun}", fontsize=10.5, color=MUTED)
    _tidy(ax_bar)
    ax_bar.grid(axis="x", color="#dddddd", linewidth=0.8)
    ax_bar.set_axisbelow(True)

    # -- trend by year, on the same rows
    ax_year.set_title("By year", fontsize=12.5, loc="left", color=INK)
    cell_note = f"each cell: {noun} with the theme / {noun} that year"
    if years and shown:
        import numpy as np

        share = np.zeros((len(shown), len(years)))
        for r, c in enumerate(shown):
            per = trend.counts.get(c.theme, {})
            for k, y in enumerate(years):
                n = trend.totals.get(y, 0)
                share[r, k] = per.get(y, 0) / n if n else 0.0
        ax_year.imshow(
            share[::-1],
            cmap="Blues",
            vmin=0,
            vmax=1,
            aspect="auto",
            interpolation="nearest",
            extent=(-0.5, len(years) - 0.5, -0.5, len(shown) - 0.5),
            origin="lower",
        )
        for r, c in enumerate(shown):
            per = trend.counts.get(c.theme, {})
            for k, y in enumerate(years):
                n = trend.totals.get(y, 0)
                ax_year.text(
                    k,
                    ys[r],
                    f"{per.get(y, 0)}/{n}",
                    ha="center",
                    va="center",
                    fontsize=10,
                    color="white" if share[r, k] >= 0.55 else INK,
                )
        ax_year.set_xticks(
            range(len(years)),
            [f"{y}\n{trend.totals[y]} {noun if trend.totals[y] != 1 else one}" for y in years],
            fontsize=10,
            color=INK,
        )
        ax_year.set_xlim(-0.5, len(years) - 0.5)
        for k in range(len(years) + 1):  # white rules between the cells
            ax_year.axvline(k - 0.5, color="white", linewidth=2)
        for r in range(len(shown) + 1):
            ax_year.axhline(r - 0.5, color="white", linewidth=2)
        undated = trend.totals.get(UNKNOWN, 0)
        if undated:
            cell_note += f"; {undated} undated {noun if undated != 1 else one} not shown"
        ax_year.set_xlabel(textwrap.fill(cell_note, max(30, int(8 * len(years)))), fontsize=9.5, color=MUTED)
    else:
        ax_year.text(
            0.5,
            0.5,
            f"No dated {noun}: no trend to show",
            ha="center",
            va="center",
            transform=ax_year.transAxes,
            color=MUTED,
        )
        ax_year.set_xticks([])
    ax_year.tick_params(axis="y", left=False, labelleft=False)
    for side in ("top", "right", "left", "bottom"):
        ax_year.spines[side].set_visible(False)
    ax_year.tick_params(axis="x", length=0)

    note = (
        f"A theme counts for a {one} when at least one passage of it states the theme; "
        "negated or hypothetical "
        f"mentions (\u201cno evidence of alcohol misuse\u201d) do not count. Themes are tagged automatically "
        f"from the text. Generated {dt.date.today():%d %B %Y}."
    )
    fig.text(
        0.012,
        0.32 / height,
        textwrap.fill(note, int(width * 12.5)),
        fontsize=8.5,
        color=MUTED,
        ha="left",
        va="center",
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    png = io.BytesIO()
    fig.savefig(png, format="png", facecolor="white")
    write_bytes(path, png.getvalue())  # private (0600) and whole, like every other export
    return path


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def _tidy(ax) -> None:  # noqa: ANN001
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color("#bbbbbb")
    ax.tick_params(colors=MUTED)


def themes_chart(
    catalogue: Catalogue,
    filters: Filters,
    path: Path,
    unit: str = "reviews",
    min_count: int = 0,
    top: int = 0,
    include_all: bool = False,
) -> Path:
    """Draw prevalence and the trend by year to a PNG for a board paper; returns the path written."""
    taxonomy = load_taxonomy()
    docs = document_themes(catalogue, filters, taxonomy)
    if filters.doc_type and filters.doc_type not in REVIEW_TYPES:
        unit = "documents"
    counts = prevalence(docs, taxonomy, min_count=min_count, unit=unit, include_all=include_all)
    counts = counts[:top] if top else counts
    n_reviews = sum(d.is_review for d in docs)
    scope = filters.describe()
    note = (f"Filters: {scope}. " if scope else "") + (
        f"Counted over {plural(n_reviews, 'review')} and {plural(len(docs), 'document')} in the knowledge base.")
    return draw_themes_chart(path, counts, breakdown(docs, "year", unit),
                             n_reviews if unit == "reviews" else len(docs), unit, note, top=top or 12)
