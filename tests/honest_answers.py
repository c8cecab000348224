"""Right answers to every exercise check, written as a student would: plain NumPy and math,
two or more ways per check, none of them calling the library's own answer.

``HONEST[name]`` lists them for each name in ``exercises.CHECKS`` but "spiral_settings" (a
tuning task: ``SPIRAL_SETTINGS`` is a right answer to it that is none of the playground's
presets). Not a test module: test_exercises.py and test_exercises_delegation.py use it.
"""

import math
from collections import deque

import numpy as np

from backprop_lib.lessons.playground_settings import Settings


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _stable_softmax(z):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


# ----- notebook 05: the gradient check's two tools ----------------------------------------------


def numerical_gradient_copies(f, x, epsilon=1e-5):
    """Central differences, one entry at a time, on two moved copies of x."""
    grad = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        plus, minus = x.astype(float), x.astype(float)
        plus[index] += epsilon
        minus[index] -= epsilon
        grad[index] = (f(plus) - f(minus)) / (2 * epsilon)
    return grad


def numerical_gradient_restoring(f, x, epsilon=1e-5):
    """The notebook's way: move one entry of a copy, evaluate, put it back."""
    x = np.array(x, dtype=float)
    grad = np.empty_like(x)
    for index in np.ndindex(x.shape):
        kept = x[index]
        x[index] = kept + epsilon
        above = f(x)
        x[index] = kept - epsilon
        below = f(x)
        x[index] = kept
        grad[index] = (above - below) / (2 * epsilon)
    return grad


def relative_error_loop(analytic, numerical):
    worst = 0.0
    for a, n in zip(np.ravel(analytic), np.ravel(numerical), strict=True):
        worst = max(worst, abs(a - n) / max(1e-8, abs(a) + abs(n)))
    return worst


# ----- notebook 01: one neuron ------------------------------------------------------------------


def neuron_by_hand(w, b, a_prev, y):
    a = 1.0 / (1.0 + math.exp(-(w * a_prev + b)))
    dC_dz = 2.0 * (a - y) * a * (1.0 - a)
    return dC_dz * a_prev, dC_dz, dC_dz * w


def neuron_as_a_vector(w, b, a_prev, y):
    """dz/d(w, b, a_prev) = (a_prev, 1, w), times one common factor dC/dz."""
    s = _sigmoid(np.float64(w * a_prev + b))
    return tuple(2 * (s - y) * s * (1 - s) * np.array([a_prev, 1.0, w]))


# ----- notebooks 03, 04 and 06: backward passes -----------------------------------------------


def backward_vectorised(model, X, Y, m=None):
    """The four equations, all examples at once; the L2 term divides by m (the batch's own
    size unless the training set's m is given, as in the mini-batch check)."""
    Zs, As = model.forward(X)
    L, b = len(model.weights), X.shape[1]
    decay = model.l2_lambda / (b if m is None else m)
    delta = model.loss_prime(As[L], Y) * model.g_out_prime(Zs[L - 1])
    dWs, dbs = [None] * L, [None] * L
    for l in range(L, 0, -1):
        W = model.weights[l - 1]
        dWs[l - 1] = delta @ As[l - 1].T / b + decay * W
        dbs[l - 1] = delta.sum(axis=1, keepdims=True) / b
        if l > 1:
            delta = model.g_prime(Zs[l - 2]) * (W.T @ delta)
    return dWs, dbs


def backward_per_example(model, X, Y, m=None):
    """One forward pass, then backpropagation one example (column) at a time, averaged."""
    Zs, As = model.forward(X)
    L, b = len(model.weights), X.shape[1]
    dWs = [model.l2_lambda / (b if m is None else m) * W for W in model.weights]
    dbs = [np.zeros(bias.shape) for bias in model.biases]
    for j in range(b):
        z = [Z[:, [j]] for Z in Zs]
        a = [A[:, [j]] for A in As]
        delta = model.loss_prime(a[L], Y[:, [j]]) * model.g_out_prime(z[L - 1])
        for l in range(L, 0, -1):
            dWs[l - 1] += np.outer(delta, a[l - 1]) / b
            dbs[l - 1] += delta / b
            if l > 1:
                delta = model.g_prime(z[l - 2]) * (model.weights[l - 1].T @ delta)
    return dWs, dbs


# ----- notebook 07: the autodiff engine's two steps -------------------------------------------


def local_by_table(op, a, b):
    t, s = math.tanh(a), 1.0 / (1.0 + math.exp(-a))
    table = {
        "+": (1.0, 1.0),
        "-": (1.0, -1.0),
        "*": (b, a),
        "/": (1.0 / b, -a / b**2),
        "exp": (math.exp(a), 0.0),
        "log": (1.0 / a, 0.0),
        "tanh": (1.0 - t * t, 0.0),
        "sigmoid": (s * (1.0 - s), 0.0),
        "relu": (1.0 if a > 0 else 0.0, 0.0),
    }
    return table[op]


def local_by_cases(op, a, b):
    if op in ("+", "-", "*", "/"):
        return {"+": [1.0, 1.0], "-": [1.0, -1.0], "*": [b, a], "/": [1 / b, -a * b**-2]}[op]
    if op == "exp":
        return [float(np.exp(a)), 0.0]
    if op == "log":
        return [float(np.reciprocal(a)), 0.0]
    if op == "tanh":
        return [float(1 / np.cosh(a) ** 2), 0.0]
    if op == "sigmoid":
        return [float(np.exp(-a) / (1 + np.exp(-a)) ** 2), 0.0]
    return [float(np.heaviside(a, 0.0)), 0.0]


def _order_with_a_stack(output):
    """Each node after its inputs (a depth-first search with an explicit stack)."""
    order, seen, stack = [], set(), [(output, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
        elif node not in seen:
            seen.add(node)
            stack.append((node, True))
            stack.extend((parent, False) for parent in node.parents)
    return order


def _sweep_along(order, output):
    """The backward sweep over ``order`` (each node after its inputs), walked backwards."""
    for node in order:
        node.grad = 0.0
    output.grad = 1.0
    for node in reversed(order):
        for parent, local in zip(node.parents, node.local_grads, strict=True):
            parent.grad += local * node.grad


def sweep_with_a_stack(output):
    _sweep_along(_order_with_a_stack(output), output)


def sweep_counting_uses(output):
    """Kahn's algorithm from the output: a node is passed on once each of its uses has."""
    nodes = _order_with_a_stack(output)
    waiting = dict.fromkeys(nodes, 0)
    for node in nodes:
        node.grad = 0.0
        for parent in node.parents:
            waiting[parent] += 1
    output.grad, ready = 1.0, deque([output])
    while ready:
        node = ready.popleft()
        for parent, local in zip(node.parents, node.local_grads, strict=True):
            parent.grad += local * node.grad
            waiting[parent] -= 1
            if not waiting[parent]:
                ready.append(parent)


def sweep_by_recursion(output):
    """A recursive depth-first search: 10,000 levels deep on the check's chain of nodes."""
    order, seen = [], set()

    def visit(node):
        if node not in seen:
            seen.add(node)
            for parent in node.parents:
                visit(parent)
            order.append(node)

    visit(output)
    _sweep_along(order, output)


# ----- notebook 08: the softmax -------------------------------------------------------------------


def softmax_by_log_sum_exp(z):
    top = z.max(axis=0, keepdims=True)
    return np.exp(z - top - np.log(np.exp(z - top).sum(axis=0, keepdims=True)))


def jacobian_by_loops(z):
    s = _stable_softmax(z)[:, 0]
    k = len(s)
    return np.array([[s[i] * ((i == j) - s[j]) for j in range(k)] for i in range(k)])


# ----- notebook 09: one step of an optimiser, in place -----------------------------------------


def momentum_in_place(params, grads, velocities, learning_rate, momentum):
    for p, g, v in zip(params, grads, velocities, strict=True):
        v *= momentum
        v += g
        p -= learning_rate * v


def momentum_with_out(params, grads, velocities, learning_rate, momentum):
    """NumPy's ufuncs writing into the arrays they were given (out=), one index at a time."""
    for i in range(len(params)):
        np.multiply(velocities[i], momentum, out=velocities[i])
        np.add(velocities[i], grads[i], out=velocities[i])
        np.subtract(params[i], learning_rate * velocities[i], out=params[i])


def adam_in_place(params, grads, ms, vs, t, learning_rate, beta1, beta2, epsilon, weight_decay):
    for p, g, m, v in zip(params, grads, ms, vs, strict=True):
        p *= 1 - learning_rate * weight_decay
        m *= beta1
        m += (1 - beta1) * g
        v *= beta2
        v += (1 - beta2) * g**2
        m_hat = m / (1 - beta1**t)
        v_hat = v / (1 - beta2**t)
        p -= learning_rate * m_hat / (np.sqrt(v_hat) + epsilon)


def adam_with_out(params, grads, ms, vs, t, learning_rate, beta1, beta2, epsilon, weight_decay):
    """Slice assignment and out=, the bias corrections folded into the step."""
    for i in range(len(params)):
        p, g, m, v = params[i], grads[i], ms[i], vs[i]
        np.multiply(p, 1 - learning_rate * weight_decay, out=p)
        m[:] = beta1 * m + (1 - beta1) * g
        v[:] = beta2 * v + (1 - beta2) * np.square(g)
        denominator = np.sqrt(v) / math.sqrt(1 - beta2**t) + epsilon
        np.subtract(p, learning_rate / (1 - beta1**t) * m / denominator, out=p)


# ----- notebook 10: the backward passes of batch normalisation and dropout --------------------


def batchnorm_through_the_graph(d_out, z, gamma, epsilon):
    """Back through the forward pass's nodes in turn: out, z_hat, the variance, the mean."""
    m = z.shape[1]
    mu = z.mean(axis=1, keepdims=True)
    centred = z - mu
    variance = (centred**2).mean(axis=1, keepdims=True)
    std = np.sqrt(variance + epsilon)
    z_hat = centred / std
    dgamma = (d_out * z_hat).sum(axis=1, keepdims=True)
    dbeta = d_out.sum(axis=1, keepdims=True)
    dz_hat = gamma * d_out
    d_variance = (dz_hat * centred).sum(axis=1, keepdims=True) * -0.5 * std**-3
    d_mu = -(dz_hat / std).sum(axis=1, keepdims=True)
    d_mu += d_variance * (-2 * centred).mean(axis=1, keepdims=True)
    dz = dz_hat / std + d_variance * 2 * centred / m + d_mu / m
    return dz, dgamma, dbeta


def batchnorm_compact(d_out, z, gamma, epsilon):
    """The compact form, with means: (g - mean g - z_hat mean(g z_hat)) / sqrt(var + eps)."""
    std = np.sqrt(z.var(axis=1, keepdims=True) + epsilon)
    z_hat = (z - z.mean(axis=1, keepdims=True)) / std
    g = gamma * d_out
    dz = (g - g.mean(axis=1, keepdims=True) - z_hat * (g * z_hat).mean(axis=1, keepdims=True)) / std
    return dz, np.sum(d_out * z_hat, axis=1, keepdims=True), np.sum(d_out, axis=1, keepdims=True)


def batchnorm_by_jacobians(d_out, z, gamma, epsilon):
    """One unit (row) at a time: dz = J^T (gamma d_out), J the (m, m) Jacobian dz_hat/dz."""
    n, m = z.shape
    dz, dgamma, dbeta = np.empty((n, m)), np.empty((n, 1)), np.empty((n, 1))
    for i in range(n):
        std = math.sqrt(np.var(z[i]) + epsilon)
        z_hat = (z[i] - z[i].mean()) / std
        jacobian = (np.eye(m) - 1 / m - np.outer(z_hat, z_hat) / m) / std
        dz[i] = jacobian.T @ (gamma[i, 0] * d_out[i])
        dgamma[i, 0], dbeta[i, 0] = d_out[i] @ z_hat, d_out[i].sum()
    return dz, dgamma, dbeta


# ----- notebook 10's capstone: every gradient of the network by hand -------------------------


def capstone_step_by_step(cache, params, Y):
    """One chain-rule step a node, from the probabilities back to W1 and b1."""
    c, m = cache, Y.shape[1]
    g = {"p": -Y / (m * c["p"]), "z2": (c["p"] - Y) / m}
    g["W2"], g["b2"] = g["z2"] @ c["h"].T, g["z2"].sum(axis=1, keepdims=True)
    g["h"] = params["W2"].T @ g["z2"]
    g["u"] = g["h"] * (1 - c["h"] ** 2)
    g["gamma"] = (g["u"] * c["z_hat"]).sum(axis=1, keepdims=True)
    g["beta"] = g["u"].sum(axis=1, keepdims=True)
    g["z_hat"] = params["gamma"] * g["u"]
    g["variance"] = (
        -0.5 * (g["z_hat"] * c["centred"]).sum(axis=1, keepdims=True) * c["inv_std"] ** 3
    )
    g["mu"] = -(g["z_hat"] * c["inv_std"]).sum(axis=1, keepdims=True)
    g["mu"] += g["variance"] * (-2 * c["centred"]).mean(axis=1, keepdims=True)
    g["z1"] = g["z_hat"] * c["inv_std"] + g["variance"] * 2 * c["centred"] / m + g["mu"] / m
    g["W1"], g["b1"] = g["z1"] @ c["X"].T, g["z1"].sum(axis=1, keepdims=True)
    return g


def capstone_compact(cache, params, Y):
    """dz2 through the softmax's Jacobian, example by example; dz1 by the compact formula."""
    c, m = cache, Y.shape[1]
    dp = -Y / c["p"] / m
    dz2 = np.column_stack(
        [(np.diag(p) - np.outer(p, p)) @ d for p, d in zip(c["p"].T, dp.T, strict=True)]
    )
    dh = np.einsum("kj,km->jm", params["W2"], dz2)
    du = dh / np.cosh(np.arctanh(c["h"])) ** 2
    g = params["gamma"] * du
    dz1 = (g - g.mean(axis=1, keepdims=True)) * c["inv_std"]
    dz1 -= c["z_hat"] * (g * c["z_hat"]).mean(axis=1, keepdims=True) * c["inv_std"]
    return {
        "p": dp,
        "z2": dz2,
        "W2": np.einsum("km,jm->kj", dz2, c["h"]),
        "b2": dz2 @ np.ones((m, 1)),
        "h": dh,
        "u": du,
        "gamma": np.sum(du * c["z_hat"], axis=1, keepdims=True),
        "beta": np.sum(du, axis=1, keepdims=True),
        "z_hat": g,
        "variance": -0.5
        * np.sum(g * c["centred"], axis=1, keepdims=True)
        / (c["variance"] + 1e-5) ** 1.5,
        "mu": -np.sum(g, axis=1, keepdims=True) * c["inv_std"],
        "z1": dz1,
        "W1": dz1 @ c["X"].T,
        "b1": np.zeros((dz1.shape[0], 1)),
    }


HONEST = {
    "sigmoid_prime": [
        lambda z: _sigmoid(z) * (1 - _sigmoid(z)),
        lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2,
    ],
    "tanh_prime": [lambda z: 1 - np.tanh(z) ** 2, lambda z: 1 / np.cosh(z) ** 2],
    "relu_prime": [lambda z: np.where(z > 0, 1.0, 0.0), lambda z: (z > 0).astype(float)],
    "squared_error_prime": [lambda a, y: 2 * (a - y), lambda a, y: 2 * a - 2 * y],
    "half_squared_error_prime": [lambda a, y: a - y, lambda a, y: -(y - a)],
    "cross_entropy_prime": [
        lambda a, y: (a - y) / (a * (1 - a)),
        lambda a, y: -y / a + (1 - y) / (1 - a),
    ],
    "sigmoid_cross_entropy_delta": [lambda a, y: a - y, lambda a, y: np.subtract(a, y)],
    "neuron_gradients": [neuron_by_hand, neuron_as_a_vector],
    "linear_forward": [
        lambda W, a, b: W @ a + b,
        lambda W, a, b: np.einsum("ik,kj->ij", W, a) + b,
    ],
    "output_delta": [lambda d, g: d * g, lambda d, g: np.multiply(g, d)],
    "hidden_delta": [lambda W, d, g: g * (W.T @ d), lambda W, d, g: (d.T @ W).T * g],
    "weight_gradient": [
        lambda d, a: d @ a.T / d.shape[1],
        lambda d, a: np.einsum("im,jm->ij", d, a) / a.shape[1],
    ],
    "bias_gradient": [
        lambda d: d.mean(axis=1, keepdims=True),
        lambda d: d.sum(axis=1, keepdims=True) / d.shape[1],
    ],
    "l2_gradient": [lambda W, lam, m: lam / m * W, lambda W, lam, m: W * (lam / m)],
    "numerical_gradient": [numerical_gradient_copies, numerical_gradient_restoring],
    "relative_error": [
        relative_error_loop,
        lambda a, n: np.max(np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n))),
    ],
    "two_layer_backward_pass": [backward_vectorised, backward_per_example],
    "backward_pass": [backward_vectorised, backward_per_example],
    "minibatch_gradients": [backward_vectorised, backward_per_example],
    "local_derivatives": [local_by_table, local_by_cases],
    "backward_sweep": [sweep_with_a_stack, sweep_counting_uses, sweep_by_recursion],
    "softmax": [_stable_softmax, softmax_by_log_sum_exp],
    "softmax_jacobian": [
        lambda z: np.diagflat(_stable_softmax(z)) - _stable_softmax(z) @ _stable_softmax(z).T,
        jacobian_by_loops,
    ],
    "softmax_cross_entropy_delta": [
        lambda a, y: a - y,
        lambda a, y: a * y.sum(axis=0, keepdims=True) - y,
    ],
    "momentum_step": [momentum_in_place, momentum_with_out],
    "adam_step": [adam_in_place, adam_with_out],
    "batchnorm_backward": [batchnorm_through_the_graph, batchnorm_compact, batchnorm_by_jacobians],
    "dropout_backward": [
        lambda d_out, mask, keep_prob: d_out * mask / keep_prob,
        lambda d_out, mask, keep_prob: np.where(mask, d_out / keep_prob, 0.0),
    ],
    "capstone_backward": [capstone_step_by_step, capstone_compact],
}
"""Check name -> right answers written in different ways."""

SPIRAL_SETTINGS = Settings(
    dataset="spirals", noise=0.05, units=8, activation="relu", learning_rate=0.3
)
"""Settings that learn the spirals within the check's budget, and are no preset."""
