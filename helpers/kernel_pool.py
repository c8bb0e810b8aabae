"""Warm kernels for the batch run: a papermill engine over kernels started in advance.

Starting a notebook kernel costs a Python process start plus the heavy imports (pandas,
matplotlib, seaborn, the ``helpers`` package): a few seconds per notebook that nothing in the
notebook needs to wait for. :class:`KernelPool` starts kernels **before** they are needed
(the first ones while the run prepares its data) with those imports already done, and the
papermill engine :class:`WarmKernelEngine` (registered as ``"playbook-warm"``) executes a
notebook on one of them.

Isolation by construction
-------------------------
A warm kernel serves **one** notebook and is then shut down: each notebook still runs in its
own fresh process and namespace, so a variable, an ``rcParams`` change, a monkeypatched module
attribute or an open figure of one notebook can never be seen by the next. (Reusing one kernel
with ``%reset -f`` was rejected: a reset clears names but not module state -- ``rcParams``,
patched attributes, caches inside imported modules -- so isolation would rest on every
notebook behaving.) The warm-up imports modules only; it binds no name in the notebook's
namespace, so a notebook that forgets an import still fails as it would in JupyterLab.

What is saved is latency, not CPU: kernel start and imports overlap with the data
preparation and with the previous notebook instead of sitting in front of each notebook.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import deque
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.utils import merge_kwargs, remove_args

ENGINE_NAME = "playbook-warm"
#: Imported in every warm kernel before its notebook arrives (what the notebooks import).
WARM_MODULES = (
    "numpy",
    "pandas",
    "matplotlib.pyplot",
    "seaborn",
    "helpers.context",
    "helpers.view",
    "helpers.report",
    "helpers.charts",
    "helpers.exports",
)
#: Seconds a warm kernel may take to answer (start plus warm-up imports on a busy machine).
START_TIMEOUT_SECONDS = 180


def warm_up_lines(modules: Sequence[str]) -> list[str]:
    """IPython ``exec_lines`` importing ``modules`` and leaving no name behind."""
    names = ", ".join(repr(m) for m in modules)
    return [f"for _playbook_warm in ({names},): __import__(_playbook_warm)", "del _playbook_warm"]


def kernel_arguments(modules: Sequence[str], extra: Sequence[str] = ()) -> list[str]:
    """Command-line arguments of a warm kernel: the warm-up lines plus ``extra``."""
    return [*extra, *(f"--IPKernelApp.exec_lines={line}" for line in warm_up_lines(modules))]


class KernelPool:
    """Kernels started ahead of use, each handed out once and shut down after its notebook.

    Parameters
    ----------
    total : int
        How many notebooks will ask for a kernel (no more kernels are started than this).
    ahead : int
        How many started, unused kernels to keep ready (at least 1); the run uses its number
        of parallel notebooks.
    cwd : path
        Working folder of the kernels (the notebooks' folder).
    kernel_name : str
        Jupyter kernel spec name.
    modules : sequence of str
        Modules imported by each kernel before it is handed out.
    extra_arguments : sequence of str
        More kernel command-line arguments (e.g. a log level).
    """

    def __init__(
        self,
        *,
        total: int,
        ahead: int,
        cwd: str | os.PathLike[str],
        kernel_name: str = "python3",
        modules: Sequence[str] = WARM_MODULES,
        extra_arguments: Sequence[str] = (),
    ) -> None:
        self.kernel_name = kernel_name
        self.cwd = str(Path(cwd).resolve())
        self.arguments = kernel_arguments(modules, extra_arguments)
        self.remaining = max(0, int(total))
        self.ahead = max(1, int(ahead))
        self.started = 0
        self._ready: deque[Any] = deque()
        self._lock = threading.Lock()
        self._stoppers: list[threading.Thread] = []
        self._top_up()

    def _start_one(self) -> Any:
        from jupyter_client.manager import KernelManager

        km = KernelManager(
            kernel_name=self.kernel_name,
            # nbclient drives the kernel with asyncio: hand it an asynchronous client
            client_class="jupyter_client.asynchronous.AsyncKernelClient",
        )
        km.start_kernel(extra_arguments=list(self.arguments), cwd=self.cwd)
        self.started += 1
        return km

    def _top_up(self) -> None:
        with self._lock:
            while len(self._ready) < min(self.ahead, self.remaining):
                self._ready.append(self._start_one())
                self.remaining -= 1

    def acquire(self) -> Any:
        """A started kernel manager (its kernel may still be importing); starts its successor."""
        with self._lock:
            if not self._ready:
                self.remaining = max(self.remaining, 1)
                self._ready.append(self._start_one())
                self.remaining -= 1
            km = self._ready.popleft()
        self._top_up()
        return km

    def release(self, km: Any) -> None:
        """Shut the used kernel down in the background (it is never handed out again)."""
        thread = threading.Thread(target=_shutdown, args=(km,), daemon=True)
        thread.start()
        self._stoppers.append(thread)

    def close(self) -> None:
        """Shut down the kernels never used and wait for every shutdown."""
        with self._lock:
            unused, self._ready = list(self._ready), deque()
            self.remaining = 0
        for km in unused:
            self.release(km)
        for thread in self._stoppers:
            thread.join(timeout=30)

    def __enter__(self) -> KernelPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _shutdown(km: Any) -> None:
    with contextlib.suppress(Exception):  # already dead: nothing left to stop
        km.shutdown_kernel(now=True)


class WarmKernelEngine(NBClientEngine):
    """papermill engine executing the notebook on a kernel from a :class:`KernelPool`.

    Called by ``papermill.execute_notebook(..., engine_name="playbook-warm",
    kernel_pool=pool)``; without a pool (or for another kernel name) it behaves like
    papermill's default engine. Failures are pinned in the output notebook and raised by
    papermill exactly as with the default engine; cell time limits apply unchanged.
    """

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man: Any,
        kernel_name: str,
        log_output: bool = False,
        stdout_file: Any = None,
        stderr_file: Any = None,
        start_timeout: float = START_TIMEOUT_SECONDS,
        execution_timeout: float | None = None,
        kernel_pool: KernelPool | None = None,
        **kwargs: Any,
    ) -> Any:
        if kernel_pool is None or kernel_name != kernel_pool.kernel_name:
            return super().execute_managed_notebook(
                nb_man,
                kernel_name,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
                start_timeout=start_timeout,
                execution_timeout=execution_timeout,
                **kwargs,
            )
        kwargs = remove_args(["input_path", "timeout", "startup_timeout", "cwd"], **kwargs)
        final = merge_kwargs(
            kwargs,
            timeout=execution_timeout,
            startup_timeout=max(start_timeout, START_TIMEOUT_SECONDS),
            kernel_name=kernel_name,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
        )
        km = kernel_pool.acquire()
        client = PapermillNotebookClient(nb_man, km=km, **final)
        try:
            return client.execute()
        finally:
            if client.kc is not None:
                client.kc.stop_channels()
            kernel_pool.release(km)


papermill_engines.register(ENGINE_NAME, WarmKernelEngine)
