"""Presenter mode without a browser: which lesson, what the class sees, how Voila is started.

The browser suite (tests/browser/test_presenter_browser.py) checks the rendered page; here
the pure parts are checked, and one slow test starts ``make present`` and fetches the page.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from servers import free_port

from modlab import cli, present

ROOT = Path(__file__).resolve().parents[1]
SOLUTION_03 = ROOT / "solutions" / "03_amnesty_poll.ipynb"


@pytest.mark.parametrize(
    "given", ["03", "3", "03_amnesty_poll", "03_amnesty_poll.ipynb", "lessons/03_amnesty_poll.ipynb", str(SOLUTION_03)]
)
def test_find_lesson_accepts_number_name_and_paths(given):
    assert present.find_lesson(given) == SOLUTION_03.resolve()


@pytest.mark.parametrize("given", ["99", "amnesty", "", "42_no_such_lesson"])
def test_find_lesson_names_the_lessons_there_are(given):
    with pytest.raises(present.PresentError) as error:
        present.find_lesson(given)
    assert "matches no lesson" in str(error.value)
    assert "00_start_here" in str(error.value) and "03_amnesty_poll" in str(error.value)


def test_find_lesson_refuses_an_ambiguous_number(tmp_path):
    for name in ("05_a.ipynb", "05_b.ipynb"):
        (tmp_path / name).write_text("{}")
    with pytest.raises(present.PresentError, match="matches several lessons"):
        present.find_lesson("5", solutions_dir=tmp_path)


def _presenter_03():
    return present.presenter_notebook(nbformat.read(SOLUTION_03, as_version=4))


def test_presenter_notebook_leaves_out_checks_and_answers():
    solution = nbformat.read(SOLUTION_03, as_version=4)
    shown = _presenter_03()
    graded = [c for c in solution.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert len(graded) == 11  # nine self-checks and two reflections in lesson 03
    assert len(shown.cells) == len(solution.cells) - len(graded)
    text = "\n".join(cell.source for cell in shown.cells)
    for secret in ("BEGIN SOLUTION", "HIDDEN TESTS", "Model answer", "Rubric", ".check(", "0.724 / (1 - 0.724)"):
        assert secret not in text, secret
    # Answer cells stay as stubs, so later cells that name them still run; prompts stay as discussion questions.
    assert "amnesty_yes_share = ..." in text
    assert "### Exercise 6 (1 point)" in text
    assert all(not cell.get("outputs") for cell in shown.cells if cell.cell_type == "code")


def test_presenter_notebook_keeps_every_explorer_and_figure_caption():
    text = "\n".join(cell.source for cell in _presenter_03().cells)
    assert text.count("explore_poll()") == 1
    for caption in ("*Figure 1.", "*Figure 2 (interactive, simulated data).", "*Figure 3."):
        assert caption in text


@pytest.mark.notebooks
def test_presenter_notebook_runs_headless(tmp_path):
    from modlab.notebook_runner import error_outputs, execute_notebook

    path = present.write_presenter_notebook("03", tmp_path)
    executed, _, _ = execute_notebook(path, timeout=120)
    assert error_outputs(executed) == []


def test_voila_command_hides_code_and_loads_only_the_widget_renderer(tmp_path):
    command = present.voila_command(tmp_path / "x.ipynb", port=9123, open_browser=False)
    assert command[1:4] == ["-m", "voila", str(tmp_path / "x.ipynb")]
    assert "--strip_sources=True" in command
    assert "--template=modlab-present" in command
    assert "--port=9123" in command and "--no-browser" in command
    assert "--Voila.ip=127.0.0.1" in command
    allowed = [arg.split("=", 1)[1] for arg in command if arg.startswith("--VoilaConfiguration.extension_allowlist=")]
    assert allowed == list(present.WIDGET_EXTENSIONS)
    assert "--no-browser" not in present.voila_command("x.ipynb")


def test_voila_command_culls_only_the_kernels_of_closed_pages():
    command = present.voila_command("x.ipynb", cull_after_s=120)
    assert "--MappingKernelManager.cull_idle_timeout=120" in command
    assert "--MappingKernelManager.cull_interval=60" in command
    assert "--MappingKernelManager.cull_connected=False" in command  # an open page is never culled
    assert "--MappingKernelManager.cull_interval=1" in present.voila_command("x.ipynb", cull_after_s=3)


def test_presenter_kernels_draw_larger_figures(monkeypatch):
    import matplotlib

    from modlab import style

    env = present.voila_environment({})
    assert env[present.PRESENTER_ENV] == "1"
    monkeypatch.setenv(present.PRESENTER_ENV, "1")
    style.set_theme()
    assert matplotlib.rcParams["figure.dpi"] == 150
    monkeypatch.delenv(present.PRESENTER_ENV)
    style.set_theme()
    assert matplotlib.rcParams["figure.dpi"] == 100


def test_voila_environment_finds_the_template():
    env = present.voila_environment({"JUPYTER_PATH": "/elsewhere"})
    assert env["JUPYTER_PATH"].split(os.pathsep) == [str(present.SHARE_DIR), "/elsewhere"]
    assert present.voila_environment({})["JUPYTER_PATH"] == str(present.SHARE_DIR)
    template = present.SHARE_DIR / "voila" / "templates" / present.TEMPLATE
    assert json.loads((template / "conf.json").read_text()) == {"base_template": "lab"}
    assert "extends 'lab/index.html.j2'" in (template / "index.html.j2").read_text()


def test_voila_command_keeps_an_explicit_port_or_stops():
    assert "--Voila.port_retries=0" in present.voila_command("x.ipynb", port=9000)
    assert "--Voila.port_retries=50" in present.voila_command("x.ipynb")


@pytest.mark.parametrize("content", ["{not json", '{"cells": "nope"}'])
def test_a_broken_notebook_is_a_clear_error(tmp_path, content, capsys):
    bad = tmp_path / "bad.ipynb"
    bad.write_text(content)
    with pytest.raises(present.PresentError, match="cannot present bad.ipynb"):
        present.write_presenter_notebook(bad, tmp_path / "out")
    assert cli.main(["present", str(bad)]) == 2
    assert "cannot present bad.ipynb" in capsys.readouterr().err


def test_cli_present_with_an_unknown_lesson_exits_2(capsys):
    assert cli.main(["present", "99"]) == 2
    assert "matches no lesson" in capsys.readouterr().err


@pytest.mark.slow
def test_make_present_serves_the_lesson_without_code(tmp_path):
    """`make present LESSON=03` answers with the lesson's text and widget views, and no code or answers."""
    port = free_port()
    env = dict(os.environ, JUPYTER_PLATFORM_DIRS="1", HOME=str(tmp_path))
    process = subprocess.Popen(
        ["make", "present", "LESSON=03", f"PRESENT_ARGS=--no-browser --port {port}"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        page = _wait_for_page(f"http://127.0.0.1:{port}/", process)
        assert "what can 3 million votes tell us?" in page
        assert page.count("application/vnd.jupyter.widget-view+json") >= 1
        for leaked in ("explore_poll()", "BEGIN SOLUTION", "Model answer", "ex.q1.check", "Not attempted"):
            assert leaked not in page, leaked
    finally:
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl+C in the terminal sends
        try:
            process.wait(timeout=45)  # a loaded 2-core machine can take a while to stop kernels
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            pytest.fail("make present did not stop on Ctrl+C (SIGINT)")


def _wait_for_page(url: str, process: subprocess.Popen, deadline_s: float = 120) -> str:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        try:  # Voila answers once it has run every cell of the lesson
            with urllib.request.urlopen(url, timeout=60) as response:
                return response.read().decode()
        except OSError:
            assert process.poll() is None, "the presenter exited before serving the page"
            time.sleep(0.5)
    pytest.fail(f"no page at {url} within {deadline_s} s")


@pytest.mark.slow
def test_terminating_modlab_present_stops_voila_its_kernels_and_cleans_up(tmp_path):
    """`kill PID` (SIGTERM to modlab alone, no terminal) must not leave Voila, a kernel or a temp folder behind."""
    import psutil

    port = free_port()
    env = dict(os.environ, JUPYTER_PLATFORM_DIRS="1", HOME=str(tmp_path))
    process = subprocess.Popen(
        [sys.executable, "-m", "modlab", "present", "03", "--no-browser", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        _wait_for_page(f"http://127.0.0.1:{port}/", process)
        children = psutil.Process(process.pid).children(recursive=True)
        assert any("ipykernel_launcher" in " ".join(c.cmdline()) for c in children), "no kernel was started"
        voila = next(c for c in children if "voila" in " ".join(c.cmdline()))
        folder = Path(next(arg for arg in voila.cmdline() if arg.endswith(".ipynb"))).parent
        process.send_signal(signal.SIGTERM)  # to modlab only, as `kill` or a closed session would
        assert process.wait(timeout=45) == 0
        _, alive = psutil.wait_procs(children, timeout=20)
        assert alive == [], f"left running: {[p.cmdline()[:3] for p in alive]}"
        assert not folder.exists(), "the presenter notebook's temporary folder was left behind"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
