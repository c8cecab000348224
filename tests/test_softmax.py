"""Tests of the softmax output (notebook 08): softmax, its Jacobian, the categorical
cross-entropy, their fused delta and one_hot against their formulas and central differences;
the stability cases (logits of 1000 and +-1e4); MLP with a softmax output, its gradients on
random shapes, its predictions, and every error message."""

import contextlib
import math
import re
import warnings

import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib.gradcheck import check_network_gradients, numerical_gradient, relative_error
from backprop_lib.losses import FUSED_DELTAS, PROBABILITY_FLOOR, check_targets

RIGHT = 1e-7
"""Relative error below which an analytic derivative agrees with central differences."""

MIN_ABS_ENTRY = 5e-4
"""Central differences with epsilon 1e-5 of a sum of order 10 carry an absolute round-off of
about 1e-10, so they confirm a relative error below 1e-7 only for entries of at least about
1e-3 (conftest.py explains it); the checks below assert that their inputs give none smaller."""


def random_logits(seed, k, m, scale=1.0):
    return scale * np.random.default_rng(seed).standard_normal((k, m))


def random_one_hot(seed, k, m):
    return bp.one_hot(np.random.default_rng(seed).integers(0, k, size=m), k)


def softmax_network(sizes, seed=0, **options):
    return bp.MLP(
        sizes, output_activation="softmax", loss="categorical_cross_entropy", seed=seed, **options
    )


@contextlib.contextmanager
def no_warnings():
    """Fail on any floating-point overflow, division by zero or invalid operation, and on any
    Python warning (underflow to 0 is the softmax's expected, silent rounding)."""
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        yield


# ----- softmax and its Jacobian ---------------------------------------------------------------


def test_softmax_matches_the_formula_column_by_column():
    z = random_logits(1, 5, 4)
    expected = np.exp(z) / np.exp(z).sum(axis=0, keepdims=True)  # safe: |z| is small here
    np.testing.assert_allclose(bp.softmax(z), expected, rtol=1e-14)


def test_softmax_hand_worked_example():
    # z = (0, ln 2, ln 3): e^z = (1, 2, 3), sum 6, so s = (1/6, 2/6, 3/6).
    z = np.log(np.array([[1.0], [2.0], [3.0]]))
    np.testing.assert_allclose(bp.softmax(z).ravel(), [1 / 6, 1 / 3, 1 / 2], rtol=1e-15)


def test_softmax_columns_are_probabilities_and_shifts_change_nothing():
    z = random_logits(2, 7, 9)
    s = bp.softmax(z)
    assert s.shape == (7, 9)
    assert np.all(s > 0)
    np.testing.assert_allclose(s.sum(axis=0), 1.0, rtol=0, atol=1e-15)
    shift = np.arange(9.0) * 10  # a different constant for each column
    np.testing.assert_allclose(bp.softmax(z + shift), s, rtol=1e-12)


def test_softmax_returns_a_new_array_and_leaves_z_alone():
    z = random_logits(3, 3, 2)
    copy = z.copy()
    s = bp.softmax(z)
    assert s is not z
    np.testing.assert_array_equal(z, copy)


@pytest.mark.parametrize(("k", "seed"), [(2, 0), (3, 1), (6, 2), (10, 3)])
def test_jacobian_matches_central_differences(k, seed):
    # Logits close together keep every s_i s_j, off the diagonal, above MIN_ABS_ENTRY.
    z = random_logits(seed, k, 1, scale=0.3)
    rows = [numerical_gradient(lambda v, i=i: float(bp.softmax(v)[i, 0]), z).T for i in range(k)]
    assert np.abs(bp.softmax_jacobian(z)).min() >= MIN_ABS_ENTRY
    assert relative_error(bp.softmax_jacobian(z), np.vstack(rows)) < RIGHT


def test_jacobian_is_diag_s_minus_s_s_transpose_entry_by_entry():
    z = random_logits(4, 4, 1)
    s = bp.softmax(z).ravel()
    J = bp.softmax_jacobian(z)
    for i in range(4):
        for j in range(4):
            expected = s[i] * (1 - s[j]) if i == j else -s[i] * s[j]
            assert J[i, j] == pytest.approx(expected, rel=1e-14, abs=1e-17)
    np.testing.assert_array_equal(J, J.T)
    np.testing.assert_allclose(J.sum(axis=0), 0.0, atol=1e-15)


def test_jacobian_takes_a_vector_too():
    z = random_logits(5, 3, 1)
    np.testing.assert_array_equal(bp.softmax_jacobian(z.ravel()), bp.softmax_jacobian(z))


@pytest.mark.parametrize("shape", [(3, 2), (2, 2, 1), ()])
def test_jacobian_takes_one_example_only(shape):
    message = (
        "softmax_jacobian takes one example, a column of k logits of shape (k, 1); "
        f"got shape {shape}"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        bp.softmax_jacobian(np.zeros(shape))


def test_two_way_softmax_is_the_sigmoid_of_the_difference():
    z = np.random.default_rng(6).uniform(-30.0, 30.0, size=(2, 500))
    s = bp.softmax(z)
    np.testing.assert_allclose(s[1], bp.sigmoid(z[1] - z[0]), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(s[0], bp.sigmoid(z[0] - z[1]), rtol=1e-12, atol=1e-300)


# ----- the categorical cross-entropy and the fused delta ------------------------------------


def test_categorical_cross_entropy_is_minus_log_of_the_true_class():
    a = bp.softmax(random_logits(7, 4, 6))
    labels = np.array([0, 3, 1, 1, 2, 0])
    Y = bp.one_hot(labels, 4)
    losses = bp.categorical_cross_entropy(a, Y)
    assert losses.shape == (4, 6)
    np.testing.assert_allclose(losses.sum(axis=0), -np.log(a[labels, np.arange(6)]), rtol=1e-14)
    assert bp.mean_cost(losses) == pytest.approx(-np.mean(np.log(a[labels, np.arange(6)])))


def test_categorical_cross_entropy_prime_matches_its_formula_and_central_differences():
    rng = np.random.default_rng(8)
    a = rng.uniform(0.05, 0.95, size=(3, 4))
    y = rng.uniform(0.0, 1.0, size=(3, 4))
    np.testing.assert_allclose(bp.categorical_cross_entropy_prime(a, y), -y / a, rtol=1e-15)
    numerical = numerical_gradient(lambda v: float(np.sum(bp.categorical_cross_entropy(v, y))), a)
    assert relative_error(bp.categorical_cross_entropy_prime(a, y), numerical) < RIGHT


@pytest.mark.parametrize(
    ("k", "m", "seed"), [(2, 1, 0), (3, 5, 1), (5, 2, 2), (10, 7, 3), (4, 30, 4)]
)
def test_fused_delta_matches_the_jacobian_product_and_central_differences(k, m, seed):
    z = random_logits(seed, k, m)
    Y = random_one_hot(seed + 100, k, m)
    a = bp.softmax(z)
    fused = bp.softmax_cross_entropy_delta(a, Y)
    dC_da = bp.categorical_cross_entropy_prime(a, Y)
    product = np.hstack([bp.softmax_jacobian(z[:, [i]]).T @ dC_da[:, [i]] for i in range(m)])

    def summed_loss(logits):
        return float(np.sum(bp.categorical_cross_entropy(bp.softmax(logits), Y)))

    numerical = numerical_gradient(summed_loss, z)
    assert np.abs(fused).min() >= MIN_ABS_ENTRY
    assert relative_error(fused, numerical) < RIGHT
    assert relative_error(product, numerical) < RIGHT
    np.testing.assert_allclose(fused, a - Y, rtol=0, atol=0)


def test_fused_delta_holds_for_any_target_distribution():
    # The derivation uses only that each column of y sums to 1.
    rng = np.random.default_rng(9)
    z = random_logits(9, 4, 3)
    y = rng.uniform(size=(4, 3))
    y /= y.sum(axis=0)
    numerical = numerical_gradient(
        lambda v: float(np.sum(bp.categorical_cross_entropy(bp.softmax(v), y))), z
    )
    assert relative_error(bp.softmax_cross_entropy_delta(bp.softmax(z), y), numerical) < RIGHT


def test_two_way_softmax_delta_is_the_sigmoid_delta():
    z = random_logits(10, 2, 8)
    Y = random_one_hot(11, 2, 8)
    delta = bp.softmax_cross_entropy_delta(bp.softmax(z), Y)
    sigmoid_delta = bp.sigmoid_cross_entropy_delta(bp.sigmoid(z[1:] - z[:1]), Y[1:])
    np.testing.assert_allclose(delta[1:], sigmoid_delta, atol=1e-15)
    np.testing.assert_allclose(delta[:1], -sigmoid_delta, atol=1e-15)


def test_fused_deltas_are_looked_up_by_output_and_loss():
    expected = {
        ("sigmoid", "cross_entropy"): bp.sigmoid_cross_entropy_delta,
        ("softmax", "categorical_cross_entropy"): bp.softmax_cross_entropy_delta,
    }
    assert expected == FUSED_DELTAS


# ----- stability ------------------------------------------------------------------------------


def test_logits_of_1000_overflow_the_naive_formula_but_not_softmax():
    z = np.array([[1000.0], [999.0], [998.0]])
    with np.errstate(over="ignore", invalid="ignore"):
        naive = np.exp(z) / np.exp(z).sum(axis=0)
    assert np.all(np.isnan(naive))  # inf / inf: the case the shift exists for
    with no_warnings():
        s = bp.softmax(z)
    np.testing.assert_allclose(s, bp.softmax(np.array([[2.0], [1.0], [0.0]])), rtol=1e-15)


@pytest.mark.parametrize("scale", [1e3, 1e4, 1e300])
def test_huge_logits_give_finite_probabilities_losses_and_deltas_without_warnings(scale):
    z = scale * np.array([[1.0, -1.0, 0.0], [-1.0, 1.0, 0.0], [0.0, 0.0, 0.0]])
    Y = np.eye(3)[:, [1, 1, 2]]  # wrong, right, and a tie of three for the third example
    with no_warnings():
        a = bp.softmax(z)
        losses = bp.categorical_cross_entropy(a, Y)
        prime = bp.categorical_cross_entropy_prime(a, Y)
        delta = bp.softmax_cross_entropy_delta(a, Y)
    for values in (a, losses, prime, delta):
        assert np.all(np.isfinite(values))
    np.testing.assert_array_equal(a[:, 0], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(a[:, 2], 1 / 3, rtol=1e-15)
    # The wrong example's probability of its class underflowed to 0: its loss is capped at
    # -log(eps), and its delta is exactly (1, -1, 0).
    assert losses[:, 0].sum() == pytest.approx(-math.log(PROBABILITY_FLOOR), rel=1e-15)
    np.testing.assert_array_equal(delta[:, 0], [1.0, -1.0, 0.0])
    assert losses[:, 1].sum() == 0.0


def test_a_network_with_logits_of_plus_minus_1e4_has_a_finite_cost_and_gradients():
    model = softmax_network([4, 5, 3], seed=1, l2_lambda=0.3)
    model.biases[-1] = np.array([[1e4], [-1e4], [0.0]])
    X = np.random.default_rng(12).standard_normal((4, 6))
    Y = random_one_hot(13, 3, 6)
    with no_warnings():
        cost = model.cost(X, Y)
        dWs, dbs = model.gradients(X, Y)
        costs = model.fit(X, Y, learning_rate=0.1, epochs=3)
    assert math.isfinite(cost)
    assert all(np.all(np.isfinite(g)) for g in dWs + dbs)
    assert np.all(np.isfinite(costs))


def test_the_jacobian_product_loses_a_sure_mistake_that_the_fused_delta_keeps():
    z = np.array([[800.0], [0.0], [0.0]])
    Y = bp.one_hot([1], 3)
    a = bp.softmax(z)
    product = bp.softmax_jacobian(z).T @ bp.categorical_cross_entropy_prime(a, Y)
    np.testing.assert_array_equal(product, np.zeros((3, 1)))
    np.testing.assert_array_equal(bp.softmax_cross_entropy_delta(a, Y), [[1.0], [-1.0], [0.0]])


# ----- one_hot ---------------------------------------------------------------------------------


def test_one_hot_puts_a_single_1_in_the_row_of_each_label():
    Y = bp.one_hot([2, 0, 1, 2], 3)
    np.testing.assert_array_equal(
        Y, [[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0], [1.0, 0.0, 0.0, 1.0]]
    )
    assert Y.dtype == np.float64


@pytest.mark.parametrize("labels", [np.array([[3.0, 0.0, 9.0]]), np.array([3, 0, 9]), [3, 0, 9]])
def test_one_hot_takes_a_row_a_vector_or_a_list_of_whole_numbers(labels):
    Y = bp.one_hot(labels, 10)
    assert Y.shape == (10, 3)
    np.testing.assert_array_equal(Y.argmax(axis=0), [3, 0, 9])


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        ([0, 3, 1], "got 3 at position 1"),
        ([0, 1, -1], "got -1 at position 2"),
        ([0.5, 1.0], "got 0.5 at position 0"),
        ([1.0, math.nan], "got nan at position 1"),
    ],
)
def test_one_hot_rejects_labels_outside_0_to_k_minus_1(labels, message):
    expected = f"labels must be whole numbers from 0 to 2 (for k = 3 classes); {message}"
    with pytest.raises(ValueError, match=re.escape(expected)):
        bp.one_hot(labels, 3)


@pytest.mark.parametrize(
    ("labels", "shape", "dtype"),
    [
        (np.zeros((2, 3)), "(2, 3)", "float64"),
        (np.zeros((3, 1)), "(3, 1)", "float64"),
        (np.array([True, False]), "(2,)", "bool"),
        (np.array(["1", "2"]), "(2,)", "<U1"),
        (np.float64(1.0), "()", "float64"),
    ],
)
def test_one_hot_rejects_labels_that_are_not_a_row_or_a_vector_of_numbers(labels, shape, dtype):
    expected = (
        "labels must be numbers in a vector (m,) or a row (1, m); got an array of shape "
        f"{shape} and dtype {dtype}"
    )
    with pytest.raises(ValueError, match=re.escape(expected)):
        bp.one_hot(labels, 3)


@pytest.mark.parametrize("k", [1, 0, 2.0, "3", None])
def test_one_hot_needs_at_least_two_classes(k):
    expected = f"k must be a whole number >= 2 (the number of classes); got {k!r}"
    with pytest.raises(ValueError, match=re.escape(expected)):
        bp.one_hot([0, 1], k)


# ----- MLP with a softmax output: gradients on random shapes -----------------------------------

SHAPES = [
    ([3, 2], "relu", 4),  # no hidden layer: softmax regression, two classes
    ([4, 5, 3], "relu", 1),  # m = 1
    ([2, 3, 4, 6], "tanh", 7),
    ([6, 4, 10], "sigmoid", 12),
    ([5, 7, 3, 4], "leaky_relu", 9),
    ([3, 8, 5], "relu", 40),
]


def gradient_check_case(sizes, hidden, m, l2_lambda):
    """The first seed whose hidden z keep away from the ReLU kink (|z| > 1e-3) and whose
    non-zero gradient entries are large enough (>= 5e-4) for central differences to confirm a
    relative error below 1e-7 (see conftest.py for why); chosen by the data, not the check."""
    for seed in range(200):
        rng = np.random.default_rng(seed)
        model = softmax_network(sizes, seed=seed, hidden_activation=hidden, l2_lambda=l2_lambda)
        X = rng.standard_normal((sizes[0], m))
        Y = bp.one_hot(rng.integers(0, sizes[-1], size=m), sizes[-1])
        Zs, _ = model.forward(X)
        near_kink = any(np.abs(z).min() <= 1e-3 for z in Zs[:-1])
        dWs, dbs = model.gradients(X, Y)
        entries = np.concatenate([g.ravel() for g in dWs + dbs])
        tiny = np.any((entries != 0) & (np.abs(entries) < 5e-4))
        if not near_kink and not tiny:
            return model, X, Y
    raise AssertionError(f"no seed below 200 fits {sizes}, {hidden}, m = {m}")


@pytest.mark.parametrize("l2_lambda", [0.0, 0.7])
@pytest.mark.parametrize(("sizes", "hidden", "m"), SHAPES)
def test_softmax_network_gradients_match_central_differences(sizes, hidden, m, l2_lambda):
    model, X, Y = gradient_check_case(sizes, hidden, m, l2_lambda)
    errors = check_network_gradients(model, X, Y)
    assert len(errors) == len(sizes) - 1
    assert max(errors) < RIGHT, errors


def test_only_the_output_delta_differs_from_the_backward_pass_of_notebook_04():
    model = softmax_network([4, 6, 5, 3], seed=2, l2_lambda=0.4)
    rng = np.random.default_rng(14)
    X, Y = rng.standard_normal((4, 8)), random_one_hot(15, 3, 8)
    Zs, As = model.forward(X)
    delta = bp.softmax_cross_entropy_delta(As[3], Y)
    expected = {}
    for l in (3, 2, 1):
        dW = bp.weight_gradient(delta, As[l - 1]) + bp.l2_gradient(model.weights[l - 1], 0.4, 8)
        expected[l] = dW, bp.bias_gradient(delta)
        if l > 1:
            delta = bp.hidden_delta(model.weights[l - 1], delta, bp.relu_prime(Zs[l - 2]))
    dWs, dbs = model.gradients(X, Y)
    for l, (dW, db) in expected.items():
        np.testing.assert_array_equal(dWs[l - 1], dW)
        np.testing.assert_array_equal(dbs[l - 1], db)


def test_the_output_layer_is_a_softmax_and_the_cost_its_cross_entropy():
    model = softmax_network([3, 4, 5], seed=3)
    X = np.random.default_rng(16).standard_normal((3, 6))
    Y = random_one_hot(17, 5, 6)
    Zs, As = model.forward(X)
    np.testing.assert_array_equal(As[-1], bp.softmax(Zs[-1]))
    from_logits = bp.mean_cost(bp.categorical_cross_entropy_from_logits(Zs[-1], Y))
    assert model.cost(X, Y) == from_logits  # computed from the logits, exact for any of them
    assert from_logits == pytest.approx(
        bp.mean_cost(bp.categorical_cross_entropy(As[-1], Y)), rel=1e-13
    )  # the probability form agrees on moderate logits
    assert model.g_out_prime is None  # its derivative is a Jacobian, never needed
    assert model.loss_prime is bp.categorical_cross_entropy_prime


def test_softmax_network_learns_three_blobs_with_mini_batches():
    rng = np.random.default_rng(18)
    centres = np.array([[0.0, 3.0, -3.0], [3.0, -2.0, -2.0]])
    labels = rng.integers(0, 3, size=150)
    X = centres[:, labels] + 0.7 * rng.standard_normal((2, 150))
    Y = bp.one_hot(labels, 3)
    model = softmax_network([2, 8, 3], seed=4)
    costs = model.fit(X, Y, learning_rate=0.3, epochs=30, batch_size=16)
    assert costs[-1] < 0.2 * costs[0]
    assert model.accuracy(X, Y) > 0.95


# ----- predictions ----------------------------------------------------------------------------


def test_predict_gives_the_class_index_of_the_largest_probability():
    model = softmax_network([2, 3], seed=0)
    model.weights[0] = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    X = np.array([[2.0, -1.0, 0.0, 1.0], [1.0, -2.0, 3.0, 1.0]])
    # logits per column: (2, 1, 0) -> 0; (-1, -2, 0) -> 2; (0, 3, 0) -> 1; (1, 1, 0): a tie
    # of classes 0 and 1, given to the first.
    predictions = model.predict(X)
    np.testing.assert_array_equal(predictions, [[0, 2, 1, 0]])
    assert predictions.shape == (1, 4)
    assert np.issubdtype(predictions.dtype, np.integer)
    assert model.accuracy(X, bp.one_hot([0, 2, 0, 1], 3)) == 0.5


# ----- errors: what was expected and what came -------------------------------------------------

WITH_Y = {
    "accuracy": lambda model, X, Y: model.accuracy(X, Y),
    "cost": lambda model, X, Y: model.cost(X, Y),
    "data_cost": lambda model, X, Y: model.data_cost(X, Y),
    "gradients": lambda model, X, Y: model.gradients(X, Y),
    "step": lambda model, X, Y: model.step(X, Y, learning_rate=0.1),
    "fit": lambda model, X, Y: model.fit(X, Y, learning_rate=0.1, epochs=2),
}


@pytest.mark.parametrize("entry", WITH_Y)
@pytest.mark.parametrize(
    ("column", "shown"),
    [
        ([0.5, 0.5, 0.0], "[0.5, 0.5, 0.0]"),
        ([1.0, 1.0, 0.0], "[1.0, 1.0, 0.0]"),
        ([0.0, 0.0, 0.0], "[0.0, 0.0, 0.0]"),
        ([2.0, -1.0, 0.0], "[2.0, -1.0, 0.0]"),
    ],
)
def test_targets_that_are_not_one_hot(entry, column, shown):
    model = softmax_network([2, 3])
    X = np.zeros((2, 4))
    Y = bp.one_hot([0, 1, 2, 0], 3)
    Y[:, 2] = column
    expected = (
        "categorical_cross_entropy needs one-hot columns in Y: in each, a single 1 and 0 in the "
        f"other 2 rows (one_hot(labels, 3) makes them); column 2 is {shown}"
    )
    with pytest.raises(ValueError, match=re.escape(expected)):
        WITH_Y[entry](model, X, Y)


@pytest.mark.parametrize("entry", WITH_Y)
def test_labels_given_as_a_row_get_a_hint_to_one_hot_them(entry):
    model = softmax_network([2, 10])
    expected = (
        "Y must have shape (10, 4) (n_L outputs, one column per example of X); got (1, 4); "
        "for labels pass one_hot(labels, 10)"
    )
    with pytest.raises(ValueError, match=re.escape(expected)):
        WITH_Y[entry](model, np.zeros((2, 4)), np.array([[3.0, 1.0, 0.0, 9.0]]))


def test_targets_with_the_wrong_number_of_rows():
    model = softmax_network([2, 4])
    message = re.escape("Y must have shape (4, 3)") + r".*got \(3, 3\)"
    with pytest.raises(ValueError, match=message):
        model.cost(np.zeros((2, 3)), np.eye(3))


@pytest.mark.parametrize(
    ("output", "loss", "n_L"),
    [
        ("softmax", "cross_entropy", 3),
        ("softmax", "half_squared_error", 3),
        ("softmax", "hinge", 3),
        ("sigmoid", "categorical_cross_entropy", 3),
        ("identity", "categorical_cross_entropy", 2),
        ("softmax", "categorical_cross_entropy", 1),
    ],
)
def test_a_softmax_output_and_the_categorical_cross_entropy_come_as_a_pair(output, loss, n_L):
    expected = (
        "a softmax output needs loss='categorical_cross_entropy' (and that loss a softmax "
        f"output) and n_L >= 2 classes; got output_activation={output!r}, loss={loss!r} and "
        f"n_L = {n_L}"
    )
    with pytest.raises(ValueError, match=re.escape(expected)):
        bp.MLP([2, n_L], output_activation=output, loss=loss)


def test_softmax_is_no_hidden_activation():
    with pytest.raises(ValueError, match=re.escape("unknown activation 'softmax'")):
        bp.MLP([2, 3, 2], hidden_activation="softmax")


def test_check_targets_passes_what_fits():
    Y = bp.one_hot([1, 0], 2)
    assert check_targets("categorical_cross_entropy", Y) is Y
    assert check_targets("cross_entropy", np.array([[0.0, 0.3, 1.0]])) is not None
    assert check_targets("half_squared_error", np.array([[-7.0, 3.0]])) is not None
