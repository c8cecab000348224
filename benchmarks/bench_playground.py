"""Benchmark the playground explorer of notebook 06 in the kernel (no browser).

Run: python benchmarks/bench_playground.py. Prints, as medians of repeated timings:

- the time from setting a control's value to a new frame sent to the canvas, per control and
  over all of them (what a student waits for after releasing a slider, leaving out the trip
  to the browser and its drawing);
- the time of one frame of play (training a frame's epochs and sending the frame), for the
  default network and for the largest one trained one example at a time.

It never fails on a missed target (it is a benchmark, not a test); the browser side is
measured by benchmarks/bench_browser.py.
"""

import statistics
import time

from backprop_lib.lessons import playground_explorer as pw
from backprop_lib.lessons import playground_settings

CHANGES = 30
"""Control changes timed per control (alternating between two values)."""

FRAMES = 100
"""Frames of play timed per network."""

TWO_VALUES = {
    "dataset": ("xor", "spirals"),
    "noise": (0.05, 0.2),
    "train_fraction": (0.3, 0.7),
    "seed": (1, 2),
    "hidden_layers": (1, 3),
    "units": (3, 6),
    "activation": ("relu", "tanh"),
    "learning_rate": (0.05, 0.2),
    "l2_lambda": (0.01, 0.0),
    "batch_size": (5, 20),
}


def milliseconds(seconds):
    return f"{1e3 * statistics.median(seconds):6.1f} ms"


def control_latencies(explorer):
    """Seconds from setting each control's value to a new frame sent, by control name."""
    latencies = {}
    for name, values in TWO_VALUES.items():
        explorer.load(playground_settings.Settings())
        times = []
        for i in range(CHANGES):
            start = time.perf_counter()
            explorer.controls[name].value = values[i % 2]
            times.append(time.perf_counter() - start)
        latencies[name] = times
    return latencies


def frame_times(explorer, settings):
    """Seconds per frame of play, one after the other (as the play task runs them, without
    its waits)."""
    explorer.load(settings)
    explorer.play_button.value = True  # no event loop runs here: frames are called directly
    times = []
    for _ in range(FRAMES):
        start = time.perf_counter()
        explorer.frame()
        times.append(time.perf_counter() - start)
    explorer.play_button.value = False
    return times, explorer.session.epoch


def main():
    explorer = pw.playground_explorer()
    latencies = control_latencies(explorer)
    print("control change -> new frame sent (median):")
    for name, times in latencies.items():
        print(f"  {name:15s} {milliseconds(times)}")
    every = [t for times in latencies.values() for t in times]
    print(f"  {'all controls':15s} {milliseconds(every)}")
    print(f"frames of play (median frame time, epochs trained in {FRAMES} frames):")
    runs = {
        "default": playground_settings.Settings(),
        "6 x 8, batch 1": playground_settings.Settings(hidden_layers=6, units=8, batch_size=1),
    }
    for label, settings in runs.items():
        times, epochs = frame_times(explorer, settings)
        slowest = f"max {1e3 * max(times):.0f} ms"
        print(f"  {label:15s} {milliseconds(times)}, {slowest}, {epochs} epochs")


if __name__ == "__main__":
    main()
