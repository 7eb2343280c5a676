"""Instructor batch grading: ``modlab grade`` (see :mod:`modlab.grading.model` for the shared records).

Modules (one concept each):

- :mod:`~modlab.grading.model`: the records passed between the parts below.
- :mod:`~modlab.grading.lesson_spec`: what a lesson asks (answer/check cells, hidden tests, points, rubrics),
  read from the solution notebook.
- :mod:`~modlab.grading.engine`: runs one submission in a sandboxed kernel, exports the declared answers as
  plain data and evaluates the hidden tests in the grader's own process.
- :mod:`~modlab.grading.intake`: finds submissions in an LMS download (folder or .zip) without modifying it.
- :mod:`~modlab.grading.batch`: grades many submissions (``--jobs``, progress bar), stores them in nbgrader's
  gradebook and writes grades.csv, feedback pages and the manual-grading sheet.
"""
