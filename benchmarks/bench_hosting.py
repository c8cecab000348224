"""Benchmark what hosting a class costs: memory, CPU and latency per student.

Run from the root of the repository, as a module (it shares the hub test's helpers):
python -m benchmarks.bench_hosting [--parts abcd] [--students 1 10 30] [--minutes 10]

(a) memory (RSS and USS) of one kernel after running each notebook 01-08 (student edition)
    top to bottom;
(b) the kernel's CPU seconds for one explorer interaction per notebook (one control of
    ``explorer.controls`` moved one step, as a released slider does), median of a few;
(c) with 1, 10 and 30 students working at once through a real JupyterHub
    (hosting/jupyterhub_config.py, as tests/test_hub.py starts it): login-to-ready time (login
    form, server started, kernel started) and explorer-redraw latency (median and 95th
    percentile), and the memory of all servers and kernels;
(d) notebook 06's playground playing for ``--minutes``, its kernel's RSS sampled every ~10 s.

Parts (a), (b) and (d) run kernels of this environment directly (jupyter_client), as each
student's server does. The load average is printed before and after each part: the machine
may be shared with other work. Nothing is asserted (a benchmark, not a test).
"""

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import nbformat
import psutil
from jupyter_client.manager import start_new_kernel

from tests.browser_session import ROOT
from tests.hub_session import CELL_TIMEOUT, Hub, Kernel, Student

COURSE = ROOT / "notebooks" / "student"
"""The notebooks students run."""

NOTEBOOKS = sorted(path.name for path in COURSE.glob("0[1-8]_*.ipynb"))

CROWD_NOTEBOOK = "01_single_neuron.ipynb"
"""What each simulated student of part (c) runs: the first notebook of a lecture."""

INTERACTIONS = 5
"""Control changes timed per notebook in (b) and per student in (c)."""

SAMPLE_SECONDS = 10
"""Playing time between two memory samples in (d)."""

MIB = 2**20

CHANGE_ONE_CONTROL = """
import time as _time

def _bench_change(i, _explorer=explorer):
    # The explorer's first slider, one step up (even i) or back down (odd i).
    _control = next(c for c in _explorer.controls.values() if hasattr(c, "step"))
    _sign = 1 if i % 2 == 0 else -1
    if hasattr(_control, "base"):  # a FloatLogSlider: its step is in decades
        _new = _control.value * _control.base ** (_sign * _control.step)
    else:
        _new = _control.value + _sign * _control.step
    _start = _time.process_time()
    _control.value = _new
    return _time.process_time() - _start
"""
"""Defines, in the kernel, the change that (b) and (c) time: the explorer redraws inside
the value's setter (its observer is synchronous), so the kernel's CPU time of the setter
is the interaction's."""

PLAY_FOR = """
import asyncio as _asyncio
explorer.play_button.value = True  # the play task starts on the kernel's event loop
await _asyncio.sleep({seconds})  # and runs while this cell waits
"""
"""Plays notebook 06's explorer for a while, as the play button does in a browser (with no
browser to answer, every frame is sent)."""


def load_average():
    return "load average " + " ".join(f"{value:.2f}" for value in os.getloadavg())


class LocalKernel:
    """A kernel of this environment, started in the student edition's folder."""

    def __init__(self):
        self.manager, self.client = start_new_kernel(
            kernel_name="python3", cwd=str(COURSE), stderr=subprocess.DEVNULL
        )
        self.process = psutil.Process(self.manager.provisioner.process.pid)

    def execute(self, code):
        """Run ``code``, ignoring its outputs; return its result (text/plain) if any."""
        results = []

        def keep(message):
            if message["msg_type"] == "execute_result":
                results.append(message["content"]["data"]["text/plain"])

        reply = self.client.execute_interactive(code, timeout=CELL_TIMEOUT, output_hook=keep)
        if reply["content"]["status"] != "ok":
            content = reply["content"]
            raise RuntimeError(f"{content.get('ename')}: {content.get('evalue')}")
        return results[-1] if results else None

    def run_notebook(self, name):
        for cell in nbformat.read(COURSE / name, 4).cells:
            if cell.cell_type == "code":
                self.execute(cell.source)

    def memory(self):
        info = self.process.memory_full_info()
        return info.rss, info.uss

    def shut_down(self):
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


def kernel_costs():
    """Parts (a) and (b): per notebook, memory after running it and one interaction's CPU."""
    print(f"(a, b) one kernel per notebook; {load_average()}")
    print(f"{'notebook':<30} {'run s':>7} {'RSS MiB':>8} {'USS MiB':>8} {'interaction CPU s':>18}")
    for name in NOTEBOOKS:
        kernel = LocalKernel()
        try:
            start = time.perf_counter()
            kernel.run_notebook(name)
            seconds = time.perf_counter() - start
            rss, uss = kernel.memory()
            kernel.execute(CHANGE_ONE_CONTROL)
            cpu = [float(kernel.execute(f"_bench_change({i})")) for i in range(INTERACTIONS)]
        finally:
            kernel.shut_down()
        print(
            f"{name:<30} {seconds:7.1f} {rss / MIB:8.0f} {uss / MIB:8.0f} "
            f"{statistics.median(cpu):18.3f}"
        )
    print(f"(a, b) done; {load_average()}\n")


def percentile(values, q):
    """The ``q``-th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def one_student(hub, name):
    """Log in, start the server and a kernel, run the notebook, move a control: timings."""
    start = time.perf_counter()
    student = Student(hub, name)
    student.log_in()
    student.start_server()
    student.get_token()
    kernel = Kernel(student)
    ready = time.perf_counter() - start
    kernel.run_notebook(student.read_notebook(CROWD_NOTEBOOK))
    kernel.execute(CHANGE_ONE_CONTROL)
    redraws = []
    for i in range(INTERACTIONS):
        sent = time.perf_counter()
        kernel.execute(f"_bench_change({i})")
        redraws.append(time.perf_counter() - sent)
    return ready, redraws, kernel


def tree_memory(pid):
    """RSS and USS (bytes) of process ``pid``'s children, recursively, summed."""
    rss = uss = 0
    for process in psutil.Process(pid).children(recursive=True):
        try:
            info = process.memory_full_info()
        except psutil.NoSuchProcess:
            continue
        rss, uss = rss + info.rss, uss + info.uss
    return rss, uss


def crowd(sizes):
    """Part (c): ``n`` students at once through a real hub, for each ``n`` in ``sizes``."""
    print(f"(c) students at once through JupyterHub, each running {CROWD_NOTEBOOK}")
    header = (
        f"{'students':>8} {'ready median s':>15} {'p95 s':>7} {'redraw median ms':>17} "
        f"{'p95 ms':>7} {'MiB per student RSS':>20} {'USS':>6} {'wall s':>7}"
    )
    for n in sizes:
        print(f"  {n} students: before, {load_average()}")
        with tempfile.TemporaryDirectory() as folder:
            hub = Hub(folder)
            try:
                start = time.perf_counter()
                baseline = tree_memory(hub.pid)
                with ThreadPoolExecutor(max_workers=n) as pool:
                    names = [f"student{i:02d}" for i in range(n)]
                    results = list(pool.map(partial(one_student, hub), names))
                wall = time.perf_counter() - start
                now = tree_memory(hub.pid)
                rss, uss = (after - before for after, before in zip(now, baseline, strict=True))
                for _, _, kernel in results:
                    kernel.close()
            finally:
                hub.stop()
        ready = [r for r, _, _ in results]
        redraws = [1000 * d for _, ds, _ in results for d in ds]
        print(f"  {n} students: after, {load_average()}")
        print(header)
        print(
            f"{n:8d} {statistics.median(ready):15.1f} {percentile(ready, 95):7.1f} "
            f"{statistics.median(redraws):17.0f} {percentile(redraws, 95):7.0f} "
            f"{rss / n / MIB:20.0f} {uss / n / MIB:6.0f} {wall:7.1f}"
        )
    print()


def playground_memory(minutes):
    """Part (d): notebook 06's explorer playing for ``minutes``: the kernel's RSS and its
    Python heap (blocks allocated, ``sys.getallocatedblocks``) every ~10 s."""
    print(f"(d) notebook 06 playing for {minutes:g} min; {load_average()}")
    kernel = LocalKernel()
    try:
        kernel.run_notebook("06_playground.ipynb")
        kernel.execute("import sys as _sys")
        chunk = PLAY_FOR.format(seconds=SAMPLE_SECONDS)

        def sample():
            blocks = int(kernel.execute("_sys.getallocatedblocks()"))
            return (time.perf_counter() - start) / 60, kernel.memory()[0] / MIB, blocks

        start = time.perf_counter()
        samples = [sample()]
        while time.perf_counter() - start < minutes * 60:
            kernel.execute(chunk)
            samples.append(sample())
        epoch = kernel.execute("explorer.session.epoch")
    finally:
        kernel.shut_down()
    print("  minute  RSS MiB  Python blocks")
    for whole in range(int(minutes) + 1):
        t, rss, blocks = min(samples, key=lambda s: abs(s[0] - whole))
        print(f"  {t:6.1f} {rss:8.1f} {blocks:14}")
    times, rss, _ = zip(*samples, strict=True)
    later = [s for s in samples if s[0] >= minutes / 2]
    late_slope = statistics.linear_regression([s[0] for s in later], [s[1] for s in later])
    print(
        f"epochs trained {epoch}; RSS first {rss[0]:.1f} MiB, last {rss[-1]:.1f} MiB, "
        f"max {max(rss):.1f} MiB; slope {statistics.linear_regression(times, rss).slope:+.2f} "
        f"MiB per minute over the run, {late_slope.slope:+.2f} over its second half "
        f"({len(samples)} samples)"
    )
    print(f"(d) done; {load_average()}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", default="abcd", help="which parts to run, e.g. 'ab' or 'd'")
    parser.add_argument(
        "--students", type=int, nargs="+", default=[1, 10, 30], help="class sizes for (c)"
    )
    parser.add_argument("--minutes", type=float, default=10.0, help="playing time for (d)")
    args = parser.parse_args()
    unknown = set(args.parts) - set("abcd")
    if unknown:
        parser.error(f"--parts takes letters among a, b, c, d; got {''.join(sorted(unknown))}")
    began = time.perf_counter()
    print(f"{psutil.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.1f} GiB\n")
    if {"a", "b"} & set(args.parts):
        kernel_costs()
    if "c" in args.parts:
        crowd(args.students)
    if "d" in args.parts:
        playground_memory(args.minutes)
    print(f"took {(time.perf_counter() - began) / 60:.1f} min")


if __name__ == "__main__":
    main()
