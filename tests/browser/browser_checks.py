"""What the browser suite checks on a page, shared by the JupyterLab and Voila tests.

Explorers carry the CSS class ``modlab-explorer`` and their main control ``modlab-main-control``
(set by :func:`modlab.widgets.accessibility.mark_explorer`). Selectors are those of
ipywidgets 8: a labelled control is a ``.widget-inline-hbox`` with a ``label.widget-label``;
sliders are noUiSlider (``.noUi-handle``).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from modlab.widgets.guard import ERROR_TEXT

ROOT = Path(__file__).resolve().parents[2]
#: Screenshots, logs and timings.json (git-ignored).
ARTIFACTS = ROOT / "test-artifacts" / "browser"
#: Big enough for a lesson's explorers side by side with their labels.
VIEWPORT = {"width": 1400, "height": 1000}
EXPLORER = ".modlab-explorer"
MAIN_CONTROL = ".modlab-main-control"
#: Text that means a widget, a cell or an explorer's callback failed.
ERROR_TEXTS = ("Error displaying widget", "Model not found", "Loading widget...", "Traceback", ERROR_TEXT)
#: Error and stderr outputs (tracebacks, warnings) in JupyterLab and Voila.
STDERR_OUTPUT = '[data-mime-type="application/vnd.jupyter.stderr"]'
#: JS: true once ``n`` explorers show a figure, or as soon as any cell has failed (so a broken
#: lesson fails in seconds with its traceback instead of waiting out the timeout).
EXPLORERS_OR_ERROR_JS = f"""(n) => document.querySelectorAll('{STDERR_OUTPUT}').length > 0 ||
    document.querySelectorAll('.modlab-explorer .modlab-figure img').length >= n"""
#: Console errors that are not ours: offline requests for web fonts and icons from a CDN
#: (Voila's page and JupyterLab both ask; this machine has no internet).
BENIGN_CONSOLE = re.compile(r"Failed to load resource: net::ERR_(NAME_NOT_RESOLVED|INTERNET_DISCONNECTED|CONNECTION_REFUSED)")
#: A code cell that calls ``explore_...(`` shows an explorer (CONTRIBUTING.md): if the call is not its
#: last expression, the explorer is missing from the page and the count fails.
EXPLORER_CALL = re.compile(r"\bexplore_\w+\(")
#: Seconds allowed between releasing a control and a new figure or text.
UPDATE_BOUND_S = 10.0


@dataclass
class PageWatch:
    """Page errors and console errors seen since :func:`watch` was called."""

    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return [f"page error: {e}" for e in self.page_errors] + [
            f"console error: {e}" for e in self.console_errors if not BENIGN_CONSOLE.search(e)
        ]


def watch(page) -> PageWatch:
    """Start collecting uncaught page errors and console messages of type error."""
    seen = PageWatch()
    page.on("pageerror", lambda error: seen.page_errors.append(str(error)))
    page.on("console", lambda message: seen.console_errors.append(message.text) if message.type == "error" else None)
    return seen


def error_texts(text: str) -> list[str]:
    """The entries of :data:`ERROR_TEXTS` found in ``text``."""
    return [needle for needle in ERROR_TEXTS if needle in text]


def expected_explorers(notebook: Path) -> int:
    """Number of code cells in ``notebook`` that call an ``explore_...`` function (each must show one)."""
    nb = nbformat.read(notebook, as_version=4)
    return sum(cell.cell_type == "code" and bool(EXPLORER_CALL.search(cell.source)) for cell in nb.cells)


def stderr_outputs(page) -> list[str]:
    """Text of every error or stderr output on the page (tracebacks, warnings printed by a cell)."""
    return [text[:500] for text in page.locator(STDERR_OUTPUT).all_inner_texts()]


# Every control inside explorers (or the whole page) without a visible, unclipped label. A labelled
# control is a .widget-inline-hbox whose <label> has text and is shown; a button needs text.
_UNLABELLED_JS = r"""
(scope) => {
  // HTML and Label widgets share the inline-hbox layout but take no input.
  const INPUTS = '.widget-inline-hbox:not(.widget-html):not(.widget-htmlmath):not(.widget-label):not(.widget-valid)';
  const root = scope || document;
  const out = [];
  const shown = (el) => el && el.offsetWidth > 0 && el.offsetHeight > 0;
  // Blank means nothing visible: spaces and zero-width characters do not label anything.
  const visible = (t) => t.replace(/[\s\u200b-\u200d\u2060\ufeff]/g, '');
  root.querySelectorAll(INPUTS).forEach((box, i) => {
    const labels = Array.from(box.querySelectorAll(':scope > label, :scope > .widget-label'));
    const text = visible(labels.filter(shown).map((l) => l.textContent).join(''));
    if (!text) out.push(`${box.className} #${i}`);
    // A label or readout cut off with an ellipsis hides what the control changes.
    box.querySelectorAll('.widget-label, .widget-readout').forEach((el) => {
      if (shown(el) && el.scrollWidth > el.clientWidth + 1) out.push(`clipped: "${el.textContent.trim()}"`);
    });
  });
  root.querySelectorAll('button.widget-button, .widget-toggle-button').forEach((b, i) => {
    if (!(visible(b.textContent) || visible(b.getAttribute('aria-label') || ''))) out.push(`button #${i}`);
  });
  return out;
}
"""


def unlabelled_controls(page, scope: str = EXPLORER) -> list[str]:
    """Controls without a visible label inside every element matching ``scope`` ('' for the page)."""
    if not scope:
        return page.evaluate(_UNLABELLED_JS, None)
    found = []
    for index in range(page.locator(scope).count()):
        found += [f"{scope}[{index}] {item}" for item in page.locator(scope).nth(index).evaluate(_UNLABELLED_JS)]
    return found


def figure_problems(page) -> list[str]:
    """Explorer figures without alt text or without a visible caption."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.modlab-figure')).flatMap((fig, i) => {
             const img = fig.querySelector('img'), cap = fig.querySelector('figcaption');
             const out = [];
             if (!img || !(img.getAttribute('alt') || '').trim()) out.push(`figure ${i}: no alt text`);
             if (!cap || !cap.textContent.trim()) out.push(`figure ${i}: no caption`);
             return out;
           })"""
    )


# What an explorer shows: its figures if it has any (the summary text is sent before the new
# PNG is rendered, so waiting on text would time the simulation, not the new plot), else its
# text outputs (not the controls' readouts, which change before the kernel answers).
_SIGNATURE_JS = """(el) => { const imgs = Array.from(el.querySelectorAll('img')).map((i) => i.src);
  return imgs.length ? imgs.join('|')
                     : Array.from(el.querySelectorAll('.widget-html, .widget-htmlmath')).map((h) => h.innerText).join('|'); }"""


def output_signature(explorer) -> str:
    """The explorer's figures (or, without figures, its text outputs) as one string."""
    return explorer.evaluate(_SIGNATURE_JS)


def operate(page, control) -> tuple[str, float]:
    """Operate a control as a learner would; return what was done and when it was committed.

    Sliders are dragged by the mouse (the first handle, 80 px towards the far side; the
    value is sent on release), selects get another option, buttons and checkboxes are
    clicked. The time (``time.monotonic()``) is taken just before the release, selection
    or click, so the drag itself is not counted as waiting.
    """
    control.scroll_into_view_if_needed()
    classes = control.get_attribute("class") or ""
    if "widget-slider" in classes:
        handle = control.locator(".noUi-handle").first
        track = control.locator(".noUi-target").first.bounding_box()
        box = handle.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        step = -80 if x > track["x"] + track["width"] / 2 else 80
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + step, y, steps=8)
        committed = time.monotonic()
        page.mouse.up()
        return f"dragged slider {step:+d} px", committed
    select = control.locator("select")
    if select.count():
        options = select.locator("option").all_text_contents()
        chosen = select.evaluate("(s) => Array.from(s.selectedOptions).map((o) => o.text)")
        target = next((o for o in options if [o] != chosen), options[0])
        committed = time.monotonic()
        select.select_option(label=target)
        return f"selected {target!r}", committed
    checkbox = control.locator("input[type=checkbox]")
    target, action = (checkbox, "toggled checkbox") if checkbox.count() else (control, "clicked")
    committed = time.monotonic()
    target.click()
    return action, committed


def operate_by_keyboard(page, control) -> tuple[str, float]:
    """Operate a control with the keyboard only (WCAG 2.1.1); return what was done and when.

    A slider handle is focused and moved one step with an arrow key (towards the far side),
    a select gets ArrowDown, a button or checkbox is focused and gets Enter or Space.
    """
    control.scroll_into_view_if_needed()
    classes = control.get_attribute("class") or ""
    if "widget-slider" in classes:
        handle = control.locator(".noUi-handle").first
        now, high = (float(handle.get_attribute(a) or 0) for a in ("aria-valuenow", "aria-valuemax"))
        key = "ArrowLeft" if now >= high else "ArrowRight"
        handle.focus()
        committed = time.monotonic()
        page.keyboard.press(key)
        return f"slider {key}", committed
    select = control.locator("select")
    target, key = (select, "ArrowDown") if select.count() else (control.locator("input[type=checkbox]"), "Space")
    if not select.count() and not target.count():
        target, key = control, "Enter"
    target.focus()
    committed = time.monotonic()
    page.keyboard.press(key)
    return f"{key} on {'select' if select.count() else 'control'}", committed


def operate_and_time(page, explorer, bound_s: float = UPDATE_BOUND_S, keyboard: bool = False) -> tuple[str, float]:
    """Operate the explorer's main control; wait for a new figure (or text); return (action, seconds).

    With ``keyboard=True`` the control is operated by :func:`operate_by_keyboard`, else by
    mouse (:func:`operate`). Raises playwright's TimeoutError when nothing changes within ``bound_s``.
    """
    before = output_signature(explorer)
    how = operate_by_keyboard if keyboard else operate
    action, start = how(page, explorer.locator(MAIN_CONTROL).first)
    page.wait_for_function(f"([el, before]) => ({_SIGNATURE_JS})(el) !== before", arg=[explorer.element_handle(), before],
                           timeout=bound_s * 1000)
    return action, time.monotonic() - start
