"""Time the autodiff of notebook 07: the scalar engine per node, and the matrix graph against
bp.MLP's own backpropagation.

Run: python benchmarks/bench_autodiff.py [--repeats N] [--nodes N].

1. For a long chain and a wide random graph of about 10^5 nodes each, the median time of
   ``Value.backward()`` in microseconds per node, beside the median time of a plain Python
   loop doing the same float multiply-adds (one ``grads[parent] += local * grads[child]`` per
   edge, in the same order), and their ratio: the engine's overhead of objects, the graph
   walk and the grad reset.
2. For networks of growing size, in the same run: the median time of one gradient by the
   matrix graph (``autodiff_graph.matrix_gradients``: checks, forward pass building the graph,
   backward pass) against ``MLP.gradients`` (checks, forward, backward), and of the backward
   passes alone (``cost.backward()`` against ``MLP._backward``), with their ratios. The target
   of issue 12 is a ratio of at most 1.2.

It never fails on a slow time (it is a benchmark, not a test).
"""

import argparse
import statistics
import time

import numpy as np

import backprop_lib as bp
from backprop_lib.autodiff import Value, graph
from backprop_lib.lessons.autodiff_graph import matrix_gradients, matrix_graph

SEED = 0
WIDTH = 1000  # nodes per layer of the wide graph

NETWORKS = [([2, 16, 16, 1], 20), ([64, 64, 64, 1], 128), ([64, 256, 256, 1], 512)]
"""(layer sizes, examples m) of the networks whose gradients are timed: the notebook's size,
a digits-sized one, and a wide one where the matrix products dominate."""

MATRIX_TARGET = 1.2
"""Issue 12: the matrix graph's backward pass may cost at most this many times bp.MLP's."""


def chain(n_nodes):
    """y = y * 1.00001 + 1e-6, repeated: 4 nodes per step (two operations, two constants)."""
    y = Value(0.5, label="x")
    for _ in range(n_nodes // 4):
        y = y * 1.00001 + 1e-6
    return y


def wide_graph(n_nodes, seed=SEED):
    """Layers of WIDTH nodes, each tanh(a * b + c) of three random nodes of the layer below
    (3 nodes each; a runs through a permutation, so every node is used), then a pairwise sum
    of the last layer, so that one scalar depends on every node.
    """
    rng = np.random.default_rng(seed)
    layer = [Value(x) for x in rng.uniform(-1.0, 1.0, size=WIDTH).tolist()]
    for _ in range(max(1, (n_nodes - 2 * WIDTH) // (3 * WIDTH))):
        picks = zip(
            rng.permutation(WIDTH).tolist(),
            rng.integers(WIDTH, size=WIDTH).tolist(),
            rng.integers(WIDTH, size=WIDTH).tolist(),
            strict=True,
        )
        layer = [(layer[i] * layer[j] + layer[k]).tanh() for i, j, k in picks]
    while len(layer) > 1:
        pairs = [a + b for a, b in zip(layer[0::2], layer[1::2], strict=False)]
        layer = pairs + layer[len(pairs) * 2 :]
    return layer[0]


def plain_backward(n_nodes, steps):
    """The same multiply-adds as backward() on plain floats: ``steps`` is a list of
    (parent index, local derivative, child index) in reverse topological order of children."""
    grads = [0.0] * n_nodes
    grads[-1] = 1.0
    for parent, local, child in steps:
        grads[parent] += local * grads[child]
    return grads


def median_seconds(function, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench(name, output, repeats):
    nodes, edges = graph(output)
    index = {id(node): k for k, node in enumerate(nodes)}
    # Only the count and order of the multiply-adds matter for the baseline's time, so every
    # edge gets the local derivative 0.5 (the nodes' own ones are private to the engine).
    steps = [(index[id(p)], 0.5, index[id(c)]) for p, c in reversed(edges)]
    engine = median_seconds(output.backward, repeats)
    baseline = median_seconds(lambda: plain_backward(len(nodes), steps), repeats)
    per_node_engine = 1e6 * engine / len(nodes)
    per_node_baseline = 1e6 * baseline / len(nodes)
    print(
        f"{name:<6} {len(nodes):>8} {len(edges):>8} {per_node_engine:>18.3f} "
        f"{per_node_baseline:>18.3f} {per_node_engine / per_node_baseline:>7.1f}"
    )


def interleaved_medians(functions, repeats):
    """Median seconds of each function, the runs interleaved so that both see the same load."""
    times = [[] for _ in functions]
    for _ in range(repeats):
        for function, runs in zip(functions, times, strict=True):
            start = time.perf_counter()
            function()
            runs.append(time.perf_counter() - start)
    return [statistics.median(runs) for runs in times]


def bench_matrix_graph(sizes, m, repeats):
    """Print the matrix graph's gradient and backward pass against bp.MLP's, same network."""
    rng = np.random.default_rng(SEED)
    model = bp.MLP(sizes, hidden_activation="tanh", seed=SEED)
    X = rng.standard_normal((sizes[0], m))
    Y = rng.integers(0, 2, size=(sizes[-1], m)).astype(float)
    whole = interleaved_medians(
        [lambda: matrix_gradients(model, X, Y), lambda: model.gradients(X, Y)], repeats
    )
    built = matrix_graph(model, X, Y)
    Zs, As = model.forward(X)
    backward = interleaved_medians(
        [built.cost.backward, lambda: model._backward(Zs, As, Y, m)], repeats
    )
    ratios = [whole[0] / whole[1], backward[0] / backward[1]]
    # The target is the backward pass's; the whole gradient also builds the graph's nodes.
    verdict = "ok" if ratios[1] <= MATRIX_TARGET else f"above {MATRIX_TARGET}"
    print(
        f"{sizes!s:<18} {m:>5} {1e6 * whole[0]:>12.1f} {1e6 * whole[1]:>12.1f} "
        f"{ratios[0]:>6.2f} {1e6 * backward[0]:>12.1f} {1e6 * backward[1]:>12.1f} "
        f"{ratios[1]:>6.2f}  {verdict}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="timings per median (default 7)")
    parser.add_argument(
        "--nodes", type=int, default=100_000, help="about how many nodes per graph (default 1e5)"
    )
    args = parser.parse_args()
    if args.repeats < 1 or args.nodes < 5 * WIDTH:
        parser.error(f"--repeats must be >= 1 and --nodes >= {5 * WIDTH}")
    print(f"median of {args.repeats} runs of backward(), microseconds per node")
    print(
        f"{'graph':<6} {'nodes':>8} {'edges':>8} {'backward() us/node':>18} "
        f"{'plain loop us/node':>18} {'ratio':>7}"
    )
    bench("chain", chain(args.nodes), args.repeats)
    bench("wide", wide_graph(args.nodes), args.repeats)
    repeats = 50 * args.repeats  # a network's gradient takes micro- to milliseconds
    print(f"\nmedian of {repeats} interleaved runs, microseconds: the matrix graph against MLP")
    print(
        f"{'layer sizes':<18} {'m':>5} {'graph grad':>12} {'MLP grad':>12} {'ratio':>6} "
        f"{'graph bwd':>12} {'MLP bwd':>12} {'ratio':>6}"
    )
    for sizes, m in NETWORKS:
        bench_matrix_graph(sizes, m, repeats)


if __name__ == "__main__":
    main()
