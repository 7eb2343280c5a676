"""Fixtures for the browser suite: Debian's Chromium via Playwright, JupyterLab and Voila servers.

Everything runs on 127.0.0.1 with throwaway HOME, Jupyter and JupyterLab settings folders,
so no user setting or saved workspace can change what the tests see. Servers are started
in their own process group and stopped by it. Notebooks are served from a copy of
solutions/ and lessons/, never from the repository itself (JupyterLab may save what it opens).

Recipe: ../shared/recipes/browser.md (never `playwright install`: use the system Chromium).
Set MODLAB_CHROMIUM to use another Chromium or Chrome binary; MODLAB_SKIP_BROWSER=1 skips
the suite on a machine without one (CI never sets it).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from browser_checks import ARTIFACTS, ROOT
from servers import free_port, tail

#: Flags proven on this machine (recipe): no sandbox as root, no background traffic to a closed network.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
#: Seconds for a server to answer once started.
SERVER_READY_S = 90

# JupyterLab user settings for the tests: no news toast over the controls, no autosave of the
# copies, every cell attached to the DOM (the default windowing detaches cells out of view).
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}

def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


def wait_for_http(url: str, process: subprocess.Popen, log: Path, timeout: float = SERVER_READY_S) -> float:
    """Poll ``url`` until it answers 200; return the seconds it took. Fails if the server exits."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if process.poll() is not None:
            pytest.fail(f"server exited with {process.returncode} before answering; log:\n{tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return time.monotonic() - start
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    pytest.fail(f"no answer from {url} within {timeout:.0f} s; log:\n{tail(log)}")


def stop(process: subprocess.Popen) -> None:
    """Stop a server and its kernels: SIGTERM to its process group, SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)
    except ProcessLookupError:
        pass


def isolated_env(home: Path) -> dict:
    """Environment for a server: throwaway HOME and Jupyter dirs, the venv's bin first on PATH."""
    env = dict(os.environ)
    for name, sub in {
        "HOME": "", "JUPYTER_CONFIG_DIR": "config", "JUPYTER_DATA_DIR": "data", "JUPYTER_RUNTIME_DIR": "runtime",
        "JUPYTERLAB_SETTINGS_DIR": "lab-settings", "JUPYTERLAB_WORKSPACES_DIR": "lab-workspaces",
        "IPYTHONDIR": "ipython", "MPLCONFIGDIR": "matplotlib",
    }.items():
        path = home / sub
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.pop("JUPYTER_PATH", None)
    return env


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Path of the system Chromium; fails (or skips with MODLAB_SKIP_BROWSER=1) when there is none."""
    candidates = [os.environ.get("MODLAB_CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return candidate
    message = (
        "no Chromium found for the browser suite: on Debian/Ubuntu `sudo apt-get install chromium` "
        "(make test does it when run as root), or set MODLAB_CHROMIUM to a Chromium/Chrome binary. "
        "To skip these tests on this machine only, set MODLAB_SKIP_BROWSER=1."
    )
    if os.environ.get("MODLAB_SKIP_BROWSER") == "1":
        pytest.skip(message)
    pytest.fail(message)


@pytest.fixture(scope="session")
def browser(chromium_path, tmp_path_factory) -> Iterator:
    """One headless Chromium for the whole session (pages are opened and closed per test).

    Its HOME is a throwaway folder, so crash reports and caches never land in the user's ~/.config.
    """
    from playwright.sync_api import sync_playwright

    env = dict(os.environ, HOME=str(tmp_path_factory.mktemp("chromium-home")))
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS, env=env)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def served_notebooks(tmp_path_factory) -> Path:
    """A copy of solutions/ and lessons/ (what the servers open), plus tests/fixtures/browser."""
    root = tmp_path_factory.mktemp("served")
    for folder in ("solutions", "lessons"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copytree(ROOT / "tests" / "fixtures" / "browser", root / "fixtures")
    return root


class LabServer:
    """A running JupyterLab: ``url(path)`` gives the address of a notebook with the token."""

    def __init__(self, base: str, token: str, root: Path, startup_s: float):
        self.base, self.token, self.root, self.startup_s = base, token, root, startup_s

    def url(self, relative: str) -> str:
        # ?reset: start from an empty workspace, so notebooks opened by earlier tests do not reopen.
        return f"{self.base}/lab/tree/{relative}?reset&token={self.token}"


@pytest.fixture(scope="session")
def lab(served_notebooks, tmp_path_factory) -> Iterator[LabServer]:
    """JupyterLab on a free loopback port with a random token, stopped after the session."""
    home = tmp_path_factory.mktemp("lab-home")
    env = isolated_env(home)
    for name, values in LAB_SETTINGS.items():
        path = Path(env["JUPYTERLAB_SETTINGS_DIR"]) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    port, token = free_port(), secrets.token_hex(16)
    log = home / "lab.log"
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip=127.0.0.1", f"--port={port}",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={served_notebooks}",
        "--LabApp.expose_app_in_browser=True",  # lets the tests call JupyterLab commands (Run All)
    ]
    with log.open("w") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        startup = wait_for_http(f"http://127.0.0.1:{port}/api/status?token={token}", process, log)
        yield LabServer(f"http://127.0.0.1:{port}", token, served_notebooks, startup)
    finally:
        stop(process)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(log, ARTIFACTS / "jupyterlab.log")  # for a failure in CI


class VoilaServer:
    """A running ``modlab present`` Voila server for one presenter notebook."""

    def __init__(self, url: str, process: subprocess.Popen, log: Path, startup_s: float):
        self.url, self.process, self.log, self.startup_s = url, process, log, startup_s


@pytest.fixture
def start_voila(tmp_path_factory):
    """Factory: ``start_voila(lesson_path[, cull_after_s])`` serves the lesson as ``modlab present`` does.

    Servers are stopped after the test.
    """
    from modlab import present

    running: list[subprocess.Popen] = []

    def start(lesson: Path, cull_after_s: int = present.CULL_AFTER_S) -> VoilaServer:
        home = tmp_path_factory.mktemp("voila-home")
        notebook = present.write_presenter_notebook(lesson, home / "notebook")
        port = free_port()
        env = present.voila_environment(isolated_env(home))
        log = home / "voila.log"
        with log.open("w") as out:
            process = subprocess.Popen(
                present.voila_command(notebook, port, open_browser=False, cull_after_s=cull_after_s),
                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )
        running.append(process)
        # A static file answers as soon as the server listens, without starting a kernel.
        startup = wait_for_http(f"http://127.0.0.1:{port}/voila/static/voila.js", process, log)
        return VoilaServer(f"http://127.0.0.1:{port}/", process, log, startup)

    yield start
    for process in running:
        stop(process)


@pytest.fixture(scope="session")
def timings() -> Iterator[dict]:
    """Measurements each test adds (seconds); printed at the end and saved as timings.json."""
    collected: dict = {}
    yield collected
    if collected:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "timings.json").write_text(json.dumps(collected, indent=2, sort_keys=True))
        _REPORT.extend(_format_timings(collected))


_REPORT: list[str] = []


def _format_timings(collected: dict) -> list[str]:
    lines = ["browser suite timings (seconds)"]
    for key in sorted(collected):
        value = collected[key]
        shown = ", ".join(f"{v:.2f}" for v in value) if isinstance(value, list) else f"{value:.2f}"
        lines.append(f"  {key}: {shown}")
    return lines


def pytest_terminal_summary(terminalreporter):
    if _REPORT:
        terminalreporter.write_sep("-", "browser timings")
        for line in _REPORT:
            terminalreporter.write_line(line)


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
