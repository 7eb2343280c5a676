"""Start a grading kernel with resource limits: ``python -m modlab.grading.sandbox [limits] -f CONNECTION_FILE``.

Two processes, so a notebook's ``os.kill(os.getppid(), 9)`` hits this small supervisor and not the grader:

- the **supervisor** (``main``) is a child subreaper (Linux ``PR_SET_CHILD_SUBREAPER``: every process the
  notebook starts, even double-forked and ``setsid``, is reparented to it when its parent dies), forks the
  kernel as its child, ignores SIGINT (the kernel manager interrupts the whole process group; the kernel
  itself handles it), gets SIGTERM when the grader dies (Linux ``PR_SET_PDEATHSIG``), and on SIGTERM or when
  the kernel ends kills every descendant left (:func:`kill_descendants`), then exits with the kernel's code:
  nothing a notebook starts outlives its grading;
- the **kernel** (``--kernel``) applies ``resource.setrlimit`` (address space, file size, open files, a
  process count a little above the user's current one, no core dumps), dies with its supervisor (Linux
  ``PR_SET_PDEATHSIG``), installs the answer exporter
  (:func:`modlab.grading.export.install`) before any cell runs, and starts ipykernel as
  ``ipykernel_launcher`` would (``IPKernelApp.initialize`` then ``start``).

This guards against accidents and the cheating classes in the grading tests; it is not a security sandbox
(a same-user kernel can still read files by absolute path, and signal or kill the grader). Grade untrusted classes in a container, a VM or
a separate account.

Sources: ``resource.setrlimit`` (https://docs.python.org/3/library/resource.html), ``prctl(2)``
``PR_SET_PDEATHSIG`` and ``PR_SET_CHILD_SUBREAPER``, ``setrlimit(2)`` (``RLIMIT_NPROC`` counts every process
and thread of the real user), ipykernel's launcher (``ipykernel/__main__.py``, ``IPKernelApp.launch_instance``).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time

#: Environment variable carrying the exporter's per-run name; removed before the notebook runs.
EXPORT_NAME_ENV = "MODLAB_GRADING_EXPORT_NAME"
_PR_SET_PDEATHSIG = 1
_PR_SET_CHILD_SUBREAPER = 36
#: Processes (and threads) the kernel may add to the user's count: room for a worker pool, not a fork bomb.
PROCESS_MARGIN = 512
#: Open files the kernel may hold (a lesson kernel holds ~60).
OPEN_FILES = 1024


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m modlab.grading.sandbox", add_help=True)
    parser.add_argument("--memory", type=int, default=0, help="address-space limit in bytes (0: none)")
    parser.add_argument("--file-size", type=int, default=0, help="largest file the kernel may write, bytes (0: none)")
    parser.add_argument("--kernel", action="store_true", help=argparse.SUPPRESS)
    return parser


def _limit_child(memory: int, file_size: int) -> None:
    """Runs in the forked kernel process first: rlimits and death with the supervisor."""
    import resource

    if memory > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    if file_size > 0:
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    _lower(resource.RLIMIT_NOFILE, OPEN_FILES)
    # RLIMIT_NPROC counts all of the user's tasks, the grader's and other kernels' included: a fixed number
    # would starve a busy machine, so the kernel gets the current count plus a margin (root ignores it).
    tasks = _user_tasks()
    if tasks:
        _lower(resource.RLIMIT_NPROC, tasks + PROCESS_MARGIN)
    die_with_parent(signal.SIGKILL)


def _lower(limit: int, value: int) -> None:
    """Set a soft and hard limit to ``value``, never above the current hard limit."""
    import resource

    _, hard = resource.getrlimit(limit)
    value = value if hard == resource.RLIM_INFINITY else min(value, hard)
    try:
        resource.setrlimit(limit, (value, value))
    except (ValueError, OSError):  # e.g. already lower: keep what there is
        pass


def _user_tasks() -> int:
    """Processes and threads of this real user (what RLIMIT_NPROC counts), from /proc; 0 if unknown."""
    uid, count = os.getuid(), 0
    try:
        pids = [name for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return 0
    for pid in pids:
        try:
            if os.stat(f"/proc/{pid}").st_uid == uid:
                count += len(os.listdir(f"/proc/{pid}/task"))
        except OSError:  # gone meanwhile
            pass
    return count


def _prctl(option: int, value: int) -> bool:
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0) == 0
    except (OSError, AttributeError):  # not Linux
        return False


def die_with_parent(sig: int) -> None:
    """Ask Linux to send ``sig`` to this process when its parent dies, so no kernel outlives its grader."""
    _prctl(_PR_SET_PDEATHSIG, sig)  # not Linux: the grader's kill of the process group still ends it


def _children(pid: int) -> list[int]:
    """Live children of ``pid`` (from /proc/*/stat)."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(name))
    return found


def kill_descendants(timeout: float = 10.0) -> None:
    """SIGKILL every child of this process and reap it, until none is left.

    In a child subreaper, the orphaned descendants of a killed child are reparented here, so the loop
    reaches every process the kernel started, however it detached (double fork, ``setsid``).

    Parameters
    ----------
    timeout : float, default 10
        Seconds to keep trying (a process stuck in the kernel cannot die at once).
    """
    me, deadline = os.getpid(), time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = _children(me)
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:  # no child at all, alive or zombie: done
            return
        if not children:
            time.sleep(0.01)


def _run_kernel(kernel_args: list[str]) -> None:
    export_name = os.environ.pop(EXPORT_NAME_ENV, "")
    # As ipykernel_launcher: the working folder must not shadow installed modules.
    if sys.path and sys.path[0] in ("", os.getcwd()):
        sys.path.pop(0)
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    app.initialize(kernel_args)
    if export_name:
        from modlab.grading.export import install

        install(app.shell, export_name)
    app.start()


def main(argv: list[str] | None = None) -> int:
    """Supervisor entry point: fork the kernel, then wait for it; see the module docstring.

    Parameters
    ----------
    argv : list of str, optional
        ``[--memory BYTES] [--file-size BYTES] <ipykernel arguments>``; default ``sys.argv[1:]``.

    Returns
    -------
    int
        The kernel's exit code (or 128 + the signal that ended it), in the supervisor; the forked kernel
        never returns.
    """
    args, kernel_args = _parser().parse_known_args(sys.argv[1:] if argv is None else argv)
    if args.kernel:  # run the kernel in this process (no supervisor), e.g. for debugging
        _run_kernel(kernel_args)
        return 0
    # If the grader (or its batch worker) dies, the supervisor tears everything down (SIGTERM below).
    die_with_parent(signal.SIGTERM)
    # Orphans of the kernel's processes come here, so kill_descendants finds them all.
    _prctl(_PR_SET_CHILD_SUBREAPER, 1)
    signal.signal(signal.SIGTERM, _teardown)
    # fork without exec: the kernel does not pay for a second interpreter start-up.
    child = os.fork()
    if child == 0:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        _limit_child(args.memory, args.file_size)
        try:
            _run_kernel(kernel_args)
        finally:
            os._exit(0)
    # The kernel manager interrupts the whole process group; the supervisor just outlives it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    code = 128 + signal.SIGTERM
    try:
        try:
            _, status = os.waitpid(child, 0)
            code = os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)
        finally:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
    except _Teardown:  # the grader is done with this kernel (or died)
        pass
    kill_descendants()
    return code


class _Teardown(Exception):
    """SIGTERM arrived: stop waiting for the kernel and kill everything below."""


def _teardown(signum: int, frame: object) -> None:  # noqa: ARG001 - signal handler signature
    raise _Teardown


if __name__ == "__main__":
    sys.exit(main())
