"""One look for every figure: a colour-blind-safe palette and readable defaults.

The palette is Okabe & Ito's (2008) "Color Universal Design" set of eight colours,
distinguishable under the common forms of colour-vision deficiency. Figures must not
rely on colour alone: pair colours with labels, line styles, markers or hatching.

Source: Okabe, M. and Ito, K. (2008), "Color Universal Design (CUD): how to make
figures and presentations that are friendly to colorblind people", https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

import os

#: Okabe-Ito colours by name (hex).
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}

#: Default order for categorical series (yellow last: weak contrast on white).
PALETTE = [OKABE_ITO[k] for k in ("blue", "orange", "bluish_green", "vermillion", "reddish_purple", "sky_blue", "black", "yellow")]

#: Roles used across lessons, so "truth" or "opt-in poll" look the same everywhere.
ROLE_COLOURS = {
    "truth": OKABE_ITO["black"],
    "opt_in": OKABE_ITO["vermillion"],
    "random_sample": OKABE_ITO["blue"],
    "highlight": OKABE_ITO["orange"],
    "neutral": "#7F7F7F",
}


def set_theme(context: str = "notebook") -> None:
    """Apply modlab's seaborn theme: white grid, Okabe-Ito palette, readable fonts.

    Parameters
    ----------
    context : {"paper", "notebook", "talk", "poster"}
        seaborn context; "talk" gives larger fonts for a projector.

    Notes
    -----
    With the environment variable ``MODLAB_PRESENTER=1`` (set by ``modlab present`` for its
    kernels) figures are drawn at 150 instead of 100 dpi, so they show 1.5x larger.
    """
    import seaborn as sns

    # In presenter mode (modlab present sets MODLAB_PRESENTER for its kernels) inline figures are
    # drawn at 150 dpi, i.e. 1.5x larger on the page, so tick labels can be read from the back row.
    dpi = 150 if os.environ.get("MODLAB_PRESENTER") == "1" else 100
    sns.set_theme(context=context, style="whitegrid", palette=PALETTE, rc={"figure.dpi": dpi, "axes.titleweight": "bold"})
