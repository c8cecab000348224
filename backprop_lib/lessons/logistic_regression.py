"""Notebook 02, computed: logistic regression by gradient descent, and two losses compared."""

import numpy as np

from ..activations import sigmoid
from ..backprop import linear_forward
from ..network import MLP

LOSS_LABELS = {"squared_error": "squared error", "cross_entropy": "cross-entropy"}
"""The two losses :func:`compare_losses` trains with, and how the figures name them."""


def fit_logistic_regression(X, Y, learning_rate, epochs, seed=0):
    """Logistic regression by gradient descent: ``MLP([n_0, 1])`` with a sigmoid output.

    Parameters
    ----------
    X : ndarray of shape (n_0, m)
    Y : ndarray of shape (1, m)
        0/1 labels.
    learning_rate : float > 0
    epochs : int >= 1
        Gradient-descent steps, each on all m examples.
    seed : int
        Seeds the initial weights.

    Returns
    -------
    model : MLP
    costs : ndarray of shape (epochs,)
        The cross-entropy cost J before each step.
    """
    model = MLP([X.shape[0], 1], output_activation="sigmoid", loss="cross_entropy", seed=seed)
    return model, model.fit(X, Y, learning_rate, epochs)


def compare_losses(X, Y, start, learning_rate, epochs):
    """Train one sigmoid unit under each loss from the same start, recording every epoch.

    The unit is ``MLP([n_0, 1], output_activation="sigmoid", loss=...)``, started with every
    weight equal to ``start`` and a zero bias: a negative ``start`` makes it confidently
    wrong on data whose class 1 lies where x1 + x2 > 0 (as with ``make_blobs``).

    Parameters
    ----------
    X : ndarray of shape (n_0, m)
    Y : ndarray of shape (1, m)
    start : float
    learning_rate : float > 0
    epochs : int >= 1

    Returns
    -------
    dict
        For each name in :data:`LOSS_LABELS`, a dict of four ndarrays of shape (epochs,):
        ``costs`` (its own cost before each step), ``gradient_norm`` (the length of the
        gradient (dJ/dW, dJ/db) that each step used, recovered from the step as
        (old - new) / learning_rate), and after each step ``accuracy`` and
        ``predicted_class_1`` (the fraction of the m examples predicted as class 1).
    """
    n_0 = X.shape[0]
    results = {}
    for loss in LOSS_LABELS:
        model = MLP([n_0, 1], output_activation="sigmoid", loss=loss)
        model.weights = [np.full((1, n_0), float(start))]
        model.biases = [np.zeros((1, 1))]
        # Row t: (W, b) after t steps, flattened; row 0 is the start.
        params = [np.append(model.weights[0], model.biases[0])]

        def record(epoch, cost, model=model, params=params):
            params.append(np.append(model.weights[0], model.biases[0]))

        costs = model.fit(X, Y, learning_rate, epochs, callback=record)
        params = np.array(params)  # (epochs + 1, n_0 + 1)
        steps = (params[:-1] - params[1:]) / learning_rate  # the gradient of each step
        # Every trained unit at once: W is (epochs, 1, n_0), b (epochs, 1, 1), z (epochs, 1, m).
        z = linear_forward(params[1:, None, :n_0], X, params[1:, None, n_0:])
        predicted = sigmoid(z) >= 0.5  # class 1 where y_hat >= 0.5, as MLP.predict
        results[loss] = {
            "costs": costs,
            "gradient_norm": np.sqrt(np.sum(steps**2, axis=1)),
            "accuracy": np.mean(predicted == (Y >= 0.5), axis=(1, 2)),
            "predicted_class_1": np.mean(predicted, axis=(1, 2)),
        }
    return results
