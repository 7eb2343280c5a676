"""Render a matplotlib figure as accessible HTML for explorers."""

from __future__ import annotations

import base64
import html
import io

from matplotlib.figure import Figure


def new_figure(width: float = 7.0, height: float = 3.6) -> Figure:
    """Return a matplotlib ``Figure`` not tied to pyplot.

    Explorers redraw on every control change; figures made this way are never
    registered with pyplot, so they neither leak nor trigger the "more than 20
    figures" warning, and they do not disturb the notebook's inline backend.

    Parameters
    ----------
    width, height : float
        Size in inches.

    Returns
    -------
    matplotlib.figure.Figure
        An empty figure with constrained layout.
    """
    return Figure(figsize=(width, height), layout="constrained")


def figure_html(fig: Figure, alt: str, caption: str, *, dpi: int = 150) -> str:
    """Return ``<figure>`` HTML embedding ``fig`` as a PNG with alt text and a caption.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to render (from :func:`new_figure`).
    alt : str
        Alt text: what the picture shows, in words, for screen readers.
    caption : str
        Visible caption under the figure (plain text; escaped).
    dpi : int
        Resolution of the PNG in dots per inch. The image is shown at 100 CSS pixels per
        inch (the size of an inline matplotlib figure); the extra resolution keeps it sharp
        on high-density screens and when presenter mode scales it up for a projector.

    Returns
    -------
    str
        HTML for an ``ipywidgets.HTML`` value.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    width_px = round(fig.get_figwidth() * 100)
    return (
        "<figure class='modlab-figure' style='margin:0'>"
        f"<img src='data:image/png;base64,{encoded}' alt='{html.escape(alt, quote=True)}' "
        f"style='width:{width_px}px;max-width:100%'>"
        f"<figcaption style='font-size:90%'>{html.escape(caption)}</figcaption></figure>"
    )
