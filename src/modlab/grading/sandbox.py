"""Start a grading kernel with resource limits: ``python -m modlab.grading.sandbox [limits] -f CONNECTION_FILE``.

Two processes, so a notebook's ``os.kill(os.getppid(), 9)`` hits this small supervisor and not the grader:

- the **supervisor** (``main``) forks the kernel as its child, forwards SIGTERM, ignores SIGINT (the kernel
  manager interrupts the whole process group; the kernel itself handles it), dies with the grader (Linux
  ``PR_SET_PDEATHSIG``) and exits with the kernel's code;
- the **kernel** (``--kernel``) applies ``resource.setrlimit`` (address space, file size, no core dumps), dies
  with its supervisor (Linux ``PR_SET_PDEATHSIG``), installs the answer exporter
  (:func:`modlab.grading.export.install`) before any cell runs, and starts ipykernel as
  ``ipykernel_launcher`` would (``IPKernelApp.initialize`` then ``start``).

This guards against accidents and the cheating classes in the grading tests; it is not a security sandbox
(a determined notebook can still walk up the process tree). Grade untrusted classes in a container, a VM or
a separate account.

Sources: ``resource.setrlimit`` (https://docs.python.org/3/library/resource.html), ``prctl(2)``
``PR_SET_PDEATHSIG``, ipykernel's launcher (``ipykernel/__main__.py``, ``IPKernelApp.launch_instance``).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys

#: Environment variable carrying the exporter's per-run name; removed before the notebook runs.
EXPORT_NAME_ENV = "MODLAB_GRADING_EXPORT_NAME"
_PR_SET_PDEATHSIG = 1


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
    _die_with_parent()


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent dies, so no kernel outlives its grader."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the grader's kill of the process group still ends it
        pass


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
    # If the grader (or its batch worker) dies, the supervisor goes too, and with it the kernel.
    _die_with_parent()
    # fork without exec: the kernel does not pay for a second interpreter start-up.
    child = os.fork()
    if child == 0:
        _limit_child(args.memory, args.file_size)
        try:
            _run_kernel(kernel_args)
        finally:
            os._exit(0)
    # The kernel manager interrupts the whole process group; the supervisor just outlives it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: os.kill(child, signal.SIGTERM))
    _, status = os.waitpid(child, 0)
    return os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)


if __name__ == "__main__":
    sys.exit(main())
