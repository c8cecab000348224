r"""Notebook 01, computed: one sigmoid neuron with the squared error, its slope and its descent.

Everything here is built from the core's step functions, so the numbers the figures show
are the formulas the notebook derives.
"""

import numpy as np

from ..activations import sigmoid, sigmoid_prime
from ..backprop import linear_forward, output_delta, weight_gradient
from ..losses import squared_error, squared_error_prime
from ..network import MLP

NEURON_WEIGHTS = np.linspace(-6.0, 6.0, 241)
"""The weights w over which the loss C(w) is drawn."""

DESCENT_WEIGHTS = np.linspace(-4.0, 8.0, 121)
DESCENT_BIASES = np.linspace(-5.0, 4.0, 91)
"""The (w, b) grid over which the cost of the descent explorer is drawn."""


def neuron_cost_and_slope(w, b, a_prev, y):
    r"""Loss :math:`C = (\sigma(w a^{(L-1)} + b) - y)^2` of one neuron and its slope in w.

    The slope is :math:`\partial C / \partial w = a^{(L-1)}\, \sigma'(z)\, 2(a - y)`
    (notebook 01), computed with the package's step functions. Each weight in ``w`` is its
    own neuron (one row of a (k, 1) weight matrix), so a whole curve costs one call.

    Parameters
    ----------
    w : float or ndarray of shape (k,)
        One or more weights.
    b, a_prev, y : float
        The bias, the input a^(L-1) and the target.

    Returns
    -------
    cost : ndarray of shape (k,)
    slope : ndarray of shape (k,)
    """
    W = np.reshape(np.asarray(w, dtype=float), (-1, 1))  # (k, 1): k neurons, one input each
    a_prev = np.array([[a_prev]], dtype=float)  # (1, 1): one example
    z = linear_forward(W, a_prev, np.array([[b]], dtype=float))  # (k, 1)
    a = sigmoid(z)
    delta = output_delta(squared_error_prime(a, y), sigmoid_prime(z))  # dC/dz, (k, 1)
    return squared_error(a, y).ravel(), weight_gradient(delta, a_prev).ravel()


def neuron_cost_surface(a_prev, y, w_values, b_values):
    r"""The cost :math:`J = \frac1m \sum_i (\sigma(w a_i + b) - y_i)^2` at every (w, b) of a grid.

    Parameters
    ----------
    a_prev : ndarray of shape (1, m)
        Inputs a^(L-1) of the m examples.
    y : ndarray of shape (1, m)
        Targets.
    w_values : ndarray of shape (k_w,)
    b_values : ndarray of shape (k_b,)

    Returns
    -------
    ndarray of shape (k_b, k_w)
        Row i holds the costs for ``b_values[i]``.
    """
    ww, bb = np.meshgrid(w_values, b_values)
    # One neuron per grid point: W and b are (k, 1), z is (k, m) with one row per neuron.
    z = linear_forward(ww.reshape(-1, 1), a_prev, bb.reshape(-1, 1))
    cost = np.mean(squared_error(sigmoid(z), y), axis=1)  # each row's mean over the examples
    return cost.reshape(ww.shape)


def fit_single_neuron(a_prev, y, w, b, learning_rate, epochs):
    """Gradient descent on one sigmoid neuron with the squared error, from (w, b).

    The neuron is ``MLP([1, 1], output_activation="sigmoid", loss="squared_error")``.

    Parameters
    ----------
    a_prev : ndarray of shape (1, m)
    y : ndarray of shape (1, m)
    w, b : float
        Starting weight and bias.
    learning_rate : float > 0
    epochs : int >= 1

    Returns
    -------
    costs : ndarray of shape (epochs,)
        The cost before each step.
    ws, bs : ndarray of shape (epochs + 1,)
        The weight and the bias at the start and after each step.

    Raises
    ------
    TrainingDiverged
        If the cost stops being a finite number.
    """
    model = MLP([1, 1], output_activation="sigmoid", loss="squared_error")
    model.weights = [np.array([[w]], dtype=float)]
    model.biases = [np.array([[b]], dtype=float)]
    ws, bs = [float(w)], [float(b)]

    def record(epoch, cost):
        ws.append(model.weights[0].item())
        bs.append(model.biases[0].item())

    costs = model.fit(a_prev, y, learning_rate, epochs, callback=record)
    return costs, np.array(ws), np.array(bs)
