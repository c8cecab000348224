"""Tests for backprop_lib.optimizers: each optimizer against a written-out loop of torch.optim's
documented rule, hand-worked first steps, the learning-rate schedules, bad hyperparameters, and
MLP.fit with each optimizer."""

import math
import re

import numpy as np
import pytest

from backprop_lib import MLP, SGD, Adam, RMSProp, TrainingDiverged, data
from backprop_lib.optimizers import cosine_decay, linear_warmup, step_decay

SHAPES = [(3, 4), (3, 1), (1, 3)]
STEPS = 30


class Problem:
    """A random problem on three arrays of SHAPES: the cost sum_i sum(h_i (p_i - c_i)^2 / 2
    + sin(p_i)), whose gradient h_i (p_i - c_i) + cos(p_i) has curvatures h_i from 0.01 to 100
    (where Adam and RMSProp differ from gradient descent) and is not linear in p_i."""

    def __init__(self, seed):
        rng = np.random.default_rng(seed)
        self.h = [10 ** rng.uniform(-2, 2, shape) for shape in SHAPES]
        self.c = [rng.standard_normal(shape) for shape in SHAPES]
        self.start = [rng.standard_normal(shape) for shape in SHAPES]

    def gradients(self, params):
        return [h * (p - c) + np.cos(p) for h, c, p in zip(self.h, self.c, params, strict=True)]


# ----- torch.optim's rules, written out from their documentation (new arrays each step) ------


def reference_sgd(problem, lr, momentum=0.0, nesterov=False):
    """torch.optim.SGD (dampening 0, no weight decay): b_1 = g_1, b_t = mu b_{t-1} + g_t;
    with nesterov g_t + mu b_t, else b_t, times lr, taken from theta."""
    params, buffers, path = [p.copy() for p in problem.start], [None] * len(SHAPES), []
    for t in range(1, STEPS + 1):
        grads = problem.gradients(params)
        for i, g in enumerate(grads):
            if momentum != 0:
                buffers[i] = g if t == 1 else momentum * buffers[i] + g
                g = g + momentum * buffers[i] if nesterov else buffers[i]
            params[i] = params[i] - lr(t - 1) * g
        path.append(list(params))
    return path


def reference_rmsprop(problem, lr, alpha=0.99, eps=1e-8):
    """torch.optim.RMSprop (not centred, no momentum): v_t = alpha v_{t-1} + (1 - alpha) g_t^2,
    theta_t = theta_{t-1} - lr g_t / (sqrt(v_t) + eps), from v_0 = 0."""
    params, v, path = [p.copy() for p in problem.start], [0.0] * len(SHAPES), []
    for t in range(1, STEPS + 1):
        grads = problem.gradients(params)
        for i, g in enumerate(grads):
            v[i] = alpha * v[i] + (1 - alpha) * g**2
            params[i] = params[i] - lr(t - 1) * g / (np.sqrt(v[i]) + eps)
        path.append(list(params))
    return path


def reference_adam(problem, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    """torch.optim.Adam (weight_decay 0) and AdamW: theta_t = theta_{t-1} (1 - lr lambda), then
    m_t = b1 m_{t-1} + (1 - b1) g_t, v_t = b2 v_{t-1} + (1 - b2) g_t^2,
    m_hat = m_t / (1 - b1^t), v_hat = v_t / (1 - b2^t),
    theta_t = theta_t - lr m_hat / (sqrt(v_hat) + eps), from m_0 = v_0 = 0."""
    (b1, b2), n = betas, len(SHAPES)
    params, m, v, path = [p.copy() for p in problem.start], [0.0] * n, [0.0] * n, []
    for t in range(1, STEPS + 1):
        grads = problem.gradients(params)
        rate = lr(t - 1)
        for i, g in enumerate(grads):
            params[i] = params[i] * (1 - rate * weight_decay)
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g**2
            m_hat, v_hat = m[i] / (1 - b1**t), v[i] / (1 - b2**t)
            params[i] = params[i] - rate * m_hat / (np.sqrt(v_hat) + eps)
        path.append(list(params))
    return path


def constant(rate):
    return lambda t: rate


def cosine(t):
    return cosine_decay(t, 0.05, STEPS, final=0.001)


CASES = {
    "sgd": (lambda: SGD(0.01), lambda p: reference_sgd(p, constant(0.01))),
    "momentum": (
        lambda: SGD(0.005, momentum=0.9),
        lambda p: reference_sgd(p, constant(0.005), momentum=0.9),
    ),
    "nesterov": (
        lambda: SGD(0.005, momentum=0.8, nesterov=True),
        lambda p: reference_sgd(p, constant(0.005), momentum=0.8, nesterov=True),
    ),
    "rmsprop": (lambda: RMSProp(0.01), lambda p: reference_rmsprop(p, constant(0.01))),
    "rmsprop-0.9": (
        lambda: RMSProp(0.02, decay=0.9, epsilon=1e-3),
        lambda p: reference_rmsprop(p, constant(0.02), alpha=0.9, eps=1e-3),
    ),
    "adam": (lambda: Adam(0.05), lambda p: reference_adam(p, constant(0.05))),
    "adam-betas": (
        lambda: Adam(0.05, beta1=0.5, beta2=0.9, epsilon=1e-4),
        lambda p: reference_adam(p, constant(0.05), betas=(0.5, 0.9), eps=1e-4),
    ),
    "adamw": (
        lambda: Adam(0.05, weight_decay=0.1),
        lambda p: reference_adam(p, constant(0.05), weight_decay=0.1),
    ),
    "adam-cosine": (lambda: Adam(cosine), lambda p: reference_adam(p, cosine)),
    "momentum-warm-up": (
        lambda: SGD(lambda t: linear_warmup(t, 0.005, 10), momentum=0.9),
        lambda p: reference_sgd(p, lambda t: linear_warmup(t, 0.005, 10), momentum=0.9),
    ),
}


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("case", CASES)
def test_each_optimizer_follows_torchs_rule_step_for_step(case, seed):
    make, reference = CASES[case]
    problem = Problem(seed)
    optimizer, params = make(), [p.copy() for p in problem.start]
    for t, expected in enumerate(reference(problem), start=1):
        optimizer.step(params, problem.gradients(params))
        assert optimizer.t == t
        for ours, theirs in zip(params, expected, strict=True):
            np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-14)
    moved = max(np.max(np.abs(p - p0)) for p, p0 in zip(params, problem.start, strict=True))
    assert moved > 0.01  # the steps were not all negligible


# ----- hand-worked steps -----------------------------------------------------------------------


def test_adams_first_step_moves_every_entry_by_about_the_learning_rate():
    # With m_0 = v_0 = 0: m_1 = (1 - b1) g, v_1 = (1 - b2) g^2, so m_hat = g, v_hat = g^2 and
    # the step is lr g / (|g| + eps) = lr sign(g) (up to eps), whatever the size of g.
    g = np.array([[1e-4, -3.0, 250.0]])
    p = np.zeros((1, 3))
    Adam(0.1).step([p], [g])
    np.testing.assert_allclose(p, -0.1 * np.sign(g), rtol=1e-3)


def test_momentum_adds_up_a_constant_gradient():
    # g = 1 each step, mu = 0.9: b = 1, then 0.9 * 1 + 1 = 1.9, then 0.9 * 1.9 + 1 = 2.71;
    # theta moves by lr (1 + 1.9 + 2.71) = 0.1 * 5.61 = 0.561.
    p = np.zeros((2, 2))
    optimizer = SGD(0.1, momentum=0.9)
    for _ in range(3):
        optimizer.step([p], [np.ones((2, 2))])
    np.testing.assert_allclose(p, -0.561, rtol=1e-14)
    np.testing.assert_allclose(optimizer.state[0][0], 2.71, rtol=1e-14)


def test_rmsprop_divides_by_the_root_mean_square_of_the_gradient():
    # First step, rho = 0.99: v = 0.01 g^2, so the step is lr g / (0.1 |g| + eps) = 10 lr sign(g).
    g = np.array([[2.0, -0.5]])
    p = np.zeros((1, 2))
    RMSProp(0.01).step([p], [g])
    np.testing.assert_allclose(p, -0.1 * np.sign(g), rtol=1e-6)


def test_weight_decay_shrinks_the_weights_apart_from_the_gradient():
    # A zero gradient: Adam's step is 0 / (0 + eps) = 0; only (1 - lr lambda) acts.
    p = np.full((2, 3), 4.0)
    optimizer = Adam(0.1, weight_decay=0.5)
    for _ in range(3):
        optimizer.step([p], [np.zeros((2, 3))])
    np.testing.assert_allclose(p, 4.0 * (1 - 0.1 * 0.5) ** 3, rtol=1e-14)


def test_the_learning_rate_may_change_between_steps_and_the_state_stays():
    problem = Problem(4)
    changed, params = Adam(0.05), [p.copy() for p in problem.start]
    for t in range(STEPS):
        changed.learning_rate = 0.05 if t < 10 else 0.01
        changed.step(params, problem.gradients(params))
    expected = reference_adam(problem, lambda t: 0.05 if t < 10 else 0.01)[-1]
    for ours, theirs in zip(params, expected, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-14)


# ----- schedules -------------------------------------------------------------------------------


def test_step_decay_drops_by_a_factor_every_so_many_steps():
    rates = [step_decay(t, 0.1, every=3, drop=0.5) for t in range(8)]
    assert rates == pytest.approx([0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025], rel=1e-15)


def test_cosine_decay_goes_from_the_learning_rate_to_the_final_one_and_stays():
    assert cosine_decay(0, 0.1, 100, final=0.01) == pytest.approx(0.1, rel=1e-15)
    assert cosine_decay(50, 0.1, 100, final=0.01) == pytest.approx(0.055, rel=1e-14)  # halfway
    assert cosine_decay(100, 0.1, 100, final=0.01) == pytest.approx(0.01, rel=1e-14)
    assert cosine_decay(500, 0.1, 100, final=0.01) == pytest.approx(0.01, rel=1e-14)
    rates = [cosine_decay(t, 0.1, 100) for t in range(101)]
    assert np.all(np.diff(rates) < 0)  # falls all the way
    # torch's CosineAnnealingLR, in closed form: eta_min + (eta - eta_min)(1 + cos(pi t/T))/2
    assert cosine_decay(30, 2.0, 80) == pytest.approx((1 + math.cos(math.pi * 30 / 80)), rel=1e-15)


def test_linear_warmup_rises_to_the_learning_rate_and_wraps_another_schedule():
    assert [linear_warmup(t, 0.1, 4) for t in range(6)] == pytest.approx(
        [0.025, 0.05, 0.075, 0.1, 0.1, 0.1], rel=1e-15
    )
    combined = [linear_warmup(t, cosine_decay(t, 0.1, 20), 5) for t in range(20)]
    assert combined[0] == pytest.approx(cosine_decay(0, 0.1, 20) / 5)  # = 0.1 / 5
    assert np.argmax(combined) == 4  # up for 5 steps, then down


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: step_decay(-1, 0.1, 3), "t must be a whole number >= 0; got -1"),
        (lambda: step_decay(2.5, 0.1, 3), "t must be a whole number >= 0; got 2.5"),
        (lambda: step_decay(0, 0.1, 0), "every must be a whole number >= 1; got 0"),
        (lambda: step_decay(0, 0.1, 3, drop=2), "drop must be a finite number from 0 to 1"),
        (lambda: cosine_decay(0, 0.1, 0), "total must be a whole number >= 1; got 0"),
        (lambda: cosine_decay(0, 0.1, 5, final=-1), "final must be a finite number >= 0"),
        (lambda: linear_warmup(0, 0.1, 0), "warmup must be a whole number >= 1; got 0"),
    ],
)
def test_bad_schedule_arguments(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


# ----- bad hyperparameters and bad calls -------------------------------------------------------

RATE = "learning_rate must be a positive finite number; got {} (or a schedule: a function of"


FRACTION = "must be a finite number from 0 to below 1; got "


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: SGD(0), RATE.format("0")),
        (lambda: SGD(-0.1), RATE.format("-0.1")),
        (lambda: Adam(math.nan), RATE.format("nan")),
        (lambda: RMSProp("0.1"), RATE.format("'0.1'")),
        (lambda: Adam(True), RATE.format("True")),
        (lambda: SGD(0.1, momentum=1.0), "momentum " + FRACTION + "1.0"),
        (lambda: SGD(0.1, momentum=-0.5), "momentum " + FRACTION + "-0.5"),
        (lambda: SGD(0.1, nesterov=True), "nesterov=True needs a momentum > 0; got momentum=0"),
        (lambda: SGD(0.1, 0.9, nesterov="yes"), "nesterov must be True or False; got 'yes'"),
        (lambda: RMSProp(0.1, decay=1), "decay " + FRACTION + "1"),
        (lambda: RMSProp(0.1, epsilon=0), "epsilon must be a positive finite number; got 0"),
        (lambda: Adam(0.1, beta1=1.0), "beta1 " + FRACTION + "1.0"),
        (lambda: Adam(0.1, beta2=-0.1), "beta2 " + FRACTION + "-0.1"),
        (lambda: Adam(0.1, epsilon=-1e-8), "epsilon must be a positive finite number; got -1e-08"),
        (lambda: Adam(0.1, weight_decay=-1), "weight_decay must be a finite number >= 0; got -1"),
    ],
)
def test_bad_hyperparameters_say_what_was_expected_and_what_came(make, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        make()


def test_a_bad_learning_rate_set_later_is_refused_too():
    optimizer = Adam(0.1)
    with pytest.raises(ValueError, match=re.escape(RATE.format("0.0"))):
        optimizer.learning_rate = 0.0
    assert optimizer.learning_rate == 0.1


def test_a_schedule_that_returns_a_bad_rate_is_named_with_its_step():
    optimizer = SGD(lambda t: 0.1 - 0.05 * t)  # negative from t = 3 on
    p = np.zeros((1, 1))
    for _ in range(3):
        optimizer.step([p], [np.ones((1, 1))])
    message = "a learning-rate schedule must return a finite number >= 0; at step t = 3 it "
    with pytest.raises(ValueError, match=re.escape(message + "returned -0.05")):
        optimizer.step([p], [np.ones((1, 1))])


IN_PLACE = "params[0] must be a float64 NumPy array (it is updated in place); got a "


@pytest.mark.parametrize(
    ("params", "grads", "message"),
    [
        (
            [np.zeros((2, 2))],
            [],
            "params and grads must list the same number of arrays; got 1 and 0",
        ),
        (
            [np.zeros((2, 2))],
            [np.zeros((1, 2))],
            "grads[0] must have the shape of params[0], (2, 2); got (1, 2)",
        ),
        ([[0.0, 1.0]], [[0.0, 1.0]], IN_PLACE + "list"),
        ([np.zeros(2, dtype=int)], [np.zeros(2)], IN_PLACE + "array of int64"),
    ],
)
def test_bad_arrays_are_named(params, grads, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        Adam(0.1).step(params, grads)


def test_an_optimizer_keeps_to_the_arrays_it_started_with():
    optimizer = SGD(0.1, momentum=0.5)
    optimizer.step([np.zeros((2, 3)), np.zeros((2, 1))], [np.ones((2, 3)), np.ones((2, 1))])
    message = (
        "this SGD keeps state for arrays of shapes [(2, 3), (2, 1)]; got [(4, 3)]: use a new "
        "optimizer for another network"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        optimizer.step([np.zeros((4, 3))], [np.ones((4, 3))])


# ----- MLP.fit with an optimizer -----------------------------------------------------------------


def moons():
    X, Y = data.make_toy_dataset("moons", 100, 0.1, seed=1)
    return X, Y


FIT_OPTIMIZERS = {
    "sgd": lambda: SGD(0.5),
    "momentum": lambda: SGD(0.1, momentum=0.9),
    "nesterov": lambda: SGD(0.1, momentum=0.9, nesterov=True),
    "rmsprop": lambda: RMSProp(0.01),
    "adam": lambda: Adam(0.02),
    "adamw": lambda: Adam(0.02, weight_decay=0.01),
    "adam-cosine": lambda: Adam(lambda t: cosine_decay(t, 0.05, 300)),
}


@pytest.mark.parametrize("name", FIT_OPTIMIZERS)
@pytest.mark.parametrize("batch_size", [None, 10])
def test_fit_with_each_optimizer_lowers_the_cost(name, batch_size):
    X, Y = moons()
    optimizer = FIT_OPTIMIZERS[name]()
    model = MLP([2, 8, 1], hidden_activation="tanh", seed=0)
    costs = model.fit(X, Y, epochs=150, batch_size=batch_size, optimizer=optimizer)
    assert costs[-1] < 0.5 * costs[0]
    assert model.accuracy(X, Y) >= 0.85
    steps = 150 * (1 if batch_size is None else 10)
    assert optimizer.t == steps  # one step per batch


def test_fit_without_an_optimizer_is_plain_gradient_descent_as_before():
    # fit(X, Y, learning_rate, epochs): written out, W <- W - lr dJ/dW with new arrays each
    # step, the cost measured before each step, exactly (the same floating-point operations).
    X, Y = moons()
    model = MLP([2, 5, 3, 1], l2_lambda=0.3, seed=2)
    twin = MLP([2, 5, 3, 1], l2_lambda=0.3, seed=2)
    costs = model.fit(X, Y, 0.7, 40)
    expected = []
    for _ in range(40):
        expected.append(twin.cost(X, Y))
        dWs, dbs = twin.gradients(X, Y)
        twin.weights = [W - 0.7 * dW for W, dW in zip(twin.weights, dWs, strict=True)]
        twin.biases = [b - 0.7 * db for b, db in zip(twin.biases, dbs, strict=True)]
    np.testing.assert_array_equal(costs, expected)
    for a, b in zip(model.weights + model.biases, twin.weights + twin.biases, strict=True):
        np.testing.assert_array_equal(a, b)


def test_fit_without_an_optimizer_equals_fit_with_sgd_in_mini_batches_too():
    X, Y = moons()
    plain, explicit = (MLP([2, 6, 1], l2_lambda=0.1, seed=3) for _ in range(2))
    costs = plain.fit(X, Y, 0.3, 20, batch_size=7)
    np.testing.assert_array_equal(
        costs, explicit.fit(X, Y, epochs=20, batch_size=7, optimizer=SGD(0.3))
    )
    np.testing.assert_array_equal(plain.weights[0], explicit.weights[0])


def test_an_optimizers_state_goes_on_from_one_fit_to_the_next():
    X, Y = moons()
    once, twice = (MLP([2, 6, 1], seed=4) for _ in range(2))
    once.fit(X, Y, epochs=10, batch_size=20, optimizer=Adam(0.01))
    adam = Adam(0.01)
    twice.fit(X, Y, epochs=4, batch_size=20, optimizer=adam)
    twice.fit(X, Y, epochs=6, batch_size=20, optimizer=adam)
    np.testing.assert_array_equal(once.weights[0], twice.weights[0])


def test_fit_leaves_the_arrays_a_caller_kept_as_they_were():
    X, Y = moons()
    model = MLP([2, 4, 1], seed=5)
    kept = model.weights[0]
    before = kept.copy()
    model.fit(X, Y, epochs=3, optimizer=Adam(0.1))
    np.testing.assert_array_equal(kept, before)  # the optimizer worked on the model's copies
    assert not np.array_equal(model.weights[0], before)


def test_the_learning_rate_goes_to_the_optimizer_or_to_fit_not_both():
    X, Y = moons()
    model = MLP([2, 4, 1], seed=5)
    message = "give the learning rate once: the optimizer holds it (Adam(0.01, beta1=0.9, "
    with pytest.raises(ValueError, match=re.escape(message)):
        model.fit(X, Y, 0.01, 3, optimizer=Adam(0.01))
    message = "optimizer must be an SGD, RMSProp or Adam of backprop_lib.optimizers, or None "
    with pytest.raises(ValueError, match=re.escape(message + "for plain gradient descent")):
        model.fit(X, Y, epochs=3, optimizer="adam")


def test_divergence_with_an_optimizer_names_its_learning_rate():
    # A linear output, half the squared error, Adam at learning rate 1e3 on XOR: the weights
    # jump by about 1e3 a step, so the cost passes 1e6 within a few epochs.
    X = np.array([[0.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, 1.0]])
    Y = np.array([[0.0, 1.0, 1.0, 0.0]])
    model = MLP([2, 8, 1], "tanh", "identity", "half_squared_error", seed=0)
    with pytest.raises(TrainingDiverged, match="learning rate 1000") as caught:
        model.fit(X, Y, epochs=50, optimizer=Adam(1e3), max_cost=1e6)
    assert caught.value.learning_rate == 1e3
    assert np.all(caught.value.costs <= 1e6)
    assert caught.value.costs.shape == (caught.value.epoch - 1,)
