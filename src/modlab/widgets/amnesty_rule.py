"""The amnesty-rule explorer of lesson 02: build a reinstatement rule, see who comes back.

A thin front end over :mod:`modlab.amnesty`: the controls build an
:class:`~modlab.amnesty.AmnestyRule` (categories kept suspended, most prior strikes,
fewest days since the last violation, whether plausibly illegal accounts and egregious
spammers stay out) and scale the assumed re-offence risk; the explorer shows how many
**simulated** accounts the rule brings back, by category, and the expected re-offences
under the stated assumptions. Its starting rule is the poll's wording.
"""

from __future__ import annotations

import html
import textwrap

import ipywidgets as widgets
import numpy as np
import pandas as pd

from modlab.amnesty import (
    CATEGORIES,
    MAX_STRIKES,
    AmnestyRule,
    RecidivismAssumptions,
    expected_harm,
    reinstatement_by_category,
)
from modlab.style import ROLE_COLOURS
from modlab.widgets.accessibility import mark_explorer
from modlab.widgets.guard import shows_errors
from modlab.widgets.render import figure_html, new_figure

# Wide enough for the longest label in full (a clipped label fails the browser suite).
_STYLE = {"description_width": "22em"}
_LAYOUT = widgets.Layout(width="46em")
_KEEP = [("kept suspended", True), ("reinstated", False)]


def about(number: float) -> str:
    """A model estimate for "about ...": whole below 10,000, else three significant figures (311,754 -> "312,000").

    Simulated expectations are not exact counts, so six-digit precision would mislead.
    """
    value = float(number)
    if abs(value) < 10_000:
        return f"{value:,.0f}"
    digits = len(str(int(abs(value)))) - 3
    return f"{round(value, -digits):,.0f}"


def describe_rule_result(rule: AmnestyRule, by_category: pd.DataFrame, harm: dict, assumptions: RecidivismAssumptions) -> str:
    """One paragraph (plain text) for the summary and the alt text.

    Parameters
    ----------
    rule : AmnestyRule
        The rule applied.
    by_category : pandas.DataFrame
        Output of :func:`modlab.amnesty.reinstatement_by_category`.
    harm : dict
        Output of :func:`modlab.amnesty.expected_harm`.
    assumptions : RecidivismAssumptions
        The re-offence assumptions used (stated in the text).

    Returns
    -------
    str
        The rule in words, how many accounts come back (count and share), the count per
        category, and the expected re-offenders and their reach, all marked simulated.
    """
    per_category = "; ".join(
        f"{name} {back:,} of {suspended:,}"
        for name, suspended, back in zip(by_category.index, by_category["suspended"], by_category["reinstated"])
    )
    rates = assumptions.base_rate.values()
    per_account = harm["expected_reoffenders"] / harm["reinstated"] if harm["reinstated"] else 0.0
    return (
        f"Simulated data. {rule.describe()} It brings back {harm['reinstated']:,} of {harm['suspended']:,} "
        f"simulated suspended accounts ({harm['share_reinstated']:.1%}). By category: {per_category}. "
        f"Assumed (not estimated): a reinstated account re-offends within {assumptions.horizon_days} days with a chance "
        f"of {min(rates):.0%} to {max(rates):.0%} by category, odds x{assumptions.strike_odds_ratio} per extra prior "
        f"strike, x{assumptions.old_violation_odds_ratio} if the last violation is over {assumptions.old_violation_days} "
        f"days old, odds x{assumptions.risk_multiplier:.1f} overall. Then about {about(harm['expected_reoffenders'])} of the "
        f"reinstated accounts would break the rules again ({per_account:.2f} per account brought back), in front of "
        f"about {about(harm['expected_reach'])} followers."
    )


def draw_rule_result(by_category: pd.DataFrame, harm: dict, rule: AmnestyRule | None = None):
    """Horizontal bars per category: all suspended accounts (hatched) and those reinstated (solid).

    Parameters
    ----------
    by_category : pandas.DataFrame
        Output of :func:`modlab.amnesty.reinstatement_by_category`.
    harm : dict
        Output of :func:`modlab.amnesty.expected_harm` (for the title).
    rule : AmnestyRule, optional
        The rule, written under the axis (so every change of the rule shows in the picture).

    Returns
    -------
    matplotlib.figure.Figure
        One row per category with "N of M back" written beside it; hatching and labels,
        not colour alone, tell the two bars apart.
    """
    fig = new_figure(8.0, 4.3)
    ax = fig.subplots()
    y = np.arange(len(by_category))[::-1]
    ax.barh(y, by_category["suspended"], color="white", edgecolor=ROLE_COLOURS["neutral"], hatch="///",
            height=0.7, label="suspended (hatched)")
    ax.barh(y, by_category["reinstated"], color=ROLE_COLOURS["random_sample"], height=0.7, label="reinstated by the rule (solid)")
    top = max(int(by_category["suspended"].max()), 1)
    for yi, (suspended, back) in zip(y, by_category[["suspended", "reinstated"]].itertuples(index=False)):
        ax.text(suspended + top * 0.01, yi, f"{back:,} of {suspended:,} back", va="center", fontsize=8)
    ax.set_yticks(y, list(by_category.index))
    ax.set_xlim(0, top * 1.3)
    label = "Simulated suspended accounts (number)"
    if rule is not None:
        label += "\n" + textwrap.fill(rule.describe(), 110)
    ax.set_xlabel(label, fontsize=9)
    ax.set_title(
        f"Simulated: {harm['reinstated']:,} of {harm['suspended']:,} suspended accounts come back\n"
        f"about {about(harm['expected_reoffenders'])} of them expected to re-offend within {harm['horizon_days']} days (assumed rates)",
        fontsize=10,
    )
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(axis="y", visible=False)
    return fig


class AmnestyRuleExplorer(widgets.VBox):
    """Widget: build a reinstatement rule; see the simulated accounts it brings back.

    Attributes
    ----------
    table : pandas.DataFrame
        The simulated suspended accounts.
    controls : dict of str to ipywidgets.Widget
        ``max_strikes``, ``min_days``, ``excluded`` (categories kept suspended),
        ``illegal`` and ``spam`` (kept suspended or reinstated), ``risk`` (x the assumed odds).
    summary : ipywidgets.HTML
        The text of :func:`describe_rule_result`.
    figure : ipywidgets.HTML
        The figure of :func:`draw_rule_result` with alt text and caption.
    rule : AmnestyRule
        The rule the controls describe now.
    by_category, harm
        The last results of :func:`modlab.amnesty.reinstatement_by_category` and
        :func:`modlab.amnesty.expected_harm`.
    """

    def __init__(self, table: pd.DataFrame, rule: AmnestyRule, assumptions: RecidivismAssumptions):
        self.table = table
        self.base_assumptions = assumptions
        self.controls = {
            "max_strikes": widgets.IntSlider(value=rule.max_strikes, min=1, max=MAX_STRIKES, description="Most prior strikes (number)",
                                             continuous_update=False, style=_STYLE, layout=_LAYOUT),
            "min_days": widgets.IntSlider(value=rule.min_days_since_violation, min=0, max=730, step=30,
                                          description="Min. days since last violation (days)", continuous_update=False,
                                          style=_STYLE, layout=_LAYOUT),
            "excluded": widgets.SelectMultiple(options=list(CATEGORIES), value=tuple(rule.excluded_categories),
                                               rows=len(CATEGORIES), description="Categories kept suspended",
                                               style=_STYLE, layout=widgets.Layout(width="46em")),
            "illegal": widgets.Dropdown(options=_KEEP, value=rule.exclude_illegal, description="Plausibly illegal accounts",
                                        style=_STYLE, layout=widgets.Layout(width="36em")),
            "spam": widgets.Dropdown(options=_KEEP, value=rule.exclude_spam, description="Egregious spam accounts",
                                     style=_STYLE, layout=widgets.Layout(width="36em")),
            "risk": widgets.FloatSlider(value=assumptions.risk_multiplier, min=0.5, max=2.0, step=0.1, readout_format=".1f",
                                        description="Re-offence odds (\u00d7 assumed)", continuous_update=False,
                                        style=_STYLE, layout=_LAYOUT),
        }
        help_text = widgets.HTML(
            "<span style='font-size:90%'>Pick several categories with Ctrl-click (Cmd-click on a Mac); "
            "Ctrl-click a chosen one to release it.</span>"
        )
        self.summary = widgets.HTML()
        self.figure = widgets.HTML()
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        super().__init__([*self.controls.values(), help_text, self.summary, self.figure])
        # The days slider is the one the browser suite moves: every step of 30 days changes who comes back
        # (a step of the strikes slider near its top can leave the counts unchanged).
        mark_explorer(self, self.controls["min_days"])
        self.update()

    def current_rule(self) -> AmnestyRule:
        """The :class:`~modlab.amnesty.AmnestyRule` the controls describe now."""
        c = self.controls
        return AmnestyRule(
            excluded_categories=tuple(c["excluded"].value),
            max_strikes=c["max_strikes"].value,
            min_days_since_violation=c["min_days"].value,
            exclude_illegal=c["illegal"].value,
            exclude_spam=c["spam"].value,
        )

    def current_assumptions(self) -> RecidivismAssumptions:
        """The re-offence assumptions with the risk slider applied."""
        base = self.base_assumptions
        return RecidivismAssumptions(base.base_rate, base.strike_odds_ratio, base.old_violation_days,
                                     base.old_violation_odds_ratio, self.controls["risk"].value, base.horizon_days)

    def update(self) -> None:
        """Apply the current rule and redraw."""
        self.rule = self.current_rule()
        assumptions = self.current_assumptions()
        self.by_category = reinstatement_by_category(self.table, self.rule)
        self.harm = expected_harm(self.table, self.rule, assumptions)
        text = describe_rule_result(self.rule, self.by_category, self.harm, assumptions)
        self.summary.value = f"<p role='status'>{html.escape(text)}</p>"
        self.figure.value = figure_html(
            draw_rule_result(self.by_category, self.harm, self.rule),
            alt=text,
            caption="Simulated data. Hatched bars: all suspended accounts in a category; solid bars: those the rule brings back.",
        )

    @shows_errors
    def _on_change(self, _change) -> None:
        self.update()


def explore_amnesty_rule(table: pd.DataFrame | None = None, rule: AmnestyRule | None = None,
                         assumptions: RecidivismAssumptions | None = None) -> AmnestyRuleExplorer:
    """Build the amnesty-rule explorer.

    Parameters
    ----------
    table : pandas.DataFrame, optional
        Suspended accounts; default ``data.load("suspended_accounts")`` (simulated).
    rule : AmnestyRule, optional
        Starting rule; default the poll's wording (``AmnestyRule()``).
    assumptions : RecidivismAssumptions, optional
        Re-offence assumptions; default ``RecidivismAssumptions()``.

    Returns
    -------
    AmnestyRuleExplorer
        Display it as the last line of a cell.
    """
    if table is None:
        from modlab import data

        table = data.load("suspended_accounts")
    return AmnestyRuleExplorer(table, rule or AmnestyRule(), assumptions or RecidivismAssumptions())
