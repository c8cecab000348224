"""Tests for backprop_lib.network: a hand-worked example, gradient checks of every
activation/output/loss combination, initialisation, training, and every input error."""

import math
import re

import numpy as np
import pytest

from backprop_lib.gradcheck import check_network_gradients
from backprop_lib.network import MLP, TrainingDiverged

XOR_X = np.array([[0.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, 1.0]])
XOR_Y = np.array([[0.0, 1.0, 1.0, 0.0]])


def sigmoid(v):
    return 1.0 / (1.0 + math.exp(-v))


def data(seed, n_in=3, n_out=2, m=5):
    """Inputs N(0, 1) and 0/1 labels."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n_in, m)), rng.integers(0, 2, size=(n_out, m)).astype(float)


# ----- a hand-worked example ----------------------------------------------------------------


def test_hand_worked_2_3_2_network_of_the_l2_notes():
    # The network of the L2 notes (seed 002): inputs x1, x2; hidden h1..h3 and outputs y1, y2,
    # all sigmoid; loss L = 1/2 sum_k (y_k - t_k)^2; one example, so the cost J is L.
    # 002's w_ij goes from input i to hidden j, so our W^1[j, i] = w_ij: the rows of W^1 are
    # the columns of 002's table of w_ij (W^1 is its transpose). Likewise W^2[k, j] = u_jk.
    #   w11 = 0.1  w12 = 0.2  w13 = 0.3          u11 =  0.3  u12 = -0.2
    #   w21 = 0.4  w22 = 0.5  w23 = 0.6          u21 =  0.5  u22 =  0.1
    #                                            u31 = -0.4  u32 =  0.6
    # Zero biases, x = (1, 0.5), targets t = (1, 0).
    #
    # Hidden layer, a1_j = w1j x1 + w2j x2 and h_j = 1 / (1 + e^-a1_j):
    #   a1_1 = 0.1*1 + 0.4*0.5 = 0.30   e^-0.30 = 0.7408182   h1 = 1/1.7408182 = 0.5744425
    #   a1_2 = 0.2*1 + 0.5*0.5 = 0.45   e^-0.45 = 0.6376282   h2 = 1/1.6376282 = 0.6106392
    #   a1_3 = 0.3*1 + 0.6*0.5 = 0.60   e^-0.60 = 0.5488116   h3 = 1/1.5488116 = 0.6456563
    # Output layer, a2_k = sum_j u_jk h_j and y_k = 1 / (1 + e^-a2_k):
    #   a2_1 =  0.3 h1 + 0.5 h2 - 0.4 h3 =  0.1723328 + 0.3053196 - 0.2582625 = 0.2193898
    #   a2_2 = -0.2 h1 + 0.1 h2 + 0.6 h3 = -0.1148885 + 0.0610639 + 0.3873938 = 0.3335692
    #   y1 = 1/(1 + 0.8030086) = 0.5546285        y2 = 1/(1 + 0.7163623) = 0.5826276
    #   L = 1/2 [(0.5546285 - 1)^2 + (0.5826276 - 0)^2] = 1/2 [0.1983558 + 0.3394549]
    #     = 0.2689053
    # Output deltas, delta_k = (y_k - t_k) y_k (1 - y_k):
    #   delta1 = -0.4453715 * 0.2470157 = -0.1100138
    #   delta2 =  0.5826276 * 0.2431727 =  0.1416791
    # dL/du_jk = delta_k h_j:
    #   du11 = -0.1100138 * 0.5744425 = -0.06319658    du12 = 0.1416791 * 0.5744425 = 0.08138650
    #   du21 = -0.1100138 * 0.6106392 = -0.06717872    du22 = 0.1416791 * 0.6106392 = 0.08651482
    #   du31 = -0.1100138 * 0.6456563 = -0.07103108    du32 = 0.1416791 * 0.6456563 = 0.09147601
    # Hidden deltas, dL/dh_j = sum_k u_jk delta_k and delta_hj = dL/dh_j h_j (1 - h_j):
    #   dL/dh1 =  0.3 delta1 - 0.2 delta2 = -0.03300413 - 0.02833582 = -0.06133995
    #   dL/dh2 =  0.5 delta1 + 0.1 delta2 = -0.05500688 + 0.01416791 = -0.04083897
    #   dL/dh3 = -0.4 delta1 + 0.6 delta2 =  0.04400550 + 0.08500747 =  0.1290130
    #   delta_h1 = -0.06133995 * (0.5744425 * 0.4255575 = 0.2444583) = -0.01499506
    #   delta_h2 = -0.04083897 * (0.6106392 * 0.3893608 = 0.2377590) = -0.009709831
    #   delta_h3 =  0.1290130  * (0.6456563 * 0.3543437 = 0.2287842) =  0.02951613
    # dL/dw_ij = delta_hj x_i:
    #   dw11 = -0.01499506   dw12 = -0.009709831   dw13 = 0.02951613     (x1 = 1)
    #   dw21 = -0.00749753   dw22 = -0.004854915   dw23 = 0.01475807     (x2 = 0.5)
    model = MLP(
        [2, 3, 2],
        hidden_activation="sigmoid",
        output_activation="sigmoid",
        loss="half_squared_error",
        l2_lambda=0.0,
    )
    model.weights[0] = np.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]])  # row j is (w1j, w2j)
    model.weights[1] = np.array([[0.3, 0.5, -0.4], [-0.2, 0.1, 0.6]])  # row k is (u1k, u2k, u3k)
    model.biases = [np.zeros((3, 1)), np.zeros((2, 1))]
    x = np.array([[1.0], [0.5]])
    t = np.array([[1.0], [0.0]])

    def close(actual, expected):
        np.testing.assert_allclose(actual, np.array(expected, dtype=float), rtol=1e-5)

    Zs, As = model.forward(x)
    close(Zs[0], [[0.30], [0.45], [0.60]])
    close(As[1], [[0.5744425], [0.6106392], [0.6456563]])
    close(Zs[1], [[0.2193898], [0.3335692]])
    close(As[2], [[0.5546285], [0.5826276]])
    close(model.cost(x, t), 0.2689053)

    dWs, dbs = model.gradients(x, t)
    close(dbs[1], [[-0.1100138], [0.1416791]])  # output deltas
    close(dWs[1], [[-0.06319658, -0.06717872, -0.07103108], [0.08138650, 0.08651482, 0.09147601]])
    close(dbs[0], [[-0.01499506], [-0.009709831], [0.02951613]])  # hidden deltas
    close(
        dWs[0], [[-0.01499506, -0.00749753], [-0.009709831, -0.004854915], [0.02951613, 0.01475807]]
    )

    # One step of gradient descent with eta = 0.5: w11 <- 0.1 - 0.5 * (-0.01499506) = 0.1074975
    model.step(x, t, learning_rate=0.5)
    close(model.weights[0][0, 0], 0.1074975)
    close(model.weights[1][1, 2], 0.6 - 0.5 * 0.09147601)  # u32 <- 0.6 - 0.5 du32 = 0.5542620


# ----- backpropagation against central differences ---------------------------------------

HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "identity"]
OUTPUT_AND_LOSS = [
    ("sigmoid", "cross_entropy"),
    ("sigmoid", "squared_error"),
    ("sigmoid", "half_squared_error"),
    ("identity", "squared_error"),
    ("identity", "half_squared_error"),
    ("tanh", "half_squared_error"),
]


@pytest.mark.parametrize(("l2_lambda", "l1_lambda"), [(0.0, 0.0), (0.5, 0.0), (0.5, 0.3)])
@pytest.mark.parametrize(("output", "loss"), OUTPUT_AND_LOSS)
@pytest.mark.parametrize("hidden", HIDDEN)
def test_gradients_match_central_differences(
    gradient_check_case, hidden, output, loss, l2_lambda, l1_lambda
):
    # A [3, 4, 5, 2] network on m = 6 examples; see conftest.py for how the case is chosen.
    case = gradient_check_case(hidden, output, loss, l2_lambda, l1_lambda)
    assert case.min_abs_z > 1e-3  # no hidden z near ReLU's kink
    assert case.min_abs_weight > 1e-3  # nor a weight near |w|'s
    assert case.min_abs_gradient >= 5e-4  # no gradient entry lost in round-off
    errors = check_network_gradients(case.model, case.X, case.Y)
    assert len(errors) == 3
    assert max(errors) < 1e-7, errors


# ----- construction and initialisation ----------------------------------------------------


def test_same_seed_same_weights_different_seed_different_weights():
    a, b, c = (MLP([3, 4, 5, 2], seed=s) for s in (7, 7, 8))
    for Wa, Wb, Wc in zip(a.weights, b.weights, c.weights, strict=True):
        np.testing.assert_array_equal(Wa, Wb)
        assert not np.array_equal(Wa, Wc)


@pytest.mark.parametrize(
    ("init", "expected_std"),
    [
        ("small_normal", lambda n_in: 0.01),
        ("scaled_normal", lambda n_in: 1 / math.sqrt(n_in)),
        ("he_normal", lambda n_in: math.sqrt(2 / n_in)),
    ],
    ids=["small_normal", "scaled_normal", "he_normal"],
)
def test_initial_weight_scale(init, expected_std):
    # Layers of 400 x 300 and 200 x 400 weights: the sample std of N draws has a relative
    # standard error of 1/sqrt(2N), about 0.25 % here, so 2 % is a margin of 8 errors.
    model = MLP([300, 400, 200], init=init, seed=0)
    for W, n_in in zip(model.weights, [300, 400], strict=True):
        std = expected_std(n_in)
        assert W.std() == pytest.approx(std, rel=0.02)
        assert abs(W.mean()) < 5 * std / math.sqrt(W.size)


def test_layers_are_listed_first_layer_first_with_documented_shapes():
    model = MLP([3, 4, 5, 2])
    assert [W.shape for W in model.weights] == [(4, 3), (5, 4), (2, 5)]
    assert [b.shape for b in model.biases] == [(4, 1), (5, 1), (2, 1)]
    for W, b in zip(model.weights, model.biases, strict=True):
        assert W.dtype == np.float64 and b.dtype == np.float64
        np.testing.assert_array_equal(b, 0.0)  # biases start at zero


def test_forward_returns_every_layer():
    model = MLP([3, 4, 5, 2], hidden_activation="tanh", output_activation="sigmoid", seed=1)
    model.biases = [np.full(b.shape, 0.1 * l) for l, b in enumerate(model.biases, start=1)]
    X, _ = data(seed=2, m=7)
    Zs, As = model.forward(X)
    assert len(Zs) == 3 and len(As) == 4
    assert [z.shape for z in Zs] == [(4, 7), (5, 7), (2, 7)]
    assert [a.shape for a in As] == [(3, 7), (4, 7), (5, 7), (2, 7)]
    np.testing.assert_array_equal(As[0], X)
    # Each layer by hand: z_j^(i) = sum_k W_jk a_k^(i) + b_j, a = tanh(z), sigmoid at the top.
    for l, (W, b) in enumerate(zip(model.weights, model.biases, strict=True), start=1):
        g = sigmoid if l == 3 else math.tanh
        for i in range(7):
            for j in range(W.shape[0]):
                z = sum(W[j, k] * As[l - 1][k, i] for k in range(W.shape[1])) + b[j, 0]
                assert Zs[l - 1][j, i] == pytest.approx(z, rel=1e-12, abs=1e-14)
                assert As[l][j, i] == pytest.approx(g(z), rel=1e-12)


# ----- training ---------------------------------------------------------------------------


@pytest.mark.parametrize(("sizes", "hidden"), [([2, 8, 1], "relu"), ([2, 4, 1], "tanh")])
def test_learns_xor(sizes, hidden):
    model = MLP(sizes, hidden_activation=hidden, seed=0)
    model.fit(XOR_X, XOR_Y, learning_rate=1.0, epochs=500)
    assert model.accuracy(XOR_X, XOR_Y) == 1.0
    np.testing.assert_array_equal(model.predict(XOR_X), XOR_Y)


def test_fit_returns_one_cost_per_epoch_and_the_cost_falls():
    model = MLP([2, 4, 1], hidden_activation="tanh", seed=0)
    initial_cost = model.cost(XOR_X, XOR_Y)
    seen = []
    costs = model.fit(
        XOR_X, XOR_Y, learning_rate=0.5, epochs=300, callback=lambda e, c: seen.append((e, c))
    )
    assert costs.shape == (300,)
    assert costs[0] == initial_cost  # each epoch's cost is measured before its step
    assert costs[-1] < 0.1 * costs[0]
    assert model.cost(XOR_X, XOR_Y) < costs[-1]
    assert [e for e, _ in seen] == list(range(1, 301))
    np.testing.assert_array_equal([c for _, c in seen], costs)


def test_mini_batch_fit_is_deterministic_for_a_seed():
    X, Y = data(seed=3, n_out=1, m=10)
    runs = []
    for _ in range(2):
        model = MLP([3, 4, 1], hidden_activation="tanh", seed=5)
        costs = model.fit(X, Y, learning_rate=0.5, epochs=30, batch_size=3)
        runs.append((costs, model.weights))
    (costs_a, weights_a), (costs_b, weights_b) = runs
    assert costs_a.shape == (30,) and np.all(np.isfinite(costs_a))
    assert costs_a[-1] < costs_a[0]
    np.testing.assert_array_equal(costs_a, costs_b)
    for Wa, Wb in zip(weights_a, weights_b, strict=True):
        np.testing.assert_array_equal(Wa, Wb)


def test_batch_size_m_is_full_batch():
    X, Y = data(seed=4, n_out=1, m=6)
    full, batched = (MLP([3, 4, 1], seed=1) for _ in range(2))
    np.testing.assert_array_equal(
        full.fit(X, Y, learning_rate=0.3, epochs=5),
        batched.fit(X, Y, learning_rate=0.3, epochs=5, batch_size=6),
    )


def test_step_returns_cost_before_and_moves_by_minus_lr_times_gradient():
    X, Y = data(seed=5)
    model = MLP([3, 4, 2], hidden_activation="tanh", seed=2)
    cost_before = model.cost(X, Y)
    dWs, dbs = model.gradients(X, Y)
    weights, biases = [W.copy() for W in model.weights], [b.copy() for b in model.biases]
    assert model.step(X, Y, learning_rate=0.3) == cost_before
    for new, old, grad in zip(
        model.weights + model.biases, weights + biases, dWs + dbs, strict=True
    ):
        np.testing.assert_array_equal(new, old - 0.3 * grad)
    assert model.cost(X, Y) < cost_before


def test_predict_gives_labels_for_a_sigmoid_output():
    X, _ = data(seed=6, m=20)
    model = MLP([3, 4, 2], seed=3)
    labels = model.predict(X)
    assert set(np.unique(labels)) <= {0.0, 1.0}
    np.testing.assert_array_equal(labels, (model.predict_proba(X) >= 0.5).astype(float))
    linear = MLP([3, 4, 2], output_activation="identity", loss="half_squared_error", seed=3)
    np.testing.assert_array_equal(linear.predict(X), linear.predict_proba(X))


def test_l2_adds_lambda_over_2m_sum_of_squared_weights():
    X, Y = data(seed=7, m=5)
    l2_lambda = 0.3
    plain = MLP([3, 4, 2], hidden_activation="tanh", seed=4)
    regularised = MLP(
        [3, 4, 2], hidden_activation="tanh", l2_lambda=l2_lambda, seed=4
    )  # same weights
    squares = sum(w * w for W in plain.weights for w in W.ravel())
    assert regularised.cost(X, Y) == pytest.approx(
        plain.cost(X, Y) + l2_lambda / (2 * 5) * squares, rel=1e-13
    )
    # ... and adds lambda/m W to each weight gradient (not to the bias gradients).
    (dW_plain, db_plain), (dW_reg, db_reg) = plain.gradients(X, Y), regularised.gradients(X, Y)
    for W, a, b in zip(plain.weights, dW_plain, dW_reg, strict=True):
        np.testing.assert_allclose(b, a + l2_lambda / 5 * W, rtol=1e-13, atol=1e-16)
    for a, b in zip(db_plain, db_reg, strict=True):
        np.testing.assert_array_equal(a, b)


def test_l1_adds_lambda_over_m_sum_of_absolute_weights_and_its_sign_to_the_gradients():
    X, Y = data(seed=7, m=5)
    l1_lambda = 0.4
    plain = MLP([3, 4, 2], hidden_activation="tanh", seed=4)
    both = MLP([3, 4, 2], hidden_activation="tanh", l2_lambda=0.3, l1_lambda=l1_lambda, seed=4)
    l2_only = MLP([3, 4, 2], hidden_activation="tanh", l2_lambda=0.3, seed=4)
    absolute = sum(abs(w) for W in plain.weights for w in W.ravel())
    assert both.cost(X, Y) == pytest.approx(
        l2_only.cost(X, Y) + l1_lambda / 5 * absolute, rel=1e-13
    )
    assert both.data_cost(X, Y) == plain.cost(X, Y)
    (dW_l2, db_l2), (dW_both, db_both) = l2_only.gradients(X, Y), both.gradients(X, Y)
    for W, a, b in zip(plain.weights, dW_l2, dW_both, strict=True):
        np.testing.assert_allclose(b, a + l1_lambda / 5 * np.sign(W), rtol=1e-13, atol=1e-16)
    for a, b in zip(db_l2, db_both, strict=True):
        np.testing.assert_array_equal(a, b)  # the biases are not regularised
    assert "l1_lambda=0.4" in repr(both) and "l1_lambda" not in repr(plain)
    with pytest.raises(ValueError, match="l1_lambda"):
        MLP([3, 4, 2], l1_lambda=-0.1)


def test_data_cost_leaves_out_the_l2_term():
    X, Y = data(seed=7, m=5)
    plain = MLP([3, 4, 2], hidden_activation="tanh", seed=4)
    regularised = MLP([3, 4, 2], hidden_activation="tanh", l2_lambda=0.3, seed=4)  # same weights
    assert regularised.data_cost(X, Y) == plain.cost(X, Y)
    assert regularised.data_cost(X, Y) < regularised.cost(X, Y)


def test_inputs_are_not_mutated():
    X, Y = data(seed=8, m=6)
    X_before, Y_before = X.copy(), Y.copy()
    model = MLP([3, 4, 2], seed=5)
    model.forward(X)
    model.cost(X, Y)
    model.gradients(X, Y)
    model.step(X, Y, learning_rate=0.1)
    model.fit(X, Y, learning_rate=0.1, epochs=3, batch_size=4)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(Y, Y_before)


# ----- validation: every bad input says what was expected and what came ------------------


@pytest.mark.parametrize("sizes", [[3], [], [2, 0, 1], [2, -1, 1], [2, 2.5, 1], [0, 3]])
def test_bad_layer_sizes(sizes):
    expected = (
        "layer_sizes must list at least two whole numbers >= 1 (input size, ..., output size)"
    )
    with pytest.raises(ValueError, match=re.escape(f"{expected}; got {sizes!r}")):
        MLP(sizes)


VALID_ACTIVATIONS = "identity, leaky_relu, relu, sigmoid, tanh"


@pytest.mark.parametrize(
    ("keyword", "value", "message"),
    [
        (
            "hidden_activation",
            "softmax",
            f"unknown activation 'softmax'; expected one of {VALID_ACTIVATIONS}",
        ),
        (
            "output_activation",
            "step",
            f"unknown activation 'step'; expected one of {VALID_ACTIVATIONS}",
        ),
        (
            "loss",
            "hinge",
            "unknown loss 'hinge'; expected one of "
            "cross_entropy, half_squared_error, squared_error",
        ),
        (
            "init",
            "zeros",
            "unknown init 'zeros'; expected one of by_activation, he_normal, scaled_normal, "
            "small_normal",
        ),
        ("l2_lambda", -0.1, "l2_lambda must be a finite number >= 0; got -0.1"),
        ("l2_lambda", math.inf, "l2_lambda must be a finite number >= 0; got inf"),
    ],
)
def test_bad_constructor_argument(keyword, value, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        MLP([2, 3, 1], **{keyword: value})


@pytest.mark.parametrize("output", ["identity", "tanh", "relu"])
def test_cross_entropy_needs_a_sigmoid_output(output):
    with pytest.raises(
        ValueError, match=rf"cross_entropy needs outputs in \(0, 1\).*got '{output}'"
    ):
        MLP([2, 3, 1], output_activation=output, loss="cross_entropy")


# Every public method that takes data, called with X (and Y when it needs them).
ENTRY_POINTS = {
    "forward": lambda model, X, Y: model.forward(X),
    "predict": lambda model, X, Y: model.predict(X),
    "predict_proba": lambda model, X, Y: model.predict_proba(X),
    "accuracy": lambda model, X, Y: model.accuracy(X, Y),
    "cost": lambda model, X, Y: model.cost(X, Y),
    "gradients": lambda model, X, Y: model.gradients(X, Y),
    "step": lambda model, X, Y: model.step(X, Y, learning_rate=0.1),
    "fit": lambda model, X, Y: model.fit(X, Y, learning_rate=0.1, epochs=2),
}
WITH_Y = ["accuracy", "cost", "gradients", "step", "fit"]


@pytest.fixture
def model_3_4_2():
    return MLP([3, 4, 2], seed=0)


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize(
    ("X_shape", "message"),
    [
        ((2, 5), r"X must have shape \(3, m\) for this network's 3 inputs; got \(2, 5\)$"),
        (
            (5, 3),
            r"X must have shape \(3, m\).*got \(5, 3\) \(examples must be columns: pass X\.T\)",
        ),
        ((3,), r"X must be a 2-D array with one column per example; got shape \(3,\)"),
        ((1, 3, 5), r"X must be a 2-D array .*got shape \(1, 3, 5\)"),
    ],
)
def test_X_of_the_wrong_shape(model_3_4_2, entry, X_shape, message):
    X = np.zeros(X_shape)
    Y = np.zeros((2, 5))
    with pytest.raises(ValueError, match=message):
        ENTRY_POINTS[entry](model_3_4_2, X, Y)


@pytest.mark.parametrize("entry", WITH_Y)
@pytest.mark.parametrize(
    ("Y_shape", "message"),
    [
        (
            (1, 5),
            r"Y must have shape \(2, 5\) \(n_L outputs, one column per example of X\); "
            r"got \(1, 5\)",
        ),
        ((2, 4), r"Y must have shape \(2, 5\).*got \(2, 4\)"),
        ((5, 2), r"Y must have shape \(2, 5\).*got \(5, 2\)"),
        ((10,), r"Y must be a 2-D array with one column per example; got shape \(10,\)"),
    ],
)
def test_Y_of_the_wrong_shape(model_3_4_2, entry, Y_shape, message):
    X, _ = data(seed=0, m=5)
    with pytest.raises(ValueError, match=message):
        ENTRY_POINTS[entry](model_3_4_2, X, np.zeros(Y_shape))


@pytest.mark.parametrize("entry", WITH_Y)
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("where", ["X", "Y"])
def test_nan_or_inf_in_the_data(model_3_4_2, entry, bad, where):
    X, Y = data(seed=0, m=5)
    (X if where == "X" else Y)[1, 2] = bad
    with pytest.raises(
        ValueError, match=rf"{where} contains NaN or inf; every entry must be a finite"
    ):
        ENTRY_POINTS[entry](model_3_4_2, X, Y)


@pytest.mark.parametrize("entry", WITH_Y)
@pytest.mark.parametrize(
    ("labels", "low_high"), [([0.0, 2.0, 1.0, 0.5], "0 to 2"), ([0.0, -0.5, 1.0, 1.0], "-0.5 to 1")]
)
def test_cross_entropy_labels_outside_0_1(entry, labels, low_high):
    model = MLP([2, 3, 1], loss="cross_entropy")
    with pytest.raises(
        ValueError, match=rf"cross_entropy needs labels in \[0, 1\]; got values from {low_high}$"
    ):
        ENTRY_POINTS[entry](model, XOR_X, np.array([labels]))


def test_other_losses_accept_any_finite_targets():
    model = MLP([2, 3, 1], output_activation="identity", loss="half_squared_error")
    costs = model.fit(XOR_X, np.array([[0.0, 2.0, -3.0, 0.5]]), learning_rate=0.01, epochs=2)
    assert costs.shape == (2,) and np.all(np.isfinite(costs))


@pytest.mark.parametrize("method", ["fit", "step"])
@pytest.mark.parametrize("rate", [0, 0.0, -0.1, math.nan, math.inf, "0.1", True, None, [0.1]])
def test_bad_learning_rate(model_3_4_2, method, rate):
    X, Y = data(seed=0, m=5)
    message = f"learning_rate must be a positive finite number; got {rate!r}"
    with pytest.raises(ValueError, match=re.escape(message)):
        if method == "fit":
            model_3_4_2.fit(X, Y, learning_rate=rate, epochs=1)
        else:
            model_3_4_2.step(X, Y, learning_rate=rate)


@pytest.mark.parametrize("epochs", [0, -3, 2.5, True, "10", None])
def test_bad_epochs(model_3_4_2, epochs):
    X, Y = data(seed=0, m=5)
    with pytest.raises(
        ValueError, match=re.escape(f"epochs must be a whole number >= 1; got {epochs!r}")
    ):
        model_3_4_2.fit(X, Y, learning_rate=0.1, epochs=epochs)


@pytest.mark.parametrize("batch_size", [0, -1, 6, 2.5, True, "2"])
def test_bad_batch_size(model_3_4_2, batch_size):
    X, Y = data(seed=0, m=5)
    message = (
        "batch_size must be a whole number from 1 to 5 (or None for all m examples); "
        f"got {batch_size!r}"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        model_3_4_2.fit(X, Y, learning_rate=0.1, epochs=1, batch_size=batch_size)


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize(
    ("layer", "W_shape", "b_shape", "message"),
    [
        (
            0,
            (3, 4),
            (4, 1),
            r"layer 1: W\^1 must be \(4, 3\) and b\^1 \(4, 1\) for layer sizes "
            r"\[3, 4, 2\]; got \(3, 4\) and \(4, 1\)",
        ),
        (
            1,
            (2, 4),
            (2,),
            r"layer 2: W\^2 must be \(2, 4\) and b\^2 \(2, 1\).*got \(2, 4\) and \(2,\)",
        ),
    ],
)
def test_parameters_assigned_with_a_wrong_shape(
    model_3_4_2, entry, layer, W_shape, b_shape, message
):
    model_3_4_2.weights[layer] = np.zeros(W_shape)
    model_3_4_2.biases[layer] = np.zeros(b_shape)
    X, Y = data(seed=0, m=5)
    with pytest.raises(ValueError, match=message):
        ENTRY_POINTS[entry](model_3_4_2, X, Y)


# ----- divergence -------------------------------------------------------------------------


def test_divergence_raises_training_diverged_with_the_finite_costs():
    # A linear output with half the squared error and learning rate 100 on XOR: the weights
    # grow by a factor of about 1e4 per epoch until the cost overflows.
    settings = {
        "hidden_activation": "tanh",
        "output_activation": "identity",
        "loss": "half_squared_error",
    }
    model = MLP([2, 8, 1], seed=0, **settings)
    with pytest.raises(TrainingDiverged, match="diverged") as caught:
        model.fit(XOR_X, XOR_Y, learning_rate=100, epochs=200)
    error = caught.value
    message = str(error)
    assert isinstance(error, RuntimeError)
    assert f"epoch {error.epoch}:" in message
    assert "learning rate 100" in message and "smaller learning rate" in message
    assert error.learning_rate == 100
    assert error.costs.shape == (error.epoch - 1,)
    assert np.all(np.isfinite(error.costs))
    # The same run step by step (step() does not watch for divergence): the first epoch
    # whose cost is not finite is the one reported, and the costs before it agree.
    twin = MLP([2, 8, 1], seed=0, **settings)
    costs = []
    with np.errstate(all="ignore"):
        for _ in range(200):
            cost = twin.step(XOR_X, XOR_Y, learning_rate=100)
            if not np.isfinite(cost):
                break
            costs.append(cost)
    assert error.epoch == len(costs) + 1
    np.testing.assert_array_equal(error.costs, costs)


def test_the_divergence_rule_judges_each_epoch_against_max_cost():
    # The same rule, with a limit: tanh hidden, linear output, learning rate 2 on XOR. The cost
    # of each epoch is measured before its step, so the first epoch above the limit is judged
    # at the end of that epoch, and the costs before it come with the error.
    settings = {"hidden_activation": "tanh", "output_activation": "identity"}
    free = MLP([2, 8, 1], loss="half_squared_error", seed=0, **settings)
    with np.errstate(all="ignore"):
        costs = np.array([free.step(XOR_X, XOR_Y, learning_rate=2.0) for _ in range(30)])
    limit = 3 * costs[0]
    first_above = int(np.argmax(costs > limit)) + 1
    assert 1 < first_above < 30  # it does blow up, and not at once
    model = MLP([2, 8, 1], loss="half_squared_error", seed=0, **settings)
    with pytest.raises(TrainingDiverged, match=f"at epoch {first_above}:") as caught:
        model.fit(XOR_X, XOR_Y, 2.0, 30, max_cost=limit)
    np.testing.assert_array_equal(caught.value.costs, costs[: first_above - 1])


def test_a_callback_may_measure_the_cost_the_rule_judges():
    # The playground judges the training cost after each epoch: its callback returns it.
    model = MLP([2, 4, 1], hidden_activation="tanh", seed=0)
    judged = iter([0.5, 0.6, 7.0, 0.1])
    with pytest.raises(TrainingDiverged, match="at epoch 3:") as caught:
        model.fit(XOR_X, XOR_Y, 0.5, 4, callback=lambda epoch, cost: next(judged), max_cost=1.0)
    assert caught.value.costs.shape == (2,)  # fit's own costs of epochs 1 and 2
    fine = MLP([2, 4, 1], hidden_activation="tanh", seed=0)
    fine.fit(XOR_X, XOR_Y, 0.5, 4, callback=lambda epoch, cost: None, max_cost=1.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_cost": 0}, "max_cost must be a positive finite number; got 0"),
        ({"max_cost": math.nan}, "max_cost must be a positive finite number; got nan"),
        (
            {"callback": lambda epoch, cost: "low"},
            "the cost to judge (the epoch's, or the number a callback returned) must be a "
            "number; got 'low'",
        ),
    ],
)
def test_bad_divergence_arguments(model_3_4_2, kwargs, message):
    X, Y = data(seed=0, m=5)
    with pytest.raises(ValueError, match=re.escape(message)):
        model_3_4_2.fit(X, Y, 0.1, 2, **kwargs)


# ----- validation happens once, at the entry point ----------------------------------------


@pytest.mark.parametrize(
    "train",
    [
        lambda model, X, Y: model.fit(X, Y, learning_rate=0.1, epochs=50),
        lambda model, X, Y: model.fit(X, Y, learning_rate=0.1, epochs=50, batch_size=2),
        lambda model, X, Y: model.step(X, Y, learning_rate=0.1),
        lambda model, X, Y: model.gradients(X, Y),
    ],
    ids=["fit", "fit-mini-batch", "step", "gradients"],
)
def test_data_are_checked_once_per_call(monkeypatch, train):
    calls = []
    check = MLP.check_data

    def counting_check(self, X, Y):
        calls.append(1)
        return check(self, X, Y)

    monkeypatch.setattr(MLP, "check_data", counting_check)
    X, Y = data(seed=9, m=6)
    train(MLP([3, 4, 2], seed=0), X, Y)
    assert len(calls) == 1


def test_gradient_norms_are_the_frobenius_norms_of_the_weight_gradients():
    rng = np.random.default_rng(5)
    model = MLP([3, 4, 5, 2], hidden_activation="tanh", seed=5)
    X, Y = rng.standard_normal((3, 7)), rng.integers(0, 2, (2, 7)).astype(float)
    dWs, _ = model.gradients(X, Y)
    norms = model.gradient_norms(X, Y)
    assert norms.shape == (3,)
    for norm, dW in zip(norms, dWs, strict=True):
        assert norm == pytest.approx(math.sqrt(np.sum(dW**2)), rel=1e-14)


@pytest.mark.parametrize(
    ("hidden", "hidden_init"),
    [("relu", "he_normal"), ("leaky_relu", "he_normal"), ("tanh", "scaled_normal")],
)
def test_the_default_init_is_he_for_relu_layers_only(hidden, hidden_init):
    # Same seed, same draws: each layer equals the named init's, layer by layer; the sigmoid
    # output layer keeps N(0, 1/n_{l-1}).
    default = MLP([30, 40, 20, 1], hidden_activation=hidden, seed=3)
    for l, expected in enumerate([hidden_init, hidden_init, "scaled_normal"]):
        named = MLP([30, 40, 20, 1], hidden_activation=hidden, init=expected, seed=3)
        np.testing.assert_array_equal(default.weights[l], named.weights[l])
    he = MLP([30, 40, 20, 1], hidden_activation=hidden, init="he_normal", seed=3)
    np.testing.assert_allclose(
        he.weights[0],
        math.sqrt(2)
        * MLP([30, 40, 20, 1], hidden_activation=hidden, init="scaled_normal", seed=3).weights[0],
    )


@pytest.mark.parametrize("batch_size", [1, 2, 5, 20])
def test_a_mini_batch_epoch_shrinks_w1_by_the_l2_factor_of_the_whole_training_set(batch_size):
    # With zero inputs z^1 = b^1 whatever W^1 is, so the data term of dJ/dW^1 is 0 and only the
    # L2 term (lambda / m) W^1 moves it: each of the m / b steps multiplies W^1 by
    # (1 - eta lambda / m), with m = 20 the size of the training set, not of the batch.
    m, eta, lam = 20, 0.1, 3.0
    model = MLP([2, 3, 1], hidden_activation="tanh", l2_lambda=lam, seed=1)
    W1 = model.weights[0].copy()
    X = np.zeros((2, m))
    Y = np.random.default_rng(2).integers(0, 2, (1, m)).astype(float)
    model.fit(X, Y, learning_rate=eta, epochs=1, batch_size=batch_size)
    np.testing.assert_allclose(model.weights[0], (1 - eta * lam / m) ** (m // batch_size) * W1)


def test_a_mini_batch_gradient_averages_to_the_full_gradient():
    # Unbiased: over all batches of one partition, the size-weighted mean of the step
    # gradients is the full-batch gradient of J (same weights, no step taken).
    rng = np.random.default_rng(4)
    model = MLP([3, 4, 1], hidden_activation="tanh", l2_lambda=0.7, seed=4)
    X, Y = rng.standard_normal((3, 12)), rng.integers(0, 2, (1, 12)).astype(float)
    full = model.gradients(X, Y)
    mean = [[np.zeros_like(g) for g in grads] for grads in full]
    for start in range(0, 12, 4):
        batch = slice(start, start + 4)
        Zs, As = model.forward(X[:, batch])
        for totals, grads in zip(mean, model._backward(Zs, As, Y[:, batch], 12), strict=True):
            for total, g in zip(totals, grads, strict=True):
                total += g * 4 / 12
    for means, fulls in zip(mean, full, strict=True):
        for g_mean, g_full in zip(means, fulls, strict=True):
            np.testing.assert_allclose(g_mean, g_full, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(("m", "batch_size"), [(5, 2), (7, 3), (6, 6), (9, 1), (10, 4)])
def test_an_epoch_uses_every_example_exactly_once(monkeypatch, m, batch_size):
    model = MLP([1, 2, 1], hidden_activation="tanh", seed=0)
    X = np.arange(m, dtype=float).reshape(1, m)  # each example's input is its index
    Y = np.zeros((1, m))
    seen = []
    original = model._step

    def record(X_batch, Y_batch, learning_rate, m_total):
        seen.append(X_batch.ravel().astype(int))
        assert m_total == m
        return original(X_batch, Y_batch, learning_rate, m_total)

    monkeypatch.setattr(model, "_step", record)
    model.fit(X, Y, learning_rate=0.1, epochs=2, batch_size=batch_size)
    per_epoch = -(-m // batch_size)  # ceil: the last batch may be smaller
    assert len(seen) == 2 * per_epoch
    for epoch in range(2):
        used = np.concatenate(seen[epoch * per_epoch : (epoch + 1) * per_epoch])
        assert sorted(used) == list(range(m))


def test_the_epoch_cost_weights_a_short_last_batch_by_its_length():
    # A step so small that the weights do not move: every batch cost is then taken at the
    # same weights, and their size-weighted mean is exactly the cost of the whole set.
    rng = np.random.default_rng(6)
    model = MLP([2, 3, 1], hidden_activation="tanh", l2_lambda=0.5, seed=6)
    X, Y = rng.standard_normal((2, 5)), rng.integers(0, 2, (1, 5)).astype(float)
    expected = model.cost(X, Y)
    (epoch_cost,) = model.fit(X, Y, learning_rate=1e-300, epochs=1, batch_size=2)  # 2, 2, 1
    assert epoch_cost == pytest.approx(expected, rel=1e-12)


def test_a_saturated_sigmoid_output_gets_the_fused_delta_a_minus_y():
    # a = sigmoid(-40) is about 4e-18, far below the clipping floor of cross-entropy: the
    # two-factor product dC/da * sigma'(z) gives about -0.019, the fused a - y gives -1.
    model = MLP([1, 1], output_activation="sigmoid", loss="cross_entropy")
    model.weights, model.biases = [np.zeros((1, 1))], [np.full((1, 1), -40.0)]
    X, Y = np.ones((1, 1)), np.ones((1, 1))
    dWs, dbs = model.gradients(X, Y)
    assert dbs[0].item() == pytest.approx(-1.0, abs=1e-12)
    assert dWs[0].item() == pytest.approx(-1.0, abs=1e-12)


def test_an_output_of_exactly_one_half_is_predicted_as_class_1():
    model = MLP([1, 1], output_activation="sigmoid")
    model.weights, model.biases = [np.zeros((1, 1))], [np.zeros((1, 1))]
    X = np.array([[0.3, -2.0]])
    np.testing.assert_array_equal(model.predict_proba(X), [[0.5, 0.5]])
    np.testing.assert_array_equal(model.predict(X), [[1.0, 1.0]])
