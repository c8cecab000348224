"""Tests of notebook 07's networks (backprop_lib.lessons.autodiff_graph): a network's cost built
from scalar Values, and the graph with matrices as nodes, both against bp.MLP's gradients to
1e-12 relative, with central differences as an independent reference (forward mode's own
comparison with bp.MLP is in test_forward_mode.py)."""

import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib.autodiff import graph, topological_order
from backprop_lib.lessons import autodiff_graph as ag
from backprop_lib.lessons.forward_mode import forward_mode_gradients
from backprop_lib.lessons.gradient_cost import central_difference_gradients

RELATIVE = 1e-12
"""Largest accepted relative difference from MLP.gradients: round-off of a float64 sum."""

# Notebook 03's worked example: one example through a [2, 3, 2] sigmoid network.
X_03 = np.array([[1.0], [0.5]])
Y_03 = np.array([[1.0], [0.0]])
W1_03 = np.array([[0.2, -0.4], [0.6, 0.1], [-0.3, 0.8]])
B1_03 = np.array([[0.1], [-0.2], [0.2]])
W2_03 = np.array([[0.5, -0.3, 0.7], [-0.6, 0.4, 0.2]])
B2_03 = np.array([[0.1], [-0.1]])

# (hidden, output, loss, l2_lambda): every activation and loss the graphs know, with and
# without the L2 term; sigmoid + cross-entropy uses the library's fused delta.
SETTINGS = [
    ("sigmoid", "sigmoid", "half_squared_error", 0.0),
    ("tanh", "sigmoid", "cross_entropy", 0.3),
    ("relu", "identity", "squared_error", 0.1),
    ("leaky_relu", "tanh", "half_squared_error", 0.0),
    ("identity", "sigmoid", "squared_error", 1.0),
]


def network_03():
    model = bp.MLP(
        [2, 3, 2],
        hidden_activation="sigmoid",
        output_activation="sigmoid",
        loss="half_squared_error",
    )
    model.weights = [W1_03.copy(), W2_03.copy()]
    model.biases = [B1_03.copy(), B2_03.copy()]
    return model


def random_case(seed, hidden, output, loss, l2_lambda, sizes=(3, 5, 4, 2), m=6):
    """A seeded network and data; biases made non-zero so that their gradients are tested too.
    Inputs stay away from ReLU's kink (checked by the test that uses central differences)."""
    rng = np.random.default_rng(seed)
    model = bp.MLP(
        list(sizes),
        hidden_activation=hidden,
        output_activation=output,
        loss=loss,
        l2_lambda=l2_lambda,
        seed=seed,
    )
    model.biases = [rng.normal(0.0, 0.5, size=b.shape) for b in model.biases]
    X = rng.standard_normal((sizes[0], m))
    if loss == "cross_entropy":
        Y = rng.integers(0, 2, size=(sizes[-1], m)).astype(float)
    else:
        Y = rng.uniform(-1.0, 1.0, size=(sizes[-1], m))
    return model, X, Y


def assert_same_gradients(got, reference, relative=RELATIVE):
    """Every array within ``relative`` of the reference, entry by entry (the course's relative
    error) and relative to the array's largest entry."""
    for a, b in zip(got[0] + got[1], reference[0] + reference[1], strict=True):
        assert a.shape == b.shape
        assert bp.relative_error(a, b) < relative
        assert np.max(np.abs(a - b)) <= relative * max(np.max(np.abs(b)), 1e-300)


# ----- notebook 03's network, by hand ----------------------------------------------------------


def test_scalar_graph_of_the_2_3_2_network_gives_notebook_03s_numbers():
    model = network_03()
    built = ag.scalar_cost(model, X_03, Y_03)
    built.cost.backward()
    assert built.cost.data == pytest.approx(0.182419, abs=5e-7)  # notebook 03's loss C
    dW1 = np.array([[w.grad for w in row] for row in built.weights[0]])
    expected_dW1 = [[-0.028452, -0.014226], [0.017430, 0.008715], [-0.008178, -0.004089]]
    np.testing.assert_allclose(dW1, expected_dW1, atol=5e-7)  # notebook 03's table
    assert [b.grad for b in built.biases[1]] == pytest.approx([-0.082483, 0.121416], abs=5e-7)


@pytest.mark.parametrize("gradients", [ag.scalar_gradients, ag.matrix_gradients])
def test_the_2_3_2_network_equals_mlp_gradients(gradients):
    model = network_03()
    assert_same_gradients(gradients(model, X_03, Y_03), model.gradients(X_03, Y_03))


# ----- random L-layer networks -----------------------------------------------------------------


@pytest.mark.parametrize("sizes", [(3, 5, 4, 2), (2, 4, 1), (4, 3, 3, 3, 2)])
@pytest.mark.parametrize(("hidden", "output", "loss", "l2_lambda"), SETTINGS)
def test_scalar_and_matrix_graphs_equal_mlp_gradients(hidden, output, loss, l2_lambda, sizes):
    model, X, Y = random_case(len(sizes), hidden, output, loss, l2_lambda, sizes)
    reference = model.gradients(X, Y)
    assert_same_gradients(ag.scalar_gradients(model, X, Y), reference)
    matrix = ag.matrix_gradients(model, X, Y)
    for a, b in zip(matrix[0] + matrix[1], reference[0] + reference[1], strict=True):
        np.testing.assert_array_equal(a, b)  # the same step functions, in the same order


@pytest.mark.parametrize(("hidden", "output", "loss", "l2_lambda"), SETTINGS)
def test_scalar_cost_is_mlp_cost(hidden, output, loss, l2_lambda):
    model, X, Y = random_case(7, hidden, output, loss, l2_lambda)
    assert ag.scalar_cost(model, X, Y).cost.data == pytest.approx(model.cost(X, Y), rel=1e-13)
    assert ag.matrix_graph(model, X, Y).cost.data == model.cost(X, Y)


@pytest.mark.parametrize(("hidden", "output", "loss", "l2_lambda"), SETTINGS)
def test_the_graphs_match_central_differences(hidden, output, loss, l2_lambda):
    """An independent reference: none of the backward code, only the forward cost."""
    model, X, Y = random_case(11, hidden, output, loss, l2_lambda)
    if hidden in ("relu", "leaky_relu"):  # central differences need z away from the kink
        assert min(np.min(np.abs(z)) for z in model.forward(X)[0][:-1]) > 1e-3
    dWs, dbs, passes, _ = central_difference_gradients(model, X, Y)
    scalar = ag.scalar_gradients(model, X, Y)
    for a, b in zip(scalar[0] + scalar[1], dWs + dbs, strict=True):
        assert np.max(np.abs(a - b)) < 1e-8 * max(1.0, np.max(np.abs(b)))
    assert passes == 2 * sum(p.size for p in model.weights + model.biases)


def test_the_scalar_graph_has_one_node_per_weight_shared_by_every_example():
    model, X, Y = random_case(3, "tanh", "sigmoid", "cross_entropy", 0.0, sizes=(2, 3, 1), m=4)
    built = ag.scalar_cost(model, X, Y)
    nodes = graph(built.cost)[0]
    weights = [w for W in built.weights for row in W for w in row]
    assert all(any(node is w for node in nodes) for w in weights)
    uses = sum(1 for node in nodes for parent in node.parents if parent is weights[0])
    assert uses == 4  # W^1_11 multiplies x_1 of each of the 4 examples


def test_scalar_z_grads_times_m_are_the_matrix_graphs_deltas():
    model, X, Y = random_case(2, "tanh", "sigmoid", "cross_entropy", 0.5, m=5)
    scalar, matrix = ag.scalar_cost(model, X, Y), ag.matrix_graph(model, X, Y)
    scalar.cost.backward()
    matrix.cost.backward()
    for z_values, z_node in zip(scalar.z, matrix.z, strict=True):
        from_values = X.shape[1] * np.array([[v.grad for v in row] for row in z_values])
        assert z_node.grad.shape == z_node.data.shape
        np.testing.assert_allclose(from_values, z_node.grad, rtol=1e-12, atol=1e-15)


# ----- the matrix graph's nodes ------------------------------------------------------------


def test_matrix_graph_nodes_name_the_library_steps():
    model, X, Y = random_case(1, "relu", "sigmoid", "cross_entropy", 0.2)
    built = ag.matrix_graph(model, X, Y)
    assert [z.label for z in built.z] == ["z1", "z2", "z3"]
    assert built.z[0].forward == "linear_forward(W1, X, b1)"
    assert built.z[1].forward == "linear_forward(W2, g(z1), b2)"
    assert built.z[0].backward_steps == "weight_gradient, bias_gradient"
    assert built.z[2].backward_steps == "weight_gradient, bias_gradient, hidden_delta"
    assert built.cost.forward == "mean_cost + l2_penalty"
    assert built.cost.backward_steps == "sigmoid_cross_entropy_delta, l2_gradient"
    assert built.z[1].parents == (built.weights[1], built.biases[1], built.z[0])
    assert [node.label for node in built.cost.parents] == ["z3", "Y", "W1", "W2", "W3"]
    order = topological_order(built.cost)
    assert len(order) == 3 * 3 + 2 + 1  # W, b, z per layer; X and Y; J


def test_unregularised_cost_node_uses_no_weights_and_names_output_delta():
    model, X, Y = random_case(1, "tanh", "identity", "half_squared_error", 0.0)
    built = ag.matrix_graph(model, X, Y)
    assert [node.label for node in built.cost.parents] == ["z3", "Y"]
    assert built.cost.backward_steps == "output_delta"
    assert built.cost.forward == "mean_cost"


def test_matrix_graph_leaves_the_model_alone():
    model, X, Y = random_case(4, "tanh", "sigmoid", "cross_entropy", 0.1)
    before = [W.copy() for W in model.weights]
    built = ag.matrix_graph(model, X, Y)
    built.cost.backward()
    assert built.weights[0].data is model.weights[0]  # the graph reads the model's arrays
    for W, W_before in zip(model.weights, before, strict=True):
        np.testing.assert_array_equal(W, W_before)
    assert built.cost.grad == 1.0
    assert built.z[0].parents[2].grad is None  # X needs no gradient


def test_second_backward_on_the_matrix_graph_gives_the_same_gradients():
    model, X, Y = random_case(6, "tanh", "sigmoid", "cross_entropy", 0.4)
    built = ag.matrix_graph(model, X, Y)
    built.cost.backward()
    first = [W.grad.copy() for W in built.weights]
    built.cost.backward()
    for W, grad in zip(built.weights, first, strict=True):
        np.testing.assert_array_equal(W.grad, grad)  # reset, not doubled


def test_backward_from_a_matrix_node_is_a_clear_error():
    model, X, Y = random_case(6, "tanh", "sigmoid", "cross_entropy", 0.0)
    built = ag.matrix_graph(model, X, Y)
    with pytest.raises(ValueError, match=r"starts from the scalar cost J; z2 holds an array of "):
        built.z[1].backward()


# ----- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "build", [ag.scalar_cost, ag.matrix_graph, ag.scalar_gradients, forward_mode_gradients]
)
def test_data_of_the_wrong_shape_gets_mlps_message(build):
    model = network_03()
    with pytest.raises(ValueError, match=r"X must have shape \(2, m\).*pass X.T"):
        build(model, X_03.T, Y_03)
    with pytest.raises(ValueError, match=r"Y must have shape \(2, 1\)"):
        build(model, X_03, Y_03.T)


@pytest.mark.parametrize("build", [ag.scalar_cost, ag.matrix_graph])
def test_an_unknown_output_is_a_clear_error(build):
    model = network_03()
    model.output_activation = "softmax"  # as a network of another notebook could have
    with pytest.raises(ValueError, match=r"notebook 07's graphs know the activations.*softmax"):
        build(model, X_03, Y_03)


@pytest.mark.parametrize("build", [ag.scalar_cost, ag.matrix_graph, forward_mode_gradients])
def test_an_l1_term_which_the_graphs_leave_out_is_a_clear_error(build):
    model = network_03()
    model.l1_lambda = 0.1
    with pytest.raises(ValueError, match=r"not an L1 term; got l1_lambda=0.1: set it to 0"):
        build(model, X_03, Y_03)
