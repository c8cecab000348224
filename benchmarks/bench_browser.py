"""Benchmark the playground (notebook 06) as a person sees it, in Chromium: served by Voila,
and run in JupyterLab.

Measures, in the page's own clock,
- the time from a key press that moves the learning-rate slider one step to the browser
  having drawn the new frame on the playground's canvas (median over several steps), and
- the frames drawn per second while the play button runs,
and prints them beside the targets, as ratios. It never fails on a missed target (it is a
benchmark, not a test). It starts Voila, JupyterLab and Chromium itself (installing Chromium
with apt-get when it is missing, like the browser tests) and stops them at the end.

Run from the root of the repository, as a module so that it can use the browser tests'
helpers: python -m benchmarks.bench_browser [--steps N] [--seconds S]
"""

import argparse
import statistics
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

# The browser tests' helpers start the servers and Chromium for this benchmark too.
from tests.browser_session import (
    FIGURE,
    LEARNING_RATE,
    PLAY_BUTTON,
    PLAYGROUND,
    launch_chromium,
    local_context,
    served_copy,
    start_lab,
    start_voila,
)
from tests.test_browser import IDLE, click_run_all

TARGET_LATENCY_MS = 30.0
"""After a slider step, the new frame is drawn within this time (median)."""

TARGET_FPS = 30.0
"""While playing, the browser draws at least this many frames a second."""

SETTLE_MS = 300
"""Pause between two slider steps, so that each one starts from an idle kernel."""

WARM_UP_S = 1.0
"""Playing time before frames are counted (the first ticks build the network)."""

TIMEOUT_MS = 60_000
"""Longest wait for the app to appear or for one new figure."""

RECORDER = """figure => {
    const canvas = document.querySelector(figure);
    window.bench = {keys: [], loads: []};
    document.addEventListener('keydown', () => bench.keys.push(performance.now()), true);
    new MutationObserver(() => bench.loads.push(performance.now()))
        .observe(canvas, {attributes: true, attributeFilter: ['data-drawn']});
}"""
"""Records, in the page's clock (ms), every key press and every frame the browser drew on the
playground's canvas."""


def slider_latencies(page, steps):
    """Milliseconds from each key press to the next drawn frame, for ``steps`` slider steps
    that alternate right and left (so the slider stays inside its range).

    Between a key press and its frame, the page runs nothing of Playwright's but the check of
    ``bench.loads``: a locator's query walks the page's whole DOM on its main thread, about
    10 ms in JupyterLab, and the kernel's answer waited behind it (the browser tests'
    step_slider reads the slider's readout right after the key; this measured 27-36 ms)."""
    page.locator(f"{LEARNING_RATE} .noUi-handle").focus()  # the handle keeps it from here on
    latencies = []
    for step in range(steps):
        loaded = page.evaluate("bench.loads.length")
        page.keyboard.press("ArrowRight" if step % 2 == 0 else "ArrowLeft")
        page.wait_for_function(f"bench.loads.length > {loaded}", timeout=TIMEOUT_MS)
        latencies.append(page.evaluate(f"bench.loads[{loaded}] - bench.keys.at(-1)"))
        page.wait_for_timeout(SETTLE_MS)
    return latencies


def frames_per_second(page, seconds):
    """Figures loaded per second while playing, counted over ``seconds`` after a warm-up."""
    play = page.locator(PLAY_BUTTON)
    play.click()
    page.wait_for_timeout(WARM_UP_S * 1000)
    start = page.evaluate("[performance.now(), bench.loads.length]")
    page.wait_for_timeout(seconds * 1000)
    end = page.evaluate("[performance.now(), bench.loads.length]")
    play.click()  # pause
    return (end[1] - start[1]) / ((end[0] - start[0]) / 1000)


def report(name, value, unit, target, lower_is_better):
    ratio = value / target
    met = ratio <= 1 if lower_is_better else ratio >= 1
    bound = "<=" if lower_is_better else ">="
    print(
        f"{name:<36} {value:8.1f} {unit:<4} target {bound} {target:g} {unit}: "
        f"{ratio:.2f} x target ({'met' if met else 'missed'})"
    )


def run_in_lab(page):
    """Once the notebook's kernel is idle, Run All Cells (again if the playground has not
    appeared in a while, as the browser tests do); wait for the playground's first drawing
    and for the kernel to be idle again. (Not the browser tests' run_all, whose check that
    every cell ran needs every cell in the page, which the tests' settings keep there.)"""
    page.wait_for_selector(IDLE)
    drawn = "canvas => document.querySelector(canvas) !== null"
    click_run_all(page, drawn, f"{FIGURE}[data-drawn]")
    page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)


def measure(playwright, url, steps, seconds, start=None):
    """Open ``url`` in a Chromium of its own, run ``start(page)`` if given (JupyterLab: Run
    All), and return the slider latencies of ``steps`` steps and the frames per second.

    Each measurement has its own browser, as each student has: JupyterLab measured in the
    browser that had just played Voila's app took 24.4-33.4 ms a step (median, six runs), and
    the first 20 steps there often longer; in a browser of its own, 22.2-23.1 ms (five runs),
    the first 20 steps no longer than the rest."""
    browser = launch_chromium(playwright)
    try:
        page = local_context(browser).new_page()
        page.goto(url)
        if start is not None:
            start(page)
        page.wait_for_selector(f"{FIGURE}[data-drawn]", timeout=TIMEOUT_MS)
        page.locator(LEARNING_RATE).scroll_into_view_if_needed()
        page.evaluate(RECORDER, FIGURE)
        return slider_latencies(page, steps), frames_per_second(page, seconds)
    finally:
        browser.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # 60 steps: the median of 20 moved by about 3 ms from run to run in JupyterLab.
    parser.add_argument("--steps", type=int, default=60, help="slider steps to time")
    parser.add_argument("--seconds", type=float, default=5.0, help="playing time counted")
    args = parser.parse_args()

    results = {}
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        served_copy(folder)
        voila = start_voila(folder, f"notebooks/{PLAYGROUND}", Path(folder) / "voila.log")
        try:
            results["Voila"] = measure(playwright, voila.url, args.steps, args.seconds)
        finally:
            voila.stop()
        # JupyterLab's own settings, as a student has them (the tests keep every cell in the
        # page, JupyterLab's slowest windowing mode: 28 ms median here instead of 23 ms).
        lab = start_lab(folder, Path(folder) / "lab.log", lab_settings={})
        try:
            url = f"{lab.url}/lab/workspaces/bench/tree/notebooks/{PLAYGROUND}"
            results["JupyterLab"] = measure(playwright, url, args.steps, args.seconds, run_in_lab)
        finally:
            lab.stop()

    print(f"Playground in Chromium ({args.steps} slider steps, {args.seconds:g} s play)")
    for where, (latencies, fps) in results.items():
        median = statistics.median(latencies)
        report(f"{where}: slider -> frame, median", median, "ms", TARGET_LATENCY_MS, True)
        print(f"{'  (fastest, slowest)':<36} {min(latencies):8.1f} ms, {max(latencies):.1f} ms")
        report(f"{where}: frames per second, playing", fps, "fps", TARGET_FPS, False)


if __name__ == "__main__":
    main()
