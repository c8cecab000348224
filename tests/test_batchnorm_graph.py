"""Batch normalisation's graph of notebook 10: the step-by-step forward and backward passes
against the core's compact functions, the Value engine and central differences."""

import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib.lessons import batchnorm_graph as graph

SHAPES = [(1, 2), (3, 5), (2, 40)]


def draw(shape, seed=0):
    """z (n, m), gamma and beta (n, 1), and the weights w of the cost J = sum(w * out)."""
    rng = np.random.default_rng(seed)
    n = shape[0]
    z = rng.normal(1.0, 2.0, size=shape)
    gamma, beta = rng.uniform(0.5, 2.0, (n, 1)), rng.normal(size=(n, 1))
    return z, gamma, beta, rng.normal(size=shape)


@pytest.mark.parametrize("shape", SHAPES)
def test_the_steps_give_the_compact_forward_and_backward_passes(shape):
    z, gamma, beta, w = draw(shape)
    nodes = graph.forward_steps(z, gamma, beta)
    np.testing.assert_allclose(nodes["out"], bp.batchnorm_forward(z, gamma, beta), rtol=1e-13)
    grads = graph.backward_steps(w, nodes)
    dz, dgamma, dbeta = bp.batchnorm_backward(w, z, gamma)
    for name, compact in (("z", dz), ("gamma", dgamma), ("beta", dbeta)):
        np.testing.assert_allclose(grads[name], compact, rtol=1e-9, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("shape", SHAPES)
def test_every_nodes_gradient_is_the_value_engines(shape):
    z, gamma, beta, w = draw(shape, seed=1)
    nodes = graph.value_graph(z, gamma, beta)
    steps = graph.forward_steps(z, gamma, beta)
    for name in graph.NODES:
        np.testing.assert_allclose(graph.as_array(nodes[name], "data"), steps[name], rtol=1e-12)
    by_hand = graph.backward_steps(w, steps)
    engine = graph.engine_gradients(z, gamma, beta, w)
    for name in graph.NODES:
        assert by_hand[name].shape == steps[name].shape, name
        np.testing.assert_allclose(by_hand[name], engine[name], rtol=1e-9, atol=1e-12, err_msg=name)


def test_the_steps_match_central_differences_in_z_gamma_and_beta():
    z, gamma, beta, w = draw((2, 6), seed=2)
    grads = graph.backward_steps(w, graph.forward_steps(z, gamma, beta))

    def cost_of(name):
        def cost(value):
            inputs = {"z": z, "gamma": gamma, "beta": beta, name: value}
            return float(np.sum(w * graph.forward_steps(**inputs)["out"]))

        return cost

    for name, value in (("z", z), ("gamma", gamma), ("beta", beta)):
        numerical = bp.numerical_gradient(cost_of(name), value.copy())
        assert bp.relative_error(grads[name], numerical) < 1e-7, name


def test_the_gradient_summed_over_the_batch_of_each_unit_is_zero():
    z, gamma, beta, w = draw((3, 7), seed=3)
    grads = graph.backward_steps(w, graph.forward_steps(z, gamma, beta))
    np.testing.assert_allclose(grads["z"].sum(axis=1), 0.0, atol=1e-12)
    np.testing.assert_allclose(grads["mu"], -grads["centred"].sum(axis=1, keepdims=True))
