r"""Gradient checking at work (notebook 05): finite-difference errors against epsilon,
backward passes with one planted mistake each, and vanishing gradients in deep networks.

The planted mistakes are the errors of the course notes (see notebook 05 for which note
each comes from). Each is one replaced step of :func:`backward_pass`, which is the
backpropagation of :class:`backprop_lib.MLP` written with swappable steps, so that a
mistake is a one-line change that :func:`backprop_lib.check_network_gradients` must catch.
"""

from dataclasses import dataclass, fields, replace
from types import SimpleNamespace

import ipywidgets as ipw
import numpy as np

from .backprop import (
    bias_gradient,
    hidden_delta,
    l2_gradient,
    output_delta,
    weight_gradient,
)
from .gradcheck import check_network_gradients, numerical_gradient, relative_error
from .losses import squared_error_prime
from .network import INITIALISATIONS, MLP
from .plots import RIGHT_GRADIENT_BELOW, WRONG_GRADIENT_ABOVE
from .widgets import Explorer, new_figure, slider

# ----- finite differences: error against epsilon ---------------------------------------------

EPSILONS = np.logspace(-13, -1, 49)
"""Steps from 1e-13 to 1e-1, four per decade: wide enough to see both arms of the V
(round-off on the left, truncation on the right) for both methods."""

METHODS = ("forward", "central")
"""The two finite differences of :func:`backprop_lib.numerical_gradient`."""


def error_versus_epsilon(f, x, exact, epsilons=EPSILONS):
    r"""Relative error of forward and central differences for each step epsilon.

    Parameters
    ----------
    f : callable
        Takes an array shaped like ``x`` and returns a float.
    x : ndarray of any shape
        The point.
    exact : ndarray shaped like ``x``
        The true gradient of f at x (for example from backpropagation).
    epsilons : ndarray of shape (k,)
        The steps to try, all > 0.

    Returns
    -------
    dict of str to ndarray of shape (k,)
        For "forward" and "central", :func:`backprop_lib.relative_error` between ``exact``
        and :func:`backprop_lib.numerical_gradient` with each epsilon.
    """
    epsilons = np.asarray(epsilons, dtype=float)
    if epsilons.ndim != 1 or epsilons.size == 0 or not np.all(epsilons > 0):
        raise ValueError(f"epsilons must be a 1-D array of numbers > 0; got {epsilons!r}")
    return {
        method: np.array(
            [relative_error(exact, numerical_gradient(f, x, eps, method)) for eps in epsilons]
        )
        for method in METHODS
    }


def log_log_slope(epsilons, errors, low, high):
    r"""Slope p of the line fitted to log10(error) against log10(epsilon), low <= epsilon <= high.

    An error that behaves like :math:`C \varepsilon^p` has slope p on a log-log plot.

    Parameters
    ----------
    epsilons, errors : ndarray of shape (k,)
    low, high : float
        The range of epsilon to fit; it must hold at least two points.

    Returns
    -------
    float
    """
    epsilons, errors = np.asarray(epsilons, float), np.asarray(errors, float)
    inside = (epsilons >= low) & (epsilons <= high)
    if np.count_nonzero(inside) < 2:
        raise ValueError(f"need at least two epsilons in [{low:g}, {high:g}] to fit a slope")
    slope, _ = np.polyfit(np.log10(epsilons[inside]), np.log10(errors[inside]), 1)
    return float(slope)


def plot_error_versus_epsilon(ax, epsilons, errors):
    """Draw :func:`error_versus_epsilon`'s result on log-log axes, with guide lines.

    The guides have slopes 1 and 2 (truncation error of forward and central differences,
    drawn through each curve's largest epsilon) and -1 (round-off, through the forward
    curve's smallest epsilon); a dotted line marks the 1e-7 below which a gradient is
    called right.

    Parameters
    ----------
    ax : matplotlib Axes
    epsilons : ndarray of shape (k,)
        Increasing steps.
    errors : dict of str to ndarray of shape (k,)
        As returned by :func:`error_versus_epsilon`.
    """
    epsilons = np.asarray(epsilons, dtype=float)
    forward, central = errors["forward"], errors["central"]
    ax.loglog(epsilons, forward, "o-", color="C0", markersize=3, label="forward (one-sided)")
    ax.loglog(epsilons, central, "s-", color="C1", markersize=3, label="central")
    guides = [
        (forward[-1] * epsilons / epsilons[-1], "C0", r"$\propto \varepsilon$ (truncation)"),
        (central[-1] * (epsilons / epsilons[-1]) ** 2, "C1", r"$\propto \varepsilon^2$"),
        (forward[0] * epsilons[0] / epsilons, "0.4", r"$\propto 1/\varepsilon$ (round-off)"),
    ]
    for values, colour, label in guides:
        ax.loglog(epsilons, values, "--", color=colour, linewidth=1, label=label)
    ax.axhline(RIGHT_GRADIENT_BELOW, color="C2", linestyle=":", label="1e-7: right below")
    # From a decade below the lowest error (but not below float64's round-off) to above 1.
    low = min(forward.min(), central.min()) / 10
    ax.set_ylim(max(low, np.finfo(float).eps), 10.0)
    ax.set_xlabel(r"step $\varepsilon$")
    ax.set_ylabel("relative error")
    ax.set_title("Finite differences: truncation (right) against round-off (left)")
    ax.grid(alpha=0.3, which="major")
    ax.legend(fontsize=8, loc="upper center", ncols=2)


# ----- backpropagation with swappable steps ---------------------------------------------------


def activation_prime_at_z(g_prime, z, a):
    r"""The right input of a derivative: :math:`g'(z^l)` (``a`` is not used)."""
    return g_prime(z)


def bias_gradient_of_delta(delta, a_prev):
    r"""The right bias gradient :math:`\frac1m \sum_i \delta^{l,(i)}` (``a_prev`` is not used)."""
    return bias_gradient(delta)


@dataclass(frozen=True)
class BackwardSteps:
    r"""The steps of backpropagation, each replaceable by a wrong one.

    The defaults are the right steps, so ``BackwardSteps()`` gives the gradients of
    ``model.gradients``.

    Attributes
    ----------
    loss_prime : callable or None
        ``(a, y) -> dC/da`` at the output; None uses the model's loss.
    activation_prime : callable
        ``(g_prime, z, a) -> g'`` for a hidden layer, given its z^l and a^l.
    hidden_delta : callable
        ``(W_next, delta_next, g_prime_z) -> delta^l``.
    weight_gradient : callable
        ``(delta, a_prev) -> dJ/dW^l`` without the L2 term.
    bias_gradient : callable
        ``(delta, a_prev) -> dJ/db^l``.
    weight_penalty : callable
        ``(W, lambd, m) ->`` the L2 term of dJ/dW^l, added when the model's l2 > 0.
    bias_penalty : callable or None
        ``(b, lambd, m) ->`` an L2 term for dJ/db^l; None (right: biases are not regularised).
    """

    loss_prime: object = None
    activation_prime: object = activation_prime_at_z
    hidden_delta: object = hidden_delta
    weight_gradient: object = weight_gradient
    bias_gradient: object = bias_gradient_of_delta
    weight_penalty: object = l2_gradient
    bias_penalty: object = None


def backward_pass(model, X, Y, steps=BackwardSteps()):
    r"""Backpropagation through ``model`` with the given steps (the right ones by default).

    The output delta is the general :math:`\delta^L = \partial C/\partial a^L \odot g'(z^L)`
    (for a sigmoid with cross-entropy, equal to ``a - y`` up to round-off); then the delta
    recursion down to layer 1, with each layer's gradients on the way.

    Parameters
    ----------
    model : MLP
    X : ndarray of shape (n_0, m)
    Y : ndarray of shape (n_L, m)
    steps : BackwardSteps

    Returns
    -------
    dWs, dbs : lists of ndarray
        As :meth:`MLP.gradients`: ``dWs[l - 1]`` is (n_l, n_{l-1}) and ``dbs[l - 1]`` (n_l, 1)
        when the steps are right.
    """
    Zs, As = model.forward(X)
    L, m = len(model.weights), X.shape[1]
    loss_prime = steps.loss_prime or model.loss_prime
    delta = output_delta(loss_prime(As[L], Y), model.g_out_prime(Zs[L - 1]))
    dWs, dbs = [None] * L, [None] * L
    for l in range(L, 0, -1):
        W, b = model.weights[l - 1], model.biases[l - 1]
        dW = steps.weight_gradient(delta, As[l - 1])
        db = steps.bias_gradient(delta, As[l - 1])
        if model.l2 > 0:
            dW = dW + steps.weight_penalty(W, model.l2, m)
            if steps.bias_penalty is not None:
                db = db + steps.bias_penalty(b, model.l2, m)
        dWs[l - 1], dbs[l - 1] = dW, db
        if l > 1:
            g_prime = steps.activation_prime(model.g_prime, Zs[l - 2], As[l - 1])
            delta = steps.hidden_delta(W, delta, g_prime)
    return dWs, dbs


def replaced_steps(steps):
    """The steps that differ from the right ones, as {field name: function}.

    Parameters
    ----------
    steps : BackwardSteps

    Returns
    -------
    dict of str to callable
        Empty for the right backward pass; one entry for each planted mistake.
    """
    right = BackwardSteps()
    return {
        field.name: getattr(steps, field.name)
        for field in fields(steps)
        if getattr(steps, field.name) is not getattr(right, field.name)
    }


# ----- the planted mistakes, one function each ------------------------------------------------


def squared_error_prime_against_one(a, y):
    r"""Note 001's slip: :math:`\partial C_0/\partial a = 2(a - 1)`; right is :math:`2(a - y)`."""
    return squared_error_prime(a, np.ones_like(y))


def bias_gradient_like_weight_gradient(delta, a_prev):
    r"""Note 001's closing list: :math:`\partial C_0/\partial b` with the weight's factor
    :math:`a^{(L-1)}`, i.e. the weight gradient again (same shape only for single neurons)."""
    return weight_gradient(delta, a_prev)


def cross_entropy_prime_wrong_sign(a, y):
    r"""Note 003's slip: :math:`y/a + (1 - y)/(1 - a)`; right is :math:`-y/a + (1 - y)/(1 - a)`."""
    return y / a + (1.0 - y) / (1.0 - a)


def l2_gradient_without_m(W, lambd, m):
    r"""Note 003's slip: :math:`\lambda W`; right is :math:`(\lambda / m) W`."""
    return l2_gradient(W, lambd, 1)


def activation_prime_at_a(g_prime, z, a):
    r"""The a-for-z slip: :math:`g'(a^l)` instead of :math:`g'(z^l)` (``z`` is not used)."""
    return g_prime(a)


def activation_prime_as_integers(g_prime, z, a):
    r"""Note 004's ReLU derivative: :math:`g'(z^l)` cast to integers (harmless for ReLU only)."""
    return g_prime(z).astype(int)


def weight_gradient_from_to(delta, a_prev):
    r"""Note 002's index order (w_ij from unit i to unit j) in our layout:
    :math:`\frac1m a^{l-1} (\delta^l)^T`, the transpose of the right
    :math:`\frac1m \delta^l (a^{l-1})^T`."""
    return weight_gradient(delta, a_prev).T


def hidden_delta_untransposed(W_next, delta_next, g_prime_z):
    r"""Note 002's row form read in columns without the transpose:
    :math:`g'(z^l) \odot W^{l+1} \delta^{l+1}`; right is :math:`(W^{l+1})^T \delta^{l+1}`."""
    return hidden_delta(W_next.T, delta_next, g_prime_z)


@dataclass(frozen=True)
class PlantedBug:
    """A backward pass with one mistake, and the network it is checked on.

    Attributes
    ----------
    name : str
        Short name of the mistake.
    note : str
        The course note it comes from ("001" ... "004"); notebook 05 gives the wrong and the
        right formula of each.
    network : str
        A key of :data:`CHECK_NETWORKS`.
    steps : BackwardSteps
        The right steps with exactly one replaced.
    """

    name: str
    note: str
    network: str
    steps: BackwardSteps


RIGHT_STEPS = BackwardSteps()
"""The right backward pass: ``backward_pass(model, X, Y, RIGHT_STEPS)`` = ``model.gradients``."""

PLANTED_BUGS = (
    PlantedBug(
        "2(a - 1) for dC/da",
        "001",
        "chain",
        replace(RIGHT_STEPS, loss_prime=squared_error_prime_against_one),
    ),
    PlantedBug(
        "bias gradient copied from w",
        "001",
        "chain",
        replace(RIGHT_STEPS, bias_gradient=bias_gradient_like_weight_gradient),
    ),
    PlantedBug(
        "wrong sign in dC/da",
        "003",
        "square",
        replace(RIGHT_STEPS, loss_prime=cross_entropy_prime_wrong_sign),
    ),
    PlantedBug(
        "lambda W without /m",
        "003",
        "square",
        replace(RIGHT_STEPS, weight_penalty=l2_gradient_without_m),
    ),
    PlantedBug(
        "biases regularised",
        "003",
        "square",
        replace(RIGHT_STEPS, bias_penalty=l2_gradient),
    ),
    PlantedBug(
        "g'(a) instead of g'(z)",
        "004",
        "square",
        replace(RIGHT_STEPS, activation_prime=activation_prime_at_a),
    ),
    PlantedBug(
        "dW transposed (w_ij order)",
        "002",
        "square",
        replace(RIGHT_STEPS, weight_gradient=weight_gradient_from_to),
    ),
    PlantedBug(
        "W not transposed in delta",
        "002",
        "square",
        replace(RIGHT_STEPS, hidden_delta=hidden_delta_untransposed),
    ),
)
"""Every planted mistake, in the order of the notes' errors list."""

CHECK_EXAMPLES = 6
"""Examples in a check network's data: more than one, so that 1/m matters, and few, so
that the m-fold loops of the numerical gradient stay fast."""

CHECK_L2 = 0.5
"""lambda of the "square" and "relu" check networks: large enough that an L2 term of the
wrong size changes the gradients by far more than 1e-2 relative."""

CHECK_BIAS_SCALE = 0.5
"""Standard deviation of the check networks' biases (MLP starts them at zero, which would
hide a mistake in the biases' L2 term)."""

CHECK_NETWORKS = {
    # Note 001's chain of single sigmoid neurons, squared error.
    "chain": {
        "layer_sizes": [1, 1, 1, 1],
        "hidden_activation": "sigmoid",
        "output_activation": "sigmoid",
        "loss": "squared_error",
    },
    # Square weight matrices, so that a transposed matrix still has the right shape.
    "square": {
        "layer_sizes": [3, 3, 3, 3],
        "hidden_activation": "sigmoid",
        "output_activation": "sigmoid",
        "loss": "cross_entropy",
        "l2": CHECK_L2,
    },
    # Note 004's ReLU hidden layers, same shapes.
    "relu": {
        "layer_sizes": [3, 3, 3, 3],
        "hidden_activation": "relu",
        "output_activation": "sigmoid",
        "loss": "cross_entropy",
        "l2": CHECK_L2,
    },
}
"""The small networks the planted mistakes are checked on: name -> MLP arguments."""


def check_network(name, seed=0):
    """A small network with random biases, and seeded data to check its gradients on.

    Parameters
    ----------
    name : str
        A key of :data:`CHECK_NETWORKS`.
    seed : int
        Seeds the weights, the biases and the data.

    Returns
    -------
    model : MLP
    X : ndarray of shape (n_0, CHECK_EXAMPLES)
        Inputs drawn from N(0, 1).
    Y : ndarray of shape (n_L, CHECK_EXAMPLES)
        Targets: 0/1 labels for cross-entropy, uniform in (0, 1) otherwise (never exactly 1).
    """
    if name not in CHECK_NETWORKS:
        raise ValueError(
            f"unknown check network {name!r}; expected one of {', '.join(CHECK_NETWORKS)}"
        )
    settings = CHECK_NETWORKS[name]
    model = MLP(seed=seed, **settings)
    rng = np.random.default_rng(seed)
    model.biases = [CHECK_BIAS_SCALE * rng.standard_normal(b.shape) for b in model.biases]
    n_0, n_L = model.layer_sizes[0], model.layer_sizes[-1]
    X = rng.standard_normal((n_0, CHECK_EXAMPLES))
    if settings["loss"] == "cross_entropy":
        Y = rng.integers(0, 2, size=(n_L, CHECK_EXAMPLES)).astype(float)
    else:
        Y = rng.uniform(0.0, 1.0, size=(n_L, CHECK_EXAMPLES))
    return model, X, Y


def check_steps(steps, network, seed=0):
    """Gradient-check a backward pass on a check network, layer by layer.

    Parameters
    ----------
    steps : BackwardSteps
    network : str
        A key of :data:`CHECK_NETWORKS`.
    seed : int

    Returns
    -------
    list of float
        Entry l - 1 is the worst relative error over W^l and b^l
        (see :func:`backprop_lib.check_network_gradients`).
    """
    model, X, Y = check_network(network, seed)
    return check_network_gradients(
        model, X, Y, gradients=lambda X, Y: backward_pass(model, X, Y, steps)
    )


def verdict(error):
    """ "right" below 1e-7, "wrong" above 1e-2, "look closer" in between."""
    if error < RIGHT_GRADIENT_BELOW:
        return "right"
    return "wrong" if error > WRONG_GRADIENT_ABOVE else "look closer"


LOG_ERROR_RANGE = (-12, 0)
"""Colour range of :func:`plot_check_results` in log10 of the relative error: from below a
right gradient's round-off (about 1e-10) to the largest possible error, 1."""


def plot_check_results(ax, labels, errors):
    """A map of relative errors, one row per backward pass and one column per layer.

    Each cell is coloured by log10 of its error and says "ok" (below 1e-7), "WRONG"
    (above 1e-2) or "?" (in between).

    Parameters
    ----------
    ax : matplotlib Axes
    labels : sequence of str
        One per row.
    errors : array-like of shape (rows, layers)
    """
    errors = np.asarray(errors, dtype=float)
    low, high = LOG_ERROR_RANGE
    shown = np.log10(np.maximum(errors, 10.0**low))  # an exact 0 gets the lowest colour
    image = ax.imshow(shown, cmap="RdYlGn_r", vmin=low, vmax=high, aspect="auto")
    marks = {"right": "ok", "wrong": "WRONG", "look closer": "?"}
    for (row, column), error in np.ndenumerate(errors):
        ax.text(column, row, marks[verdict(error)], ha="center", va="center", fontsize=8)
    ax.set_xticks(range(errors.shape[1]), [f"layer {l}" for l in range(1, errors.shape[1] + 1)])
    ax.set_yticks(range(len(labels)), labels)
    ax.set_title("Gradient check per layer (colour: log10 of the relative error)")
    ax.figure.colorbar(image, ax=ax, label="log10 relative error")


# ----- vanishing gradients ----------------------------------------------------------------------

HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu")
"""The hidden activations the explorer offers."""

MAX_DEPTH = 10
"""Deepest network of the explorer (hidden layers): deep enough to see sigmoid's gradients
vanish by about six orders of magnitude."""

MAX_WIDTH = 32
"""Widest hidden layer of the explorer."""


def gradient_norms(X, Y, depth, activation, width, init="scaled_normal", seed=0):
    r"""Each layer's gradient size :math:`\lVert \partial J/\partial W^l \rVert_F` at the start.

    The network is ``MLP([n_0, width, ..., width, n_L])`` with ``depth`` hidden layers of
    the given activation, a sigmoid output and cross-entropy, freshly initialised.

    Parameters
    ----------
    X : ndarray of shape (n_0, m)
    Y : ndarray of shape (n_L, m)
        0/1 labels.
    depth : int >= 1
        Number of hidden layers; the network has L = depth + 1 weight matrices.
    activation : str
        Hidden activation, a name in :data:`backprop_lib.ACTIVATIONS`.
    width : int >= 1
        Units per hidden layer.
    init : str
        A name in :data:`backprop_lib.INITIALISATIONS`.
    seed : int

    Returns
    -------
    ndarray of shape (depth + 1,)
        Entry l - 1 is the Frobenius norm of dJ/dW^l.
    """
    if not (isinstance(depth, int | np.integer) and not isinstance(depth, bool) and depth >= 1):
        raise ValueError(f"depth must be a whole number >= 1 (hidden layers); got {depth!r}")
    sizes = [X.shape[0], *([width] * depth), Y.shape[0]]
    model = MLP(sizes, hidden_activation=activation, init=init, seed=seed)
    dWs, _ = model.gradients(X, Y)
    return np.array([np.linalg.norm(dW) for dW in dWs])


def zero_gradient_note(norms):
    """A note naming the layers whose weight gradient is exactly zero, or None if none is.

    A zero gradient cannot be drawn on a log scale; with ReLU it means that every unit of
    some layer is off (z <= 0) on every example, so no error flows back through it.
    """
    zero = [str(l) for l, norm in enumerate(norms, start=1) if norm == 0]
    if not zero:
        return None
    return (
        f"Layer(s) {', '.join(zero)} get exactly zero gradient (not drawn on the log scale): "
        "every unit of some layer is off on every example, so nothing flows back. "
        "Try a wider layer, another activation or another init."
    )


ACTIVATION_COLOURS = {"sigmoid": "C0", "tanh": "C2", "relu": "C3", "leaky_relu": "C4"}
"""One colour per hidden activation, the same in every figure of notebook 05."""


MIN_DECADES_SHOWN = 4
"""The gradient-norm plots span at least this many powers of ten, so that a factor of two
between layers does not look like a cliff next to sigmoid's factor of a million."""


class GradientNormView:
    """Weight-gradient size per layer on a log scale, one line per network.

    Parameters
    ----------
    ax : matplotlib Axes
    """

    def __init__(self, ax):
        self.ax = ax
        self.lines = []
        ax.set_yscale("log")
        ax.set_xlabel("layer l (1 = next to the input)")
        ax.set_ylabel(r"$\Vert \partial J / \partial W^l \Vert$")
        ax.grid(alpha=0.3)

    def update(self, norms_by_activation, title):
        """Draw ``norms_by_activation[name]`` (entry l - 1 for layer l), replacing the lines
        drawn before. Zeros are left out, since a log scale cannot show them."""
        for line in self.lines:
            line.remove()
        self.lines = []
        for name, norms in norms_by_activation.items():
            norms = np.asarray(norms, dtype=float)
            layers = np.arange(1, len(norms) + 1)
            shown = np.where(norms > 0, norms, np.nan)
            colour = ACTIVATION_COLOURS.get(name)
            self.lines += self.ax.plot(layers, shown, "o-", color=colour, label=name)
        longest = max(len(norms) for norms in norms_by_activation.values())
        self.ax.set_xlim(0.5, longest + 0.5)
        self.ax.set_xticks(range(1, longest + 1))
        self.ax.set_title(title)
        self.ax.relim()
        self.ax.autoscale_view(scalex=False)
        low, high = self.ax.get_ylim()
        missing = MIN_DECADES_SHOWN - np.log10(high / low)
        if missing > 0:  # widen the range evenly on both sides
            self.ax.set_ylim(low / 10 ** (missing / 2), high * 10 ** (missing / 2))
        self.ax.legend(loc="lower right")


def shrink_title(norms):
    """The ratio of the first layer's gradient size to the last one's, in words."""
    if norms[0] == 0 or norms[-1] == 0:
        return "layers with zero gradient are not drawn"
    return f"layer 1 gets {norms[0] / norms[-1]:.0e} of layer {len(norms)}'s gradient"


def show_gradient_norms(view, X, Y, depth, activation, width, init="scaled_normal", seed=0):
    """Compute :func:`gradient_norms` and draw them on a :class:`GradientNormView`.

    The explorer's drawing, so that a static figure at its default settings is the same.

    Returns
    -------
    ndarray of shape (depth + 1,)
        The norms drawn.
    """
    norms = gradient_norms(X, Y, depth, activation, width, init, seed)
    title = f"{depth} hidden layers of {width} units, {init}\n{shrink_title(norms)}"
    view.update({activation: norms}, title)
    return norms


def vanishing_gradient_explorer(
    X, Y, depth=MAX_DEPTH, activation="sigmoid", width=8, init="scaled_normal", seed=0
):
    """Depth (1 to 10), width (1 to 32), activation and initialisation controls for
    :func:`gradient_norms`: the weight-gradient size per layer on a log scale.

    Parameters
    ----------
    X : ndarray of shape (n_0, m)
    Y : ndarray of shape (n_L, m)
        0/1 labels.
    depth, activation, width, init, seed
        The starting settings; see :func:`gradient_norms`.

    Returns
    -------
    Explorer
        With an extra attribute ``result`` holding ``norms`` (the last computed norms) and
        ``note`` (None, or the note shown about layers with zero gradient).
    """
    figure, ax = new_figure(width=7.5, height=3.6)
    view = GradientNormView(ax)
    result = SimpleNamespace(norms=None, note=None)
    controls = {
        "depth": slider("hidden layers", depth, 1, MAX_DEPTH, 1),
        "width": slider("units per layer", width, 1, MAX_WIDTH, 1),
        "activation": ipw.Dropdown(
            options=HIDDEN_ACTIVATIONS, value=activation, description="activation"
        ),
        "init": ipw.Dropdown(options=sorted(INITIALISATIONS), value=init, description="init"),
    }

    def update(depth, width, activation, init):
        norms = show_gradient_norms(view, X, Y, depth, activation, width, init, seed)
        result.norms, result.note = norms, zero_gradient_note(norms)
        return result.note

    explorer = Explorer(controls, update, figure)
    explorer.result = result
    return explorer
