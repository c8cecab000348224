r"""Notebook 05, computed: finite-difference errors against epsilon, and vanishing gradients
in deep networks (the size of the signal and of the gradient per layer, for each
initialisation). The backward passes with planted mistakes are in
:mod:`backprop_lib.lessons.planted_mistakes`.
"""

import numpy as np

from ..gradcheck import numerical_gradient, relative_error
from ..initialisation import BY_ACTIVATION
from ..network import MLP
from ..validation import check_whole

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


# ----- vanishing gradients ----------------------------------------------------------------------

HIDDEN_LAYERS_MAX = 10
"""Deepest network of the explorer: deep enough to see sigmoid's gradients vanish by
several orders of magnitude (notebook 05 prints by how much)."""

UNITS_MAX = 32
"""Widest hidden layer of the explorer."""


def deep_network(n_0, n_L, hidden_layers, activation, units, init=BY_ACTIVATION, seed=0):
    """A fresh ``MLP([n_0, units, ..., units, n_L])`` with a sigmoid output and cross-entropy.

    Parameters
    ----------
    n_0, n_L : int
        Input and output sizes.
    hidden_layers : int >= 1
        The network has L = hidden_layers + 1 weight matrices.
    activation : str
        Hidden activation, a name in :data:`backprop_lib.ACTIVATIONS`.
    units : int >= 1
        Units per hidden layer.
    init : str
        "by_activation" or a name in :data:`backprop_lib.INITIALISATIONS`.
    seed : int

    Returns
    -------
    MLP
    """
    check_whole("hidden_layers", hidden_layers, 1)
    check_whole("units", units, 1, meaning="units per hidden layer")
    sizes = [n_0, *([units] * hidden_layers), n_L]
    return MLP(sizes, hidden_activation=activation, init=init, seed=seed)


def gradient_norms(X, Y, hidden_layers, activation, units, init=BY_ACTIVATION, seed=0):
    r"""Each layer's gradient size :math:`\lVert \partial J/\partial W^l \rVert_F` at the start.

    Parameters
    ----------
    X : ndarray of shape (n_0, m)
    Y : ndarray of shape (n_L, m)
        0/1 labels.
    hidden_layers, activation, units, init, seed
        The network, as in :func:`deep_network`.

    Returns
    -------
    ndarray of shape (hidden_layers + 1,)
        Entry l - 1 is the Frobenius norm of dJ/dW^l.
    """
    model = deep_network(X.shape[0], Y.shape[0], hidden_layers, activation, units, init, seed)
    return model.gradient_norms(X, Y)


def signal_sizes(X, Y, hidden_layers, activation, units, init=BY_ACTIVATION, seed=0):
    r"""How large the forward signal and the gradient are, layer by layer, at the start.

    The signal's size is the root mean square of each hidden layer's activations,
    :math:`\sqrt{\frac{1}{n_l m} \sum_{j, i} (a^{l,(i)}_j)^2}`; the gradient's is
    :math:`\lVert \partial J/\partial W^l \rVert_F`, from the same network.

    Parameters
    ----------
    X : ndarray of shape (n_0, m)
    Y : ndarray of shape (n_L, m)
        0/1 labels.
    hidden_layers, activation, units, init, seed
        The network, as in :func:`deep_network`.

    Returns
    -------
    rms : ndarray of shape (hidden_layers,)
        Entry l - 1 is the root mean square of a^l.
    norms : ndarray of shape (hidden_layers + 1,)
        Entry l - 1 is the Frobenius norm of dJ/dW^l.
    """
    model = deep_network(X.shape[0], Y.shape[0], hidden_layers, activation, units, init, seed)
    _, As = model.forward(X)
    rms = np.array([np.sqrt(np.mean(a**2)) for a in As[1:-1]])
    return rms, model.gradient_norms(X, Y)


def relu_rms_factor(weight_variance, n_in):
    r"""Predicted factor of the activations' root mean square per ReLU layer,
    :math:`\sqrt{n_{l-1} s^2 / 2}` for weights drawn from :math:`N(0, s^2)`.

    :math:`\mathrm{Var}(z^l_j) = n_{l-1} s^2\, E[(a^{l-1}_k)^2]`, and ReLU keeps the positive
    half of a z symmetric about 0, so :math:`E[(a^l_j)^2] = \frac12 \mathrm{Var}(z^l_j)`.
    He's :math:`s^2 = 2/n_{l-1}` makes the factor 1.

    Parameters
    ----------
    weight_variance : float
        :math:`s^2`.
    n_in : int
        :math:`n_{l-1}`, the units feeding each unit.

    Returns
    -------
    float
    """
    return float(np.sqrt(n_in * weight_variance / 2))


def per_layer_factor(sizes):
    """The geometric mean of ``sizes[k] / sizes[k - 1]``: the average factor per layer.

    Parameters
    ----------
    sizes : ndarray of shape (k,), k >= 2, all > 0

    Returns
    -------
    float
        ``(sizes[-1] / sizes[0]) ** (1 / (k - 1))``.
    """
    sizes = np.asarray(sizes, dtype=float)
    if sizes.ndim != 1 or sizes.size < 2 or not np.all(sizes > 0):
        raise ValueError(f"sizes must be a 1-D array of at least two numbers > 0; got {sizes!r}")
    return float((sizes[-1] / sizes[0]) ** (1 / (sizes.size - 1)))


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


def shrink_title(norms):
    """The ratio of the first layer's gradient size to the last one's, in words."""
    if norms[0] == 0 or norms[-1] == 0:
        return "layers with zero gradient are not drawn"
    return f"layer 1 gets {norms[0] / norms[-1]:.0e} of layer {len(norms)}'s gradient"
