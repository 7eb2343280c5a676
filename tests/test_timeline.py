"""The case timeline: pure functions on the real data, and the explorer headless."""

from __future__ import annotations

import html
import re

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from modlab import data
from modlab.timeline import (
    CATEGORIES,
    COLOURS,
    MARKERS,
    alt_text,
    describe_events,
    draw_timeline,
    event_date,
    filter_events,
    format_day,
)
from modlab.widgets.render import new_figure
from modlab.widgets.timeline import TimelineExplorer, explore_timeline


@pytest.fixture(scope="module")
def timeline() -> pd.DataFrame:
    return data.load("timeline")


# -- filter_events on the real timeline ------------------------------------------
@pytest.mark.parametrize(
    ("categories", "start", "end", "rows"),
    [
        (None, None, None, list(range(15))),
        (["staffing"], None, None, [4, 5]),
        (["governance"], None, None, [1, 8, 11, 13]),
        (["poll"], None, None, [6, 10, 14]),
        (["staffing", "governance"], None, "2022-11-22", [1, 4, 5, 8]),
        (None, "2022-11-14", "2022-11-30", [6, 7, 8, 9, 10, 11]),
        (None, "2022-11-23", "2022-11-23", [9, 10]),  # both ends included
        (["poll"], "2022-11-19", "2022-12-18", [10, 14]),
        (None, pd.Timestamp("2022-12-01"), None, [12, 13, 14]),
        ([], None, None, []),
        (["research"], "2022-12-03", None, []),
    ],
)
def test_filter_events_exact_rows(timeline, categories, start, end, rows):
    shown = filter_events(timeline, categories, start, end)
    assert list(shown.index) == rows
    assert list(shown.columns) == list(timeline.columns)


def test_filter_events_sorts_by_date_and_keeps_labels(timeline):
    shuffled = timeline.sample(frac=1, random_state=3)
    shown = filter_events(shuffled, ["governance", "poll"])
    assert shown["date"].is_monotonic_increasing
    assert sorted(shown.index) == [1, 6, 8, 10, 11, 13, 14]
    pd.testing.assert_frame_equal(shown.loc[[1]], timeline.loc[[1]])


def test_filter_events_does_not_change_its_input(timeline):
    before = timeline.copy()
    filter_events(timeline, ["poll"], "2022-11-01", "2022-11-30")
    pd.testing.assert_frame_equal(timeline, before)


def test_filter_events_unknown_type_suggests_a_name(timeline):
    with pytest.raises(ValueError, match="Did you mean 'staffing'"):
        filter_events(timeline, ["stafing"])


def test_filter_events_start_after_end(timeline):
    with pytest.raises(ValueError, match="after end"):
        filter_events(timeline, None, "2022-12-01", "2022-11-01")


def test_filter_events_needs_columns():
    with pytest.raises(ValueError, match="missing"):
        filter_events(pd.DataFrame({"date": []}))


def test_categories_cover_the_data(timeline):
    assert set(timeline["category"].astype(str)) == set(CATEGORIES)
    assert set(MARKERS) == set(COLOURS) == set(CATEGORIES)
    assert len(set(MARKERS.values())) == len(CATEGORIES)  # shapes, not only colours
    assert len(set(COLOURS.values())) == len(CATEGORIES)


# -- small helpers ----------------------------------------------------------------
def test_event_date(timeline):
    assert event_date(timeline, "poll", "amnesty") == pd.Timestamp("2022-11-23")
    assert event_date(timeline, "ownership", "takeover") == pd.Timestamp("2022-10-27")
    with pytest.raises(LookupError):
        event_date(timeline, "poll", "no such poll")


def test_format_day():
    assert format_day("2022-11-04") == "Nov 4"
    assert format_day(pd.Timestamp("2022-12-18")) == "Dec 18"


def test_describe_events(timeline):
    lines = describe_events(filter_events(timeline, ["staffing"]))
    assert lines[0].startswith("#4 Nov 4 (staffing): About half of roughly 7,500 staff")
    assert lines[0].endswith("Source: AP and Reuters, Nov 4 2022 [S]")
    assert len(lines) == 2
    assert "Source" not in describe_events(timeline.loc[[4]], sources=False)[0]


def test_alt_text_names_every_event_shown(timeline):
    shown = filter_events(timeline, ["poll", "research"], "2022-11-01")
    text = alt_text(shown, ["poll", "research"])
    assert "5 events from Nov 18 to Dec 18" in text
    assert re.findall(r"#(\d+) ", text) == [str(i) for i in shown.index]
    assert "(poll, research)" in text
    assert "no events match" in alt_text(timeline.iloc[0:0], ["poll"])


# -- drawing ----------------------------------------------------------------------
def test_draw_timeline_lanes_markers_and_numbers(timeline):
    fig = new_figure()
    ax = fig.subplots()
    shown = filter_events(timeline, ["staffing", "poll"])
    draw_timeline(ax, shown, categories=["poll", "staffing"], marks={"2022-11-23": "amnesty poll opens"})
    # lanes in story order, top to bottom (y ticks run bottom to top)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["poll", "staffing"]
    numbers = sorted(int(t.get_text()) for t in ax.texts if t.get_text().isdigit())
    assert numbers == sorted(shown.index)
    assert any(t.get_text() == "amnesty poll opens" for t in ax.texts)
    assert len(ax.collections) == 2  # one scatter per lane


def test_draw_timeline_empty_and_no_pyplot_leak(timeline):
    before = plt.get_fignums()
    fig = new_figure()
    ax = fig.subplots()
    draw_timeline(ax, timeline.iloc[0:0], categories=[], start="2022-10-27", end="2022-12-18")
    fig.savefig(__import__("io").BytesIO(), format="png")
    assert plt.get_fignums() == before
    assert any(t.get_text() == "No events match these choices" for t in ax.texts)


# -- the explorer, headless ----------------------------------------------------------
def _listed_rows(explorer: TimelineExplorer) -> list[int]:
    return [int(n) for n in re.findall(r"data-row='(\d+)'", explorer.summary.value)]


def _alt(explorer: TimelineExplorer) -> str:
    return html.unescape(re.search(r"alt='([^']*)'", explorer.figure.value).group(1))


def _caption(explorer: TimelineExplorer) -> str:
    return html.unescape(re.search(r"<figcaption[^>]*>(.*?)</figcaption>", explorer.figure.value).group(1))


def test_explorer_shape():
    import ipywidgets as widgets

    explorer = explore_timeline()
    assert isinstance(explorer, widgets.VBox)
    assert set(explorer.controls) == {"categories", "dates"}
    for control in explorer.controls.values():
        assert control.description  # visible label
        assert control.style.description_width == "initial"
        assert control in explorer.children
    assert explorer.controls["categories"].description == "Show events of type"
    assert explorer.controls["dates"].description == "Dates shown (2022)"
    assert explorer.summary in explorer.children and explorer.figure in explorer.children
    assert isinstance(explorer.summary, widgets.HTML) and isinstance(explorer.figure, widgets.HTML)


def test_explorer_starts_with_everything(timeline):
    explorer = explore_timeline(timeline)
    assert _listed_rows(explorer) == list(range(15))
    assert "15 of 15 events shown" in explorer.summary.value
    assert re.findall(r"#(\d+) ", _alt(explorer)) == [str(i) for i in range(15)]
    assert "<img src='data:image/png;base64," in explorer.figure.value


def test_explorer_follows_the_pure_function(timeline):
    explorer = explore_timeline(timeline)
    figure_before = explorer.figure.value
    explorer.controls["categories"].value = ("poll", "governance")
    dates = explorer.controls["dates"]
    labels = [label for label, _ in dates.options]
    dates.index = (labels.index("Nov 14"), labels.index("Nov 30"))

    expected = filter_events(timeline, ["poll", "governance"], "2022-11-14", "2022-11-30")
    assert list(expected.index) == [6, 8, 10, 11]
    assert _listed_rows(explorer) == list(expected.index)
    pd.testing.assert_frame_equal(explorer.events, expected)
    assert re.findall(r"#(\d+) ", _alt(explorer)) == [str(i) for i in expected.index]
    assert "4 of 15 events shown (poll, governance; Nov 14 to Nov 30 2022)" in html.unescape(explorer.summary.value)
    assert "Types shown: poll, governance. 4 of 15 events" in _caption(explorer)
    assert explorer.figure.value != figure_before
    for line in describe_events(expected):  # each event's text and source, in full
        assert html.escape(line) in explorer.summary.value


def test_explorer_with_no_type_selected(timeline):
    explorer = explore_timeline(timeline)
    explorer.controls["categories"].value = ()
    assert _listed_rows(explorer) == []
    assert "No event type is selected" in html.unescape(explorer.summary.value)
    assert "no events match" in _alt(explorer)


def test_explorer_update_is_idempotent_and_leaks_no_figures(timeline):
    before = plt.get_fignums()
    explorer = explore_timeline(timeline)
    value = explorer.summary.value
    for _ in range(3):
        explorer.update()
    assert explorer.summary.value == value
    assert plt.get_fignums() == before
