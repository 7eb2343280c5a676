"""Explorers: thin ipywidgets front ends over modlab's pure functions.

Each explorer is a function returning an ``ipywidgets.VBox`` subclass whose
controls, text summary and figure are attributes, so tests can move a control
and read what changed without a browser. Figures are drawn with matplotlib,
rendered to PNG and shown in an HTML widget as ``<figure><img alt=...>
<figcaption>``: every picture has alt text and a caption that follow the controls.
"""
