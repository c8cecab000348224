"""Benchmark MLP.fit against a minimal plain-NumPy loop, PyTorch and scikit-learn.

Run: python benchmarks/bench_training.py [--quick]. Prints medians of repeated timings;
it never fails on a missed target (it is a benchmark, not a test).
"""

import argparse
import itertools
import os
import time
import warnings

import numpy as np

from backprop_lib import MLP

SEED = 0
LARGE_SIZES, LARGE_M, LARGE_LR, LARGE_EPOCHS = [12288, 20, 7, 5, 1], 209, 0.0075, 20
SMALL_SIZES, SMALL_M, SMALL_LR, SMALL_EPOCHS = [2, 8, 8, 1], 200, 0.5, 500


def plain_fit(Ws, bs, X, Y, lr, epochs):
    """The same maths as MLP.fit (relu hidden, sigmoid output, cross-entropy), inline; the cost
    is computed from the output's logit z, as the library does, log(1 + e^z) - y z written
    so that nothing overflows: exact for any z, never log(0)."""
    L, m = len(Ws), X.shape[1]
    costs = np.empty(epochs)
    for epoch in range(epochs):
        Zs, As = [], [X]
        for l in range(L):
            z = Ws[l] @ As[-1] + bs[l]
            Zs.append(z)
            As.append(np.maximum(z, 0.0) if l < L - 1 else 1.0 / (1.0 + np.exp(-z)))
        z, a = Zs[-1], As[-1]
        losses = np.maximum(z, 0.0) - Y * z + np.log1p(np.exp(-np.abs(z)))
        costs[epoch] = np.sum(losses) / m
        delta = a - Y
        for l in range(L - 1, -1, -1):
            dW = delta @ As[l].T / m
            db = np.sum(delta, axis=1, keepdims=True) / m
            if l > 0:  # no delta for the input layer
                delta = (Ws[l].T @ delta) * (Zs[l - 1] > 0)
            Ws[l] = Ws[l] - lr * dW
            bs[l] = bs[l] - lr * db
    return costs


def torch_fit(torch, W0, X, Y, lr, epochs):
    """The same training loop in PyTorch: autograd for the gradients, SGD by hand."""
    Ws = [torch.tensor(W, requires_grad=True) for W in W0]
    bs = [torch.zeros((W.shape[0], 1), dtype=torch.float64, requires_grad=True) for W in W0]
    X, Y = torch.from_numpy(X), torch.from_numpy(Y)
    for _ in range(epochs):
        a = X
        for l, (W, b) in enumerate(zip(Ws, bs, strict=True)):
            z = W @ a + b
            a = torch.relu(z) if l < len(Ws) - 1 else torch.sigmoid(z)
        cost = -torch.sum(Y * torch.log(a) + (1 - Y) * torch.log(1 - a)) / X.shape[1]
        cost.backward()
        with torch.no_grad():
            for p in Ws + bs:
                p -= lr * p.grad
                p.grad = None


def large_data(rng):
    """The large regime's data, drawn from ``rng``: X of shape (LARGE_SIZES[0], LARGE_M),
    uniform in [0, 1), and 0/1 labels Y of shape (1, LARGE_M)."""
    X = rng.random((LARGE_SIZES[0], LARGE_M))
    Y = rng.integers(0, 2, (1, LARGE_M)).astype(float)
    return X, Y


def alternate(fns, repeats):
    """Median seconds of each zero-argument function, run in turn repeats times after a warm-up."""
    for fn in fns:
        fn()
    times = [[] for _ in fns]
    for _ in range(repeats):
        for t, fn in zip(times, fns, strict=True):
            start = time.perf_counter()
            fn()
            t.append(time.perf_counter() - start)
    return [float(np.median(t)) for t in times]


def lib_and_plain(sizes, X, Y, lr, epochs):
    """Two closures training from the same initial weights: MLP.fit and plain_fit."""
    model = MLP(sizes, seed=SEED)
    W0 = model.weights

    def lib():  # fit never changes weight arrays in place, so this reset is a fresh model
        model.weights, model.biases = list(W0), [np.zeros((n, 1)) for n in sizes[1:]]
        return model.fit(X, Y, lr, epochs)

    def plain():
        return plain_fit(list(W0), [np.zeros((n, 1)) for n in sizes[1:]], X, Y, lr, epochs)

    same = np.allclose(lib(), plain(), rtol=1e-10)
    return lib, plain, W0, f"   plain loop's costs equal MLP.fit's: {same}"


def verdict(name, value, target, at_most=True, unit="x"):
    ok = value <= target if at_most else value >= target
    sign = "<=" if at_most else ">="
    return f"{name} = {value:.2f}{unit} (target {sign} {target:g}{unit}) {'OK' if ok else 'MISSED'}"


def large_regime(repeats):
    rng = np.random.default_rng(SEED)
    X, Y = large_data(rng)
    lib, plain, _, same = lib_and_plain(LARGE_SIZES, X, Y, LARGE_LR, LARGE_EPOCHS)

    # The matrix products of one iteration alone, on arrays of the same shapes.
    pairs = list(itertools.pairwise(LARGE_SIZES))
    Ws = [rng.standard_normal((n, n_in)) for n_in, n in pairs]
    As = [X] + [rng.random((n, LARGE_M)) for _, n in pairs]
    Ds = [rng.standard_normal((n, LARGE_M)) for _, n in pairs]
    products = [lambda l=l: Ws[l] @ As[l] for l in range(len(Ws))]  # forward
    products += [lambda l=l: Ds[l] @ As[l].T for l in range(len(Ws))]  # dW
    products += [lambda l=l: Ws[l].T @ Ds[l] for l in range(1, len(Ws))]  # hidden delta
    f1 = 2 * LARGE_M * pairs[0][0] * pairs[0][1]  # one first-layer product
    flops = 3 * 2 * LARGE_M * sum(n_in * n for n_in, n in pairs) - f1

    def bare():
        for _ in range(LARGE_EPOCHS):
            for product in products:
                product()

    t_lib, t_plain, t_mm = (t / LARGE_EPOCHS for t in alternate([lib, plain, bare], repeats))
    t_fwd1, t_dw1 = alternate([products[0], products[len(Ws)]], repeats * 5)

    print(f"\n1. Large regime: MLP({LARGE_SIZES}), m = {LARGE_M}, full batch, ", end="")
    print(f"{LARGE_EPOCHS} epochs per fit; {flops / 1e6:.1f} MFLOP of products per iteration")
    print(f"   {'':44s}{'ms/iter':>10s}{'GFLOP/s':>10s}")
    for name, t, f in [
        ("library MLP.fit (incl. its input check)", t_lib, flops),
        ("plain NumPy loop", t_plain, flops),
        ("bare matmuls of one iteration, back to back", t_mm, flops),
        ("  of which (20, 12288) @ (12288, 209)", t_fwd1, f1),
        ("  of which (20, 209) @ (209, 12288)", t_dw1, f1),
    ]:
        print(f"   {name:44s}{t * 1e3:10.2f}{f / t / 1e9:10.1f}")
    print(same)
    return [
        verdict("large: library / plain", t_lib / t_plain, 1.05),
        verdict("large: library GFLOP/s / bare matmul GFLOP/s", t_mm / t_lib, 0.75, False, ""),
    ]


def small_regime(repeats, blas):
    rng = np.random.default_rng(SEED)
    X = rng.uniform(-1, 1, (2, SMALL_M))
    Y = (X[:1] * X[1:] > 0).astype(float)  # XOR-like quadrants
    lib, plain, W0, same = lib_and_plain(SMALL_SIZES, X, Y, SMALL_LR, SMALL_EPOCHS)
    runs, notes = {"library MLP.fit": lib, "plain NumPy loop": plain}, [same]
    try:
        import torch
    except ImportError:
        runs["PyTorch: not installed"] = None
    else:
        if blas is not None:
            torch.set_num_threads(blas[1])
        name = f"PyTorch {torch.__version__} f64, autograd + SGD by hand, "
        name += f"{torch.get_num_threads()} threads ({'as numpy' if blas else 'torch default'})"
        runs[name] = lambda: torch_fit(torch, W0, X, Y, SMALL_LR, SMALL_EPOCHS)
    try:
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.neural_network import MLPClassifier
    except ImportError:
        runs["scikit-learn: not installed"] = None
    else:
        clf = MLPClassifier(
            hidden_layer_sizes=(8, 8),
            solver="sgd",
            batch_size=SMALL_M,
            learning_rate_init=SMALL_LR,
            max_iter=SMALL_EPOCHS,
            momentum=0,
            nesterovs_momentum=False,
            alpha=0,
            tol=0,
            n_iter_no_change=SMALL_EPOCHS,
            activation="relu",
            random_state=SEED,
        )
        warnings.simplefilter("ignore", ConvergenceWarning)  # max_iter is reached on purpose
        runs["scikit-learn MLPClassifier, sgd (does more per epoch *)"] = lambda: clf.fit(
            X.T, Y.ravel()
        )
        notes.append(
            "   * it also validates its input, shuffles and copies the batch each epoch, adds\n"
            "     the L2 term to the loss, keeps a loss curve and checks for convergence"
        )
    times = iter(alternate([fn for fn in runs.values() if fn is not None], repeats))
    t = {name: None if fn is None else next(times) for name, fn in runs.items()}

    print(f"\n2. Small regime: MLP({SMALL_SIZES}), m = {SMALL_M}, {SMALL_EPOCHS} full-batch epochs")
    print(f"   {'':70s}{'total ms':>10s}{'ms/epoch':>10s}")
    for name, secs in t.items():
        tail = "" if secs is None else f"{secs * 1e3:10.1f}{secs * 1e3 / SMALL_EPOCHS:10.3f}"
        print(f"   {name:70s}{tail}".rstrip())
    print("\n".join(notes))
    t_lib = t["library MLP.fit"]
    lines = [verdict("small: library / plain", t_lib / t["plain NumPy loop"], 1.05)]
    t_torch = [secs for name, secs in t.items() if name.startswith("PyTorch ") and secs]
    if t_torch:
        lines.append(verdict("small: PyTorch / library", t_torch[0] / t_lib, 2, False))
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    repeats = 5 if parser.parse_args().quick else 21
    try:  # ships with scikit-learn
        from threadpoolctl import threadpool_info

        info = [i for i in threadpool_info() if i["user_api"] == "blas"]  # numpy's, so far
        blas = (info[0]["internal_api"], info[0]["num_threads"])
    except (ImportError, IndexError):
        blas = None
    print(f"numpy {np.__version__}, BLAS (library, threads) {blas}; medians of {repeats} ", end="")
    print("alternating repeats after a warm-up")
    lines = large_regime(repeats) + small_regime(repeats, blas)
    print("\n3. Targets")
    for line in lines:
        print("   " + line)
    print(f"   (1-minute load average now: {os.getloadavg()[0]:.2f}; {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
