"""Benchmark a training iteration with each optimizer against plain gradient descent.

Run: python benchmarks/bench_optimizers.py [--quick]. On the large network of
bench_training.py, MLP([12288, 20, 7, 5, 1]) with m = 209 random examples (seeded), it times
MLP.fit's full-batch iterations with plain gradient descent and with Adam (and, for reference,
momentum and RMSProp), side by side in one run, and the update alone on the same arrays.
Prints medians of repeated timings; it never fails on a missed target (it is a benchmark, not
a test).
"""

import argparse
import os

import numpy as np
from bench_training import LARGE_LR, LARGE_M, LARGE_SIZES, SEED, alternate, large_data, verdict

from backprop_lib import MLP, SGD, Adam, RMSProp

EPOCHS = 10
ADAM_TARGET = 1.3
"""Adam's iteration at most this many times plain gradient descent's."""


def trainer(model, W0, X, Y, make_optimizer):
    """A closure training ``model`` EPOCHS full-batch epochs from W0 with a fresh optimizer
    (None: plain gradient descent at LARGE_LR), returning its costs."""

    def train():
        model.weights, model.biases = list(W0), [np.zeros((n, 1)) for n in LARGE_SIZES[1:]]
        if make_optimizer is None:
            return model.fit(X, Y, LARGE_LR, EPOCHS)
        return model.fit(X, Y, epochs=EPOCHS, optimizer=make_optimizer())

    return train


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    repeats = 5 if parser.parse_args().quick else 21
    rng = np.random.default_rng(SEED)
    X, Y = large_data(rng)
    model = MLP(LARGE_SIZES, seed=SEED)
    W0 = [W.copy() for W in model.weights]
    runs = {
        "plain gradient descent (optimizer=None)": None,
        "Adam": lambda: Adam(LARGE_LR / 10),
        "SGD, momentum 0.9": lambda: SGD(LARGE_LR, momentum=0.9),
        "RMSProp": lambda: RMSProp(LARGE_LR / 10),
    }
    fns = [trainer(model, W0, X, Y, make) for make in runs.values()]
    costs = [fn() for fn in fns]
    per_iteration = [t / EPOCHS for t in alternate(fns, repeats)]

    # The update alone, on arrays of the parameters' shapes (one step after a first one).
    params = [W.copy() for W in W0] + [np.zeros((n, 1)) for n in LARGE_SIZES[1:]]
    grads = [rng.standard_normal(p.shape) * 1e-3 for p in params]
    updates = {"plain gradient descent": SGD(LARGE_LR), "Adam": Adam(LARGE_LR)}
    for optimizer in updates.values():
        optimizer.step(params, grads)
    update_times = alternate(
        [lambda o=o: o.step(params, grads) for o in updates.values()], repeats * 5
    )

    n_params = sum(p.size for p in params)
    print(f"numpy {np.__version__}; medians of {repeats} alternating repeats after a warm-up")
    print(f"\nMLP({LARGE_SIZES}), m = {LARGE_M}, full batch, {EPOCHS} epochs per fit, ", end="")
    print(f"{n_params} parameters")
    print(f"   {'':44s}{'ms/iter':>10s}{'x plain':>10s}{'last cost':>12s}")
    for (name, _), t, c in zip(runs.items(), per_iteration, costs, strict=True):
        print(f"   {name:44s}{t * 1e3:10.2f}{t / per_iteration[0]:10.2f}{c[-1]:12.4f}")
    print("   the update alone (optimizer.step on all parameters):")
    for name, t in zip(updates, update_times, strict=True):
        print(f"   {'  ' + name:44s}{t * 1e3:10.2f}")
    ratio = per_iteration[1] / per_iteration[0]
    print("\nTarget")
    print("   " + verdict("Adam iteration / plain iteration", ratio, ADAM_TARGET))
    print(f"   (1-minute load average now: {os.getloadavg()[0]:.2f}; {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
