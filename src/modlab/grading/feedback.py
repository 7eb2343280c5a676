"""One student's feedback page (``feedback/<student>.html``) from their :class:`NotebookResult`.

What the student sees: an overall "N of M points" line (saying when hand grading is still pending); per
question its status (in words and an icon, never colour alone), points, their answer, the kit's own message
and, when not correct, the kit's first hint (the question object's ``hints``); their free responses with the instructor's score and comment once
imported; any flags, explained kindly; notes from the LMS (e.g. late) apart from them, as notes, not
penalties. Never hidden-test source, never the rubric or model answer.
"""

from __future__ import annotations

import json

import jinja2

from modlab.grading.model import CORRECT, INCORRECT, NOT_ANSWERED, NOT_PLAIN_DATA, NOT_REACHED, NotebookResult

#: Status -> (icon, words). The icon is decoration (aria-hidden); the words carry the meaning.
STATUS_TEXT = {
    CORRECT: ("\u2714", "Correct"),
    INCORRECT: ("\u2718", "Not yet correct"),
    NOT_ANSWERED: ("\u2013", "Not answered"),
    NOT_PLAIN_DATA: ("?", "Answer could not be read as a number, text or list"),
    NOT_REACHED: ("\u23f8", "Not reached (the notebook stopped before this question)"),
}
ANSWER_CHARS = 300  # long answers are shortened: the page is for reading, not a data dump

_TEMPLATE = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True).from_string("""\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Feedback: {{ lesson }} ({{ student }})</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #111; }
table { border-collapse: collapse; width: 100%; margin-bottom: 2rem; }
th, td { border: 1px solid #666; padding: .4rem .6rem; text-align: left; vertical-align: top; }
caption { text-align: left; font-weight: bold; padding-bottom: .4rem; }
.answer, .response { font-family: ui-monospace, monospace; white-space: pre-wrap; overflow-wrap: anywhere; }
.notes { border: 2px solid #333; padding: .6rem 1rem; }
</style>
</head>
<body>
<main>
<h1>Feedback on {{ lesson }}</h1>
<p>For <strong>{{ student }}</strong>.</p>
<p>Overall: <strong>{{ total }} of {{ total_max }} points</strong>{% if pending %} so far: your written answers are not graded yet, so this is not your final grade{% endif %}.</p>
<p>Auto-checked exercises: <strong>{{ auto }} of {{ auto_max }} points</strong>.
{% if free %}
Written answers: {% if manual is none %}<strong>not graded yet</strong> (out of {{ manual_max }} points){% else %}<strong>{{ manual }} of {{ manual_max }} points</strong>{% endif %}.
{% endif %}
</p>
{% if flags %}
<section class="notes" aria-labelledby="notes">
<h2 id="notes">Notes from the grader</h2>
<p>Something unusual happened while your notebook was graded. It is not necessarily a mistake on your part,
and the grade above already takes it into account. If anything here looks wrong, please talk to your instructor.</p>
<ul>
{% for flag in flags %}
<li>{{ flag }}</li>
{% endfor %}
</ul>
</section>
{% endif %}
{% if lms_notes %}
<section aria-labelledby="lms">
<h2 id="lms">Notes from the course website</h2>
<p>Your course website (LMS) recorded the following. These are its notes, passed on for information: the
grader applied no penalty for them; any course policy is up to your instructor.</p>
<ul>
{% for note in lms_notes %}
<li>{{ note }}</li>
{% endfor %}
</ul>
</section>
{% endif %}
{% if questions %}
<table>
<caption>Auto-checked exercises</caption>
<thead><tr><th scope="col">Exercise</th><th scope="col">Result</th><th scope="col">Points</th><th scope="col">Your answer</th><th scope="col">Message</th></tr></thead>
<tbody>
{% for q in questions %}
<tr>
<th scope="row">{{ q.label }}</th>
<td><span aria-hidden="true">{{ q.icon }}</span> {{ q.words }}</td>
<td>{{ q.score }} / {{ q.points }}</td>
<td class="answer">{{ q.answer }}</td>
<td>{{ q.message }}{% if q.hint %}<br>Hint: {{ q.hint }}{% endif %}</td>
</tr>
{% endfor %}
</tbody>
</table>
{% endif %}
{% if free %}
<h2>Written answers</h2>
{% for r in free %}
<section aria-labelledby="{{ r.grade_id }}">
<h3 id="{{ r.grade_id }}">{{ r.label }}</h3>
<p>Points: {% if r.score is none %}not graded yet (out of {{ r.points }}){% else %}{{ r.score }} / {{ r.points }}{% endif %}</p>
{% if r.text %}
<p>Your answer:</p>
<div class="response">{{ r.text }}</div>
{% else %}
<p>You left this answer blank{% if r.score is not none %}, so it scores 0{% endif %}.</p>
{% endif %}
{% if r.comment %}
<p>Comment from your instructor: {{ r.comment }}</p>
{% endif %}
</section>
{% endfor %}
{% endif %}
</main>
</body>
</html>
""")


def number(value: float | None) -> str:
    """Points as people write them: ``1`` not ``1.0``, at most two decimals; ``""`` for None."""
    if value is None:
        return ""
    rounded = round(float(value), 2)
    return str(int(rounded)) if rounded.is_integer() else f"{rounded:g}"


def show_answer(value) -> str:
    """The exported answer as the student would recognise it (JSON-like), shortened if long."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= ANSWER_CHARS else text[:ANSWER_CHARS] + " \u2026 (shortened)"


def render(result: NotebookResult, hints: dict[str, str] | None = None, lms_notes: list[str] = ()) -> str:
    """Return the feedback page for one student.

    Parameters
    ----------
    result : NotebookResult
        The graded submission, with manual scores and comments merged in when imported.
    hints : dict, optional
        ``{grade_id: the kit's first hint}``, shown for questions not answered correctly (the same hint
        ``q.hint()`` gives in the notebook; never hidden tests).
    lms_notes : list of str
        What the LMS said (e.g. late), shown apart from the grader's notes.

    Returns
    -------
    str
        A complete, self-contained HTML page (no scripts, no external resources). Rubrics
        (``FreeResponse.rubric``) are deliberately not passed to the template.
    """
    questions = [
        {"label": q.label, "icon": STATUS_TEXT[q.status][0], "words": STATUS_TEXT[q.status][1],
         "score": number(q.score), "points": number(q.points), "answer": show_answer(q.answer), "message": q.message,
         "hint": "" if q.status == CORRECT else (hints or {}).get(q.grade_id, "")}
        for q in result.questions
    ]
    free = [
        {"grade_id": r.grade_id, "label": r.label, "points": number(r.points),
         "score": None if r.score is None else number(r.score), "text": r.text.strip(), "comment": r.comment}
        for r in result.free_responses
    ]
    manual = result.manual_score
    so_far = result.auto_score + sum(r.score for r in result.free_responses if r.score is not None)
    return _TEMPLATE.render(
        lesson=result.lesson, student=result.student, flags=result.flags, questions=questions, free=free,
        total=number(so_far), total_max=number(result.auto_points + sum(r.points for r in result.free_responses)),
        pending=manual is None, lms_notes=list(lms_notes),
        auto=number(result.auto_score), auto_max=number(result.auto_points),
        manual=None if manual is None else number(manual),
        manual_max=number(sum(r.points for r in result.free_responses)),
    )
