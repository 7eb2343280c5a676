"""The README's promise, headless: ``make lab`` starts JupyterLab on the lessons.

Starts ``make lab`` from the repository root on a free loopback port with a random
token, in a throwaway HOME and Jupyter config/data/runtime dirs (so no user
setting can interfere), waits for ``/api/status``, fetches the first lesson
through the contents API and the Lab page that opens it, then stops the server
through its own process group and checks that it is gone.

Served root: ``jupyter lab lessons/X.ipynb`` serves the file's folder (``lessons/``)
unless ``--ServerApp.root_dir`` is given, so the lesson is looked up at the root of
the served tree first and under ``lessons/`` otherwise; the summary says which.

The lesson is ``lessons/00_start_here.ipynb`` (the Makefile's default). Until that
lesson exists the test opens the first lesson that does, by passing ``LESSON=``;
it is skipped only when ``lessons/`` has no notebook at all.

HTTP uses only the standard library.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from servers import free_port, tail

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_LESSON = "lessons/00_start_here.ipynb"
#: Seconds for the server to answer /api/status once `make lab` has started.
READY_TIMEOUT_S = 60
#: Extra seconds when `make lab` must first (re)install the venv (pyproject.toml newer than its stamp).
INSTALL_GRACE_S = 600

pytestmark = pytest.mark.slow


def _get(url: str, timeout: float = 10) -> tuple[int, str, bytes]:
    """GET ``url``; return (status, final URL after redirects, body). HTTP errors return their status."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.geturl(), response.read()
    except urllib.error.HTTPError as err:
        return err.code, url, err.read()


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - exists but not ours
        return True
    return True


def _venv_needs_install() -> bool:
    """True when `make lab` would (re)install the venv before starting (make -q says out of date)."""
    result = subprocess.run(
        ["make", "-q", ".venv/.modlab-installed"], cwd=ROOT, capture_output=True, check=False
    )
    return result.returncode != 0


def test_make_lab_serves_the_lessons(tmp_path, record_property, request):
    lessons = sorted((ROOT / "lessons").glob("*.ipynb"))
    if not lessons:
        pytest.skip("lessons/ has no notebook yet: nothing for `make lab` to open")
    lesson = DEFAULT_LESSON if (ROOT / DEFAULT_LESSON).exists() else lessons[0].relative_to(ROOT).as_posix()

    port = free_port()
    token = secrets.token_hex(16)
    base = f"http://127.0.0.1:{port}"
    home = tmp_path / "home"
    env = dict(os.environ)
    env.update(
        HOME=str(home),
        JUPYTER_PLATFORM_DIRS="1",
        JUPYTER_CONFIG_DIR=str(home / "jupyter-config"),
        JUPYTER_DATA_DIR=str(home / "jupyter-data"),
        JUPYTER_RUNTIME_DIR=str(home / "jupyter-runtime"),
        IPYTHONDIR=str(home / "ipython"),
    )
    for name in ("JUPYTER_PATH", "JUPYTER_CONFIG_PATH", "JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR"):
        env.pop(name, None)
    home.mkdir()
    lab_args = f"--no-browser --port={port} --ServerApp.ip=127.0.0.1 --IdentityProvider.token={token}"
    command = ["make", "lab", f"LAB_ARGS={lab_args}"]
    if lesson != DEFAULT_LESSON:
        command.append(f"LESSON={lesson}")

    deadline_s = READY_TIMEOUT_S + (INSTALL_GRACE_S if _venv_needs_install() else 0)
    log_path = tmp_path / "make-lab.log"
    with open(log_path, "wb") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
    pgid = proc.pid  # start_new_session: make leads its own process group
    try:
        # 1. ready
        status = None
        while time.perf_counter() - start < deadline_s:
            if proc.poll() is not None:
                pytest.fail(f"`make lab` exited with {proc.returncode} before serving:\n{tail(log_path)}")
            try:
                code, _, body = _get(f"{base}/api/status?token={token}", timeout=2)
                if code == 200:
                    status = json.loads(body)
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.25)
        startup_s = time.perf_counter() - start
        assert status is not None, f"no answer from {base}/api/status within {deadline_s} s:\n{tail(log_path)}"
        record_property("lab_startup_seconds", round(startup_s, 2))
        _report(request, f"`make lab` answered /api/status after {startup_s:.1f} s (opening {lesson})")

        # 2. the lesson, through the contents API. `jupyter lab FILE` serves FILE's folder
        # (lessons/) unless a root dir is configured, so find where the lesson sits in
        # the served tree: at the root (root = lessons/) or under lessons/ (root = repo).
        code, _, body = _get(f"{base}/api/contents?token={token}")
        assert code == 200, f"/api/contents: HTTP {code}"
        root_names = {entry["name"] for entry in json.loads(body)["content"]}
        name = Path(lesson).name
        served = name if name in root_names else lesson
        root_desc = "lessons/" if served == name else "the repository root"
        code, _, body = _get(f"{base}/api/contents/{served}?token={token}")
        assert code == 200, f"/api/contents/{served}: HTTP {code}: {body[:300]!r} (root has {sorted(root_names)})"
        model = json.loads(body)
        assert model["type"] == "notebook", model.get("type")
        cells = model["content"]["cells"]
        assert cells, f"{lesson} has no cells"
        assert any("".join(cell["source"]).strip() for cell in cells), f"every cell of {lesson} is empty"

        # 3. the Lab page that opens it (the token logs in; without it we would get the login page)
        code, final_url, body = _get(f"{base}/lab/tree/{served}?token={token}")
        assert code == 200, f"/lab/tree/{served}: HTTP {code}"
        assert "/lab/tree/" in final_url and "/login" not in final_url, f"redirected to {final_url}"
        assert b"jupyter-config-data" in body, "the Lab page has no Jupyter config: not JupyterLab?"
        _report(request, f"served root: {root_desc}; lesson at /lab/tree/{served}")
    finally:
        # 4. stop the server through its own process group, and check that it is gone
        if proc.poll() is None or _group_alive(pgid):
            try:
                os.killpg(pgid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        try:
            proc.wait(timeout=30)
            exited = True
        except subprocess.TimeoutExpired:
            exited = False
        stop = time.perf_counter() + 15
        while _group_alive(pgid) and time.perf_counter() < stop:
            time.sleep(0.2)
        leftover = _group_alive(pgid)
        if leftover or not exited:
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=10)
    assert exited, f"`make lab` did not exit within 30 s of SIGTERM:\n{tail(log_path)}"
    assert not leftover, f"processes of `make lab` still running 15 s after SIGTERM:\n{tail(log_path)}"


def _report(request, line: str) -> None:
    """Print ``line`` in the terminal summary (shown even without -s)."""
    name = "modlab-lab-report"
    plugin = request.config.pluginmanager.get_plugin(name)
    if plugin is None:

        class _Report:
            def __init__(self) -> None:
                self.lines: list[str] = []

            def pytest_terminal_summary(self, terminalreporter) -> None:
                terminalreporter.section("make lab")
                for text in self.lines:
                    terminalreporter.write_line(text)

        plugin = _Report()
        request.config.pluginmanager.register(plugin, name)
    plugin.lines.append(line)
