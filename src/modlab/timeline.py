"""Pure functions for the case timeline (lesson 00): filter, describe and draw events.

The timeline is ``modlab.data.load("timeline")``: one row per dated event, with a
``category`` (ownership, staffing, governance, moderation, poll, research), the
event in modlab's words, its ``source`` and a ``confidence`` tag. Every row is
real and press-reported (tag S).

Events are referred to by their **row label** in that table (pandas counts from 0),
so a number on the plot, in the explorer's list and in the table always means the
same event, however the rows are filtered.

Example
-------
>>> from modlab import data
>>> from modlab.timeline import filter_events
>>> timeline = data.load("timeline")
>>> len(filter_events(timeline, ["staffing"]))
2
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

from modlab.style import OKABE_ITO

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

#: Categories in story order (top lane of the plot first).
CATEGORIES = ("ownership", "staffing", "governance", "moderation", "poll", "research")

#: One marker shape per category, so lanes differ by shape and label, not colour alone.
MARKERS = {
    "ownership": "D",
    "staffing": "v",
    "governance": "s",
    "moderation": "X",
    "poll": "o",
    "research": "^",
}

#: One Okabe-Ito colour per category.
COLOURS = {
    "ownership": OKABE_ITO["black"],
    "staffing": OKABE_ITO["vermillion"],
    "governance": OKABE_ITO["blue"],
    "moderation": OKABE_ITO["reddish_purple"],
    "poll": OKABE_ITO["orange"],
    "research": OKABE_ITO["bluish_green"],
}

def format_day(day) -> str:
    """Return a date as short English text without a leading zero, e.g. ``"Nov 4"``.

    Parameters
    ----------
    day : str, datetime.date or pandas.Timestamp
        Anything ``pandas.Timestamp`` accepts.

    Returns
    -------
    str
        Month abbreviation and day of month.
    """
    stamp = pd.Timestamp(day)
    return f"{stamp:%b} {stamp.day}"


def _check_columns(timeline: pd.DataFrame) -> None:
    missing = [c for c in ("date", "category", "event", "source") if c not in timeline.columns]
    if missing:
        raise ValueError(f"the timeline needs the columns date, category, event and source; missing: {missing}")


def _check_categories(categories: Iterable[str]) -> list[str]:
    chosen = [str(c) for c in categories]
    unknown = [c for c in chosen if c not in CATEGORIES]
    if unknown:
        close = difflib.get_close_matches(unknown[0], CATEGORIES, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"unknown event type {unknown[0]!r}.{hint} Use any of {', '.join(CATEGORIES)}.")
    return chosen


def filter_events(
    timeline: pd.DataFrame,
    categories: Iterable[str] | None = None,
    start=None,
    end=None,
) -> pd.DataFrame:
    """Return the events of the given types between two dates, both days included.

    Parameters
    ----------
    timeline : pandas.DataFrame
        The case timeline, as from ``modlab.data.load("timeline")``.
    categories : iterable of str, optional
        Event types to keep (see :data:`CATEGORIES`); ``None`` keeps every type,
        an empty list keeps none.
    start, end : date-like, optional
        First and last day to keep (inclusive); anything ``pandas.Timestamp``
        accepts, e.g. ``"2022-11-01"``. ``None`` means no limit.

    Returns
    -------
    pandas.DataFrame
        The matching rows, in date order, with their original row labels and columns.

    Raises
    ------
    ValueError
        For an unknown event type, missing columns, or ``start`` after ``end``.
    """
    _check_columns(timeline)
    keep = pd.Series(True, index=timeline.index)
    if categories is not None:
        keep &= timeline["category"].astype("string").isin(_check_categories(categories))
    start_day = pd.Timestamp(start) if start is not None else None
    end_day = pd.Timestamp(end) if end is not None else None
    if start_day is not None and end_day is not None and start_day > end_day:
        raise ValueError(f"start ({start_day:%Y-%m-%d}) is after end ({end_day:%Y-%m-%d})")
    if start_day is not None:
        keep &= timeline["date"] >= start_day
    if end_day is not None:
        keep &= timeline["date"] <= end_day
    return timeline.loc[keep].sort_values("date", kind="stable")


def event_date(timeline: pd.DataFrame, category: str, contains: str = "") -> pd.Timestamp:
    """Return the date of the first event of ``category`` whose text contains ``contains``.

    Parameters
    ----------
    timeline : pandas.DataFrame
        The case timeline.
    category : str
        Event type, e.g. ``"poll"``.
    contains : str
        Case-insensitive text the event must contain, e.g. ``"amnesty"``.

    Returns
    -------
    pandas.Timestamp
        The event's date (midnight; the timeline has day resolution).

    Raises
    ------
    LookupError
        If no event matches.
    """
    rows = filter_events(timeline, [category])
    rows = rows[rows["event"].str.contains(contains, case=False, regex=False)]
    if rows.empty:
        raise LookupError(f"no {category!r} event containing {contains!r} in the timeline")
    return pd.Timestamp(rows["date"].iloc[0])


def describe_events(events: pd.DataFrame, *, sources: bool = True) -> list[str]:
    """One line of plain text per event: ``"#4 Nov 4 (staffing): ... Source: ... [S]"``.

    Parameters
    ----------
    events : pandas.DataFrame
        Rows of the timeline (e.g. from :func:`filter_events`).
    sources : bool
        Append the source and confidence tag to each line.
    """
    lines = []
    for label, row in events.iterrows():
        line = f"#{label} {format_day(row['date'])} ({row['category']}): {row['event']}"
        if sources:
            tag = row["confidence"] if "confidence" in events.columns else ""
            line += f" Source: {row['source']}" + (f" [{tag}]" if tag else "")
        lines.append(line)
    return lines


def alt_text(events: pd.DataFrame, categories: Iterable[str] | None = None) -> str:
    """Alt text for a timeline plot of ``events``: what is drawn, event by event.

    Parameters
    ----------
    events : pandas.DataFrame
        The rows drawn.
    categories : iterable of str, optional
        The lanes drawn (default: the types present in ``events``).
    """
    lanes = _lanes(events, categories)
    if events.empty:
        return f"Empty timeline chart with lanes for {', '.join(lanes) or 'no event types'}: no events match the choices."
    first, last = format_day(events["date"].min()), format_day(events["date"].max())
    items = "; ".join(f"#{label} {format_day(row['date'])}, {row['category']}" for label, row in events.iterrows())
    return (
        f"Timeline chart, one lane per event type ({', '.join(lanes)}), dates from left to right. "
        f"{len(events)} event{'s' if len(events) != 1 else ''} from {first} to {last} 2022: {items}."
    )


def _lanes(events: pd.DataFrame, categories: Iterable[str] | None) -> list[str]:
    if categories is None:
        present = set(events["category"].astype("string"))
        return [c for c in CATEGORIES if c in present]
    chosen = set(_check_categories(categories))
    return [c for c in CATEGORIES if c in chosen]


def draw_timeline(
    ax: Axes,
    events: pd.DataFrame,
    *,
    categories: Iterable[str] | None = None,
    start=None,
    end=None,
    marks: dict | None = None,
    numbers: bool = True,
) -> Axes:
    """Draw events as a timeline on ``ax``: one labelled lane per type, one marker per event.

    Each type has its own lane (labelled on the y axis), marker shape and Okabe-Ito
    colour; each marker carries the event's row label as a number, so the plot can
    be read against the table without relying on colour.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw (from ``plt.subplots()`` or :func:`modlab.widgets.render.new_figure`).
    events : pandas.DataFrame
        Rows of the timeline to draw.
    categories : iterable of str, optional
        Lanes to draw, in :data:`CATEGORIES` order (default: the types in ``events``).
    start, end : date-like, optional
        x-axis limits (default: the events' first and last day), padded by two days.
    marks : dict of date-like to str, optional
        Days to mark with a dotted vertical line and a label, e.g.
        ``{"2022-11-23": "amnesty poll opens"}``; marks outside the x range are skipped.
    numbers : bool
        Write each event's row label next to its marker.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``, for chaining.
    """
    import matplotlib.dates as mdates
    from matplotlib.ticker import FuncFormatter

    lanes = _lanes(events, categories)
    y_of = {category: len(lanes) - 1 - i for i, category in enumerate(lanes)}  # first lane on top
    for category in lanes:
        rows = events[events["category"].astype("string") == category]
        if rows.empty:
            continue
        y = [y_of[category]] * len(rows)
        ax.scatter(
            rows["date"], y, s=80, marker=MARKERS[category], color=COLOURS[category],
            edgecolor="white", linewidth=0.8, zorder=3,
        )
        if numbers:
            for label, day in zip(rows.index, rows["date"]):
                ax.annotate(
                    str(label), (day, y_of[category]), xytext=(0, 8), textcoords="offset points",
                    ha="center", va="bottom", fontsize=8, zorder=4,
                    bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
                )
    if not events.empty or (start is not None and end is not None):
        first = pd.Timestamp(start) if start is not None else events["date"].min()
        last = pd.Timestamp(end) if end is not None else events["date"].max()
        pad = pd.Timedelta(days=2)
        ax.set_xlim(first - pad, last + pad)
        span_days = (last - first).days
        if span_days > 21:
            ax.xaxis.set_major_locator(mdates.WeekdayLocator(byweekday=mdates.MO))
        else:
            ax.xaxis.set_major_locator(mdates.DayLocator(interval=max(1, span_days // 7 + 1)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: format_day(mdates.num2date(value))))
        for day, text in (marks or {}).items():
            stamp = pd.Timestamp(day)
            if first - pad <= stamp <= last + pad:
                ax.axvline(stamp, color="#7F7F7F", linestyle=":", linewidth=1.5, zorder=1)
                ax.annotate(
                    text, (stamp, 1), xycoords=("data", "axes fraction"), xytext=(3, -3),
                    textcoords="offset points", ha="left", va="top", fontsize=8, color="#404040",
                )
    if events.empty:
        ax.text(
            0.5, 0.5, "No events match these choices", transform=ax.transAxes,
            ha="center", va="center", fontsize=11, color="#404040",
        )
    ax.set_yticks(range(len(lanes)), [lanes[len(lanes) - 1 - i] for i in range(len(lanes))])
    ax.set_ylim(-0.6, max(len(lanes) - 1, 0) + 0.9)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("Date (2022)")
    return ax
