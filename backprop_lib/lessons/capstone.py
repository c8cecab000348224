r"""Notebook 10's capstone, every gradient by hand: a two-layer network with batch normalisation
and a softmax output, as a list of small named steps.

Columns are examples, X is (n_0, m), Y one-hot (K, m):

.. math::

    z_1 = W_1 X + b_1, \quad \mu = \tfrac1m \textstyle\sum_i z_{1,i}, \quad c = z_1 - \mu, \quad
    \sigma^2 = \tfrac1m \textstyle\sum_i c_i^2, \quad s = (\sigma^2 + \epsilon)^{-1/2}, \quad
    \hat z = c\, s, \quad u = \gamma \hat z + \beta, \quad h = \tanh u,

.. math::

    z_2 = W_2 h + b_2, \quad p = \operatorname{softmax}(z_2), \quad
    J = -\tfrac1m \textstyle\sum_{k,i} Y_{ki} \log p_{ki} .

:func:`forward_steps` computes every node; :data:`ORDER` is the order in which a student
writes dJ/d(node); :func:`engine_gradients` gives them all by the Value engine's backward sweep
(the same steps run on arrays of Values), :func:`numerical_gradients` by central differences
(:func:`cost_from` recomputes the pass from one node on, :func:`slope_along` gives J's slope
along one direction); :func:`train` trains the network with a student's gradients. The chain
rule written out is the student's to write (Exercise 10.3); the check's catalogue,
``exercises.capstone_mistakes.planted``, holds it with its mistakes.
"""

import numpy as np

from ..autodiff import Value
from ..normalisation import DEFAULT_EPSILON

EPSILON = DEFAULT_EPSILON
"""The epsilon of the batch normalisation, as in the core's batchnorm_forward."""

PARAMETERS = ("W1", "b1", "gamma", "beta", "W2", "b2")
"""The network's parameters, in the order the forward pass uses them."""


def _count(values):
    return values["X"].shape[1]


def _numbers(array):
    """The numbers in ``array``: itself for floats, each Value's data for an array of Values."""
    if array.dtype != object:
        return array
    return np.vectorize(lambda v: v.data, otypes=[float])(array)


def _softmax(z2):
    """Softmax of each column, shifted by the column's largest logit (a constant: it changes
    neither p nor any gradient, and keeps every exponent <= 0)."""
    e = np.exp(z2 - _numbers(z2).max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def cross_entropy(p, Y):
    """The cost J, the mean over the batch of -sum_k y_k log p_k: the forward pass's last step."""
    return -(Y * np.log(p)).sum() / Y.shape[1]


STEPS = (
    ("z1", lambda v, q: q["W1"] @ v["X"] + q["b1"]),
    ("mu", lambda v, q: v["z1"].sum(axis=1, keepdims=True) / _count(v)),
    ("centred", lambda v, q: v["z1"] - v["mu"]),
    ("variance", lambda v, q: (v["centred"] ** 2).sum(axis=1, keepdims=True) / _count(v)),
    ("inv_std", lambda v, q: (v["variance"] + EPSILON) ** -0.5),
    ("z_hat", lambda v, q: v["centred"] * v["inv_std"]),
    ("u", lambda v, q: q["gamma"] * v["z_hat"] + q["beta"]),
    ("h", lambda v, q: np.tanh(v["u"])),
    ("z2", lambda v, q: q["W2"] @ v["h"] + q["b2"]),
    ("p", lambda v, q: _softmax(v["z2"])),
    ("J", lambda v, q: cross_entropy(v["p"], v["Y"])),
)
"""The forward pass, one (node, how it is computed from the nodes before it ``v`` and the
parameters ``q``) a line. Written with NumPy operations that arrays of Values support too."""

NODES = ("X", *(name for name, _ in STEPS))
"""What :func:`forward_steps` returns: the input X and every node, in the forward order."""

ORDER = ("p", "z2", "W2", "b2", "h", "u", "gamma", "beta", "z_hat", "variance", "mu", "z1")
ORDER += ("W1", "b1")
"""The gradients a student writes, dJ/d(name), in the order of the backward pass: the
probabilities p (as a node: -Y / (m p)), the logits z2 (through the softmax: (p - Y) / m),
W2, b2, h, u, gamma, beta, the normalised values z_hat, the variance, the mean mu, the
pre-activations z1, W1 and b1."""


def run_steps(values, params, start=0, fixed=()):
    """Run :data:`STEPS` from index ``start`` on, into a copy of ``values`` (which holds X, Y
    and the nodes before ``start``), leaving the nodes named in ``fixed`` as they are."""
    values = dict(values)
    for name, step in STEPS[start:]:
        if name not in fixed:
            values[name] = step(values, params)
    return values


def forward_steps(params, X, Y):
    """Every node of the forward pass for ``params`` (a dict over :data:`PARAMETERS`), X
    (n_0, m) and one-hot Y (K, m): a dict over :data:`NODES`; J is a number."""
    values = run_steps({"X": X, "Y": Y}, params)
    return {name: values[name] for name in NODES}


def init_params(n_0, n_1, K, seed):
    """Parameters in float64: W1 (n_1, n_0) and W2 (K, n_1) Gaussian with variance 1/fan-in
    (tanh's), b1, b2 zero, gamma ones and beta zeros (n_1, 1), drawn with ``seed``."""
    rng = np.random.default_rng(seed)
    return {
        "W1": rng.standard_normal((n_1, n_0)) / np.sqrt(n_0),
        "b1": np.zeros((n_1, 1)),
        "gamma": np.ones((n_1, 1)),
        "beta": np.zeros((n_1, 1)),
        "W2": rng.standard_normal((K, n_1)) / np.sqrt(n_1),
        "b2": np.zeros((K, 1)),
    }


def _values(array):
    return np.vectorize(lambda x: Value(float(x)), otypes=[object])(np.asarray(array, float))


def engine_gradients(params, X, Y):
    """dJ/d(name) for every name of :data:`ORDER`, by the Value engine: the steps of
    :func:`forward_steps` run on arrays of Values (one a parameter entry), then
    ``J.backward()``. A dict of float arrays shaped as the nodes and parameters."""
    held = {name: _values(params[name]) for name in PARAMETERS}
    values = run_steps({"X": np.asarray(X, float), "Y": np.asarray(Y, float)}, held)
    values["J"].backward()
    nodes = values | held
    return {name: np.vectorize(lambda v: v.grad, otypes=[float])(nodes[name]) for name in ORDER}


def value_of(name, cache, params):
    """The node or parameter ``name``'s value: from ``params`` for a parameter, else from
    ``cache`` (the nodes of :func:`forward_steps`)."""
    return params[name] if name in PARAMETERS else cache[name]


def cost_from(name, value, cache, params, Y):
    """J with the node ``name`` set to ``value`` and the forward pass recomputed from there on
    (``cache`` holds the nodes of :func:`forward_steps`; a parameter's name moves it)."""
    if name in PARAMETERS:
        return float(forward_steps(params | {name: value}, cache["X"], Y)["J"])
    start = [step for step, _ in STEPS].index(name) + 1
    return float(run_steps(cache | {"Y": Y, name: value}, params, start)["J"])


def slope_along(name, direction, cache, params, Y, epsilon=1e-5):
    """The slope of J along ``direction`` at the node or parameter ``name``, by central
    differences of :func:`cost_from`: (J(x + epsilon d) - J(x - epsilon d)) / (2 epsilon), which
    is sum(dJ/dx * d) up to O(epsilon^2)."""
    x = value_of(name, cache, params)
    above = cost_from(name, x + epsilon * direction, cache, params, Y)
    below = cost_from(name, x - epsilon * direction, cache, params, Y)
    return (above - below) / (2 * epsilon)


def numerical_gradients(params, X, Y, epsilon=1e-5):
    """dJ/d(name) for every name of :data:`ORDER` by central differences, entry by entry: the
    slope along each unit array (:func:`slope_along`)."""
    cache = forward_steps(params, X, Y)
    grads = {}
    for name in ORDER:
        shape = np.shape(value_of(name, cache, params))
        grads[name] = np.zeros(shape)
        for index in np.ndindex(shape):
            unit = np.zeros(shape)
            unit[index] = 1.0
            grads[name][index] = slope_along(name, unit, cache, params, Y, epsilon)
    return grads


# ----- training with a student's gradients ------------------------------------------------------

HIDDEN_UNITS = 32
"""n_1 of the trained network: notebook 08's 32 units on the ten digits' 64 pixels."""

LEARNING_RATE = 0.5
"""Step of plain gradient descent; batch normalisation keeps z_hat at mean 0 and variance 1,
so a large step stays stable (measured: 0.5 learns faster than 0.1 and does not diverge)."""

EPOCHS = 300
"""Full-batch steps: every step uses all training images, so the batch's mean and variance
are the training set's, and the same statistics serve for prediction (no running averages)."""

TEST_EPOCHS = 40
"""A smaller budget, for a quick test of :func:`train`."""

SEED = 0
"""Seed of :func:`init_params` in :func:`train`."""


def accuracy(params, X, Y, statistics):
    """Share of the columns of X whose largest probability is at the label of one-hot Y, with
    the batch normalisation's mean and variance fixed to ``statistics`` (mu, variance)."""
    mu, variance = statistics
    given = {"X": X, "Y": Y, "mu": mu, "variance": variance}
    values = run_steps(given, params, 0, ("mu", "variance"))
    return float(np.mean(values["p"].argmax(axis=0) == Y.argmax(axis=0)))


def train(
    grad_fn,
    X,
    Y,
    X_val,
    Y_val,
    epochs=EPOCHS,
    learning_rate=LEARNING_RATE,
    units=HIDDEN_UNITS,
    seed=SEED,
):
    """Train the network by full-batch gradient descent, each step's gradients given by
    ``grad_fn(cache, params, Y)`` (a student's capstone_backward), and return the accuracy on
    (X_val, Y_val), predicted with the training set's mean and variance of z1."""
    params = init_params(X.shape[0], units, Y.shape[0], seed)
    for _ in range(epochs):
        grads = grad_fn(forward_steps(params, X, Y), params, Y)
        params = {name: params[name] - learning_rate * grads[name] for name in PARAMETERS}
    cache = forward_steps(params, X, Y)
    return accuracy(params, X_val, Y_val, (cache["mu"], cache["variance"]))
