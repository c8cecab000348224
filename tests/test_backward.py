"""The backward pass with swappable steps (backprop_lib/backward.py): with the right steps it
is MLP's own, for every output and loss; each classic mistake changes what it should."""

from dataclasses import replace

import numpy as np
import pytest

from backprop_lib.backward import RIGHT_STEPS, backward_pass
from backprop_lib.network import MLP
from backprop_lib.slips import activation_prime_at_a, hidden_delta_untransposed

NETWORKS = [
    ("sigmoid", "sigmoid", "cross_entropy"),  # MLP fuses this output delta
    ("tanh", "sigmoid", "half_squared_error"),
    ("relu", "identity", "squared_error"),
    ("leaky_relu", "tanh", "half_squared_error"),
]
"""A softmax output has no dC/da and g'(z) apart, only the fused delta: not for this pass."""


def network(hidden, output, loss, l2_lambda=0.3, seed=0, sizes=(3, 3, 4, 3)):
    model = MLP(list(sizes), hidden, output, loss, l2_lambda, seed=seed)
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((3, 5))
    if loss == "cross_entropy":
        Y = rng.integers(0, 2, size=(3, 5)).astype(float)
    else:
        Y = rng.standard_normal((3, 5))
    return model, X, Y


@pytest.mark.parametrize("hidden, output, loss", NETWORKS)
def test_the_right_steps_give_the_models_own_gradients(hidden, output, loss):
    model, X, Y = network(hidden, output, loss)
    mine, theirs = backward_pass(model, X, Y), model.gradients(X, Y)
    for got, expected in zip([*mine[0], *mine[1]], [*theirs[0], *theirs[1]], strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


def test_with_an_l1_term_too_the_right_steps_give_the_models_own_gradients():
    model, X, Y = network("tanh", "sigmoid", "cross_entropy")
    model.l1_lambda = 0.2
    mine, theirs = backward_pass(model, X, Y), model.gradients(X, Y)
    for got, expected in zip([*mine[0], *mine[1]], [*theirs[0], *theirs[1]], strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)
    model.l1_lambda = 0.0
    without = backward_pass(model, X, Y)[0]
    assert not np.allclose(without[0], mine[0][0])  # the term counted


def test_a_classic_mistake_changes_exactly_what_it_should():
    model, X, Y = network("tanh", "sigmoid", "half_squared_error", sizes=(3, 3, 3, 3))
    right = backward_pass(model, X, Y)
    at_a = backward_pass(model, X, Y, replace(RIGHT_STEPS, activation_prime=activation_prime_at_a))
    untransposed = backward_pass(
        model, X, Y, replace(RIGHT_STEPS, hidden_delta=hidden_delta_untransposed)
    )
    for wrong in (at_a, untransposed):
        np.testing.assert_allclose(wrong[0][-1], right[0][-1])  # the output layer's dW is right
        assert not np.allclose(wrong[0][0], right[0][0])  # the first layer's is not
