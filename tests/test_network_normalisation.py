"""Tests of MLP's batch normalisation and dropout options (backprop_lib.network and
backprop_lib.propagation): the gradients of W, b, gamma and beta against central differences
with the dropout masks fixed, on every combination of the options; the training mode against
the forward pass written out with NumPy and the masks drawn from the seed; the running
statistics; the prediction mode; the optimizers on gamma and beta; the plain network
unchanged; and the errors."""

import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib.backward import backward_pass

EPSILON = 1e-5
"""Batch normalisation's epsilon, the package's default (PyTorch's)."""


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


HIDDEN = {"sigmoid": sigmoid, "tanh": np.tanh, "relu": lambda z: np.maximum(z, 0.0)}


def problem(output, m, seed=0):
    """X (3, m) and Y for a sigmoid output of 1 unit with cross-entropy, or a softmax output
    of 3 classes with one-hot Y."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(3, m))
    if output == "sigmoid":
        return X, rng.integers(0, 2, (1, m)).astype(float)
    return X, bp.one_hot(rng.integers(0, 3, m), 3)


def network(output, hidden="tanh", seed=1, **options):
    """An MLP [3, 4, 1, n_L] (a hidden layer of one unit) whose biases, gamma and beta are moved
    away from zeros and ones, so that every path of the gradients carries a signal."""
    if output == "sigmoid":
        model = bp.MLP([3, 4, 1, 1], hidden, seed=seed, **options)
    else:
        model = bp.MLP(
            [3, 4, 1, 3], hidden, "softmax", "categorical_cross_entropy", seed=seed, **options
        )
    rng = np.random.default_rng(seed + 100)
    model.biases = [rng.normal(0.0, 0.3, b.shape) for b in model.biases]
    model.gammas = [rng.uniform(0.5, 1.5, g.shape) for g in model.gammas]
    model.betas = [rng.normal(0.0, 0.5, b.shape) for b in model.betas]
    return model


def fixed_masks(model, m):
    """The masks that cost and gradients use, as the MLP documents them: drawn on each call,
    one hidden layer after the other, as ``Generator.random(shape) < keep_prob`` from a new
    Generator of the first child of the seed's SeedSequence."""
    rng = np.random.default_rng(np.random.SeedSequence(model.seed).spawn(1)[0])
    return [rng.random((n, m)) < model.keep_prob for n in model.layer_sizes[1:-1]]


def written_out(model, X, training, masks=()):
    """The forward pass with NumPy alone: (a^L, the hidden layers' activation inputs)."""
    g, a, inputs = HIDDEN[model.hidden_activation], X, []
    for l in range(1, len(model.weights)):
        z = model.weights[l - 1] @ a + model.biases[l - 1]
        if model.batchnorm:
            if training:  # the batch's mean and biased variance (divided by m)
                mean, variance = z.mean(axis=1, keepdims=True), z.var(axis=1, keepdims=True)
            else:
                mean, variance = model.running_means[l - 1], model.running_vars[l - 1]
            z = model.gammas[l - 1] * (z - mean) / np.sqrt(variance + EPSILON) + model.betas[l - 1]
        inputs.append(z)
        a = g(z) * masks[l - 1] / model.keep_prob if masks else g(z)
    z = model.weights[-1] @ a + model.biases[-1]
    if model.output_activation == "sigmoid":
        return sigmoid(z), inputs
    e = np.exp(z - z.max(axis=0))
    return e / e.sum(axis=0), inputs


def written_out_cost(model, a_L, Y, l2=True):
    m = Y.shape[1]
    if model.output_activation == "sigmoid":
        J = -np.sum(Y * np.log(a_L) + (1 - Y) * np.log(1 - a_L)) / m
    else:
        J = -np.sum(Y * np.log(a_L)) / m
    return J + l2 * model.l2_lambda / (2 * m) * sum(np.sum(W**2) for W in model.weights)


# ----- gradients against central differences, the masks fixed ------------------------------


@pytest.mark.parametrize(("l2_lambda", "m"), [(0.3, 2), (0.0, 9)])
@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
@pytest.mark.parametrize("hidden", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("keep_prob", [1.0, 0.5])
@pytest.mark.parametrize("batchnorm", [False, True])
def test_gradients_match_central_differences(batchnorm, keep_prob, hidden, output, l2_lambda, m):
    X, Y = problem(output, m)
    model = network(output, hidden, batchnorm=batchnorm, keep_prob=keep_prob, l2_lambda=l2_lambda)
    masks = fixed_masks(model, m) if keep_prob < 1 else ()
    if masks:  # some unit is dropped, and some kept: the mask's path is checked
        assert any((~mask).any() for mask in masks) and any(mask.any() for mask in masks)
    _, inputs = written_out(model, X, training=True, masks=masks)
    if hidden == "relu":  # central differences must not step over the kink
        assert min(np.abs(z).min() for z in inputs) > 1e-3
    grads = model.gradients(X, Y)
    names = ("W", "b", "gamma", "beta") if batchnorm else ("W", "b")
    assert len(grads) == len(names)
    lists = {"W": model.weights, "b": model.biases, "gamma": model.gammas, "beta": model.betas}
    for name, analytic in zip(names, grads, strict=True):
        assert len(analytic) == len(lists[name])
        for l, gradient in enumerate(analytic, start=1):
            f = bp.cost_of_parameter(model, X, Y, l, name)
            numerical = bp.numerical_gradient(f, lists[name][l - 1])
            # With batch normalisation b^l cancels (both gradients are round-off), and with
            # m = 2 or one unit the normalised layers' W^l get gradients near 1e-6.
            np.testing.assert_allclose(gradient, numerical, rtol=1e-6, atol=1e-9)


def test_check_network_gradients_compares_gamma_and_beta_too():
    X, Y = problem("sigmoid", 6, seed=2)
    model = bp.MLP([3, 4, 2, 1], "tanh", batchnorm=True, keep_prob=0.7, seed=3)
    assert max(bp.check_network_gradients(model, X, Y)) < bp.RIGHT_BELOW

    def twice(name):
        def gradients(X, Y):
            grads = dict(zip(("W", "b", "gamma", "beta"), model.gradients(X, Y), strict=True))
            grads[name] = [2 * g for g in grads[name]]
            return tuple(grads.values())

        return gradients

    for name in ("gamma", "beta"):
        errors = bp.check_network_gradients(model, X, Y, gradients=twice(name))
        assert min(errors[:2]) > bp.WRONG_ABOVE and errors[2] < bp.RIGHT_BELOW, (name, errors)


# ----- training mode: the batch's statistics and the masks of the seed ---------------------


@pytest.mark.parametrize(("batchnorm", "keep_prob"), [(True, 1.0), (False, 0.6), (True, 0.6)])
def test_cost_is_the_training_pass_written_out_with_the_masks_of_the_seed(batchnorm, keep_prob):
    X, Y = problem("softmax", 7, seed=3)
    model = network("softmax", "relu", seed=4, batchnorm=batchnorm, keep_prob=keep_prob)
    model.l2_lambda = 0.2
    masks = fixed_masks(model, 7) if keep_prob < 1 else ()
    a_L, _ = written_out(model, X, training=True, masks=masks)
    expected = written_out_cost(model, a_L, Y)
    assert model.cost(X, Y) == pytest.approx(expected, rel=1e-12)
    assert model.cost(X, Y) == model.cost(X, Y)  # the same masks on every call
    other = network("softmax", "relu", seed=5, batchnorm=batchnorm, keep_prob=keep_prob)
    other.weights, other.biases = model.weights, model.biases
    other.gammas, other.betas, other.l2_lambda = model.gammas, model.betas, 0.2
    if keep_prob < 1:  # another seed, other masks: the same parameters cost another J
        assert other.cost(X, Y) != pytest.approx(expected, rel=1e-6)


def test_dropout_masks_are_reproducible_from_the_seed_and_new_at_each_step():
    X, Y = problem("sigmoid", 8, seed=6)
    costs = [
        network("sigmoid", seed=seed, keep_prob=0.5).fit(X, Y, learning_rate=0.1, epochs=6)
        for seed in (7, 7, 8)
    ]
    np.testing.assert_array_equal(costs[0], costs[1])
    assert not np.array_equal(costs[0], costs[2])
    # A step so small that the parameters stay: each step's cost differs by its new masks,
    # while cost() keeps its fixed ones, which are those of the first step.
    model = network("sigmoid", seed=7, keep_prob=0.5)
    fixed = model.cost(X, Y)
    steps = [model.step(X, Y, learning_rate=1e-300) for _ in range(3)]
    assert steps[0] == fixed == model.cost(X, Y)
    assert len(set(steps)) == 3


def test_a_first_step_moves_every_parameter_by_minus_the_gradient():
    X, Y = problem("sigmoid", 6, seed=8)
    model = network("sigmoid", seed=9, batchnorm=True, keep_prob=0.6)
    before = [[p.copy() for p in group] for group in (model.weights, model.biases)]
    before += [[p.copy() for p in group] for group in (model.gammas, model.betas)]
    grads = model.gradients(X, Y)  # the masks of cost and gradients are the first step's
    model.step(X, Y, learning_rate=0.5)
    after = (model.weights, model.biases, model.gammas, model.betas)
    for olds, news, gradients in zip(before, after, grads, strict=True):
        for old, new, gradient in zip(olds, news, gradients, strict=True):
            np.testing.assert_array_equal(new, old - 0.5 * gradient)


# ----- the running statistics -------------------------------------------------------------


def batch_statistics_written_out(model, X):
    """Each hidden layer's batch mean and biased variance of z^l, in training mode."""
    statistics, a = [], X
    for l in range(1, len(model.weights)):
        z = model.weights[l - 1] @ a + model.biases[l - 1]
        mean, variance = z.mean(axis=1, keepdims=True), z.var(axis=1, keepdims=True)
        statistics.append((mean, variance))
        z_tilde = model.gammas[l - 1] * (z - mean) / np.sqrt(variance + EPSILON)
        a = np.tanh(z_tilde + model.betas[l - 1])
    return statistics


@pytest.mark.parametrize("train", ["step", "fit"])
@pytest.mark.parametrize("decay", [0.9, 0.5])
def test_running_statistics_average_the_batch_statistics_once_per_step(train, decay):
    # A learning rate so small that the parameters stay: after k steps on one batch the
    # running mean is (1 - d^k) mu and the running variance d^k + (1 - d^k) sigma^2, from
    # zeros and ones.
    X, Y = problem("sigmoid", 5, seed=10)
    statistics = batch_statistics_written_out(network("sigmoid", seed=11, batchnorm=True), X)
    for k in (1, 3):
        model = network("sigmoid", seed=11, batchnorm=True, running_decay=decay)
        if train == "step":
            for _ in range(k):
                model.step(X, Y, learning_rate=1e-300)
        else:
            model.fit(X, Y, learning_rate=1e-300, epochs=k)
        kept = decay**k
        for l, (mean, variance) in enumerate(statistics, start=1):
            np.testing.assert_allclose(model.running_means[l - 1], (1 - kept) * mean, rtol=1e-12)
            np.testing.assert_allclose(
                model.running_vars[l - 1], kept + (1 - kept) * variance, rtol=1e-12
            )


def test_running_statistics_approach_the_batch_mean_and_biased_variance():
    # 40 steps at d = 1/2 leave 2^-40 of the start: the batch's own mean, and its variance
    # divided by m = 5 (the unbiased one, divided by 4, is 25 % larger).
    X, Y = problem("sigmoid", 5, seed=10)
    model = network("sigmoid", seed=11, batchnorm=True, running_decay=0.5)
    statistics = batch_statistics_written_out(model, X)
    model.fit(X, Y, learning_rate=1e-300, epochs=40)
    for (mean, variance), running_mean, running_var in zip(
        statistics, model.running_means, model.running_vars, strict=True
    ):
        np.testing.assert_allclose(running_mean, mean, rtol=1e-10)
        np.testing.assert_allclose(running_var, variance, rtol=1e-10)


def test_mini_batches_update_the_running_statistics_once_each():
    # Every column of X the same: each batch, in any order, has z^1's mean z_1 and variance 0.
    # Three steps of an epoch in batches of 4 at d = 1/2: the running mean is (1 - 1/8) z_1,
    # the running variance 1/8.
    X = np.tile(problem("sigmoid", 1, seed=12)[0], 12)
    Y = np.tile([[1.0, 0.0, 0.0]], 4)
    model = network("sigmoid", seed=13, batchnorm=True, running_decay=0.5)
    z_1 = model.weights[0] @ X[:, :1] + model.biases[0]
    model.fit(X, Y, learning_rate=1e-300, epochs=1, batch_size=4)
    np.testing.assert_allclose(model.running_means[0], 0.875 * z_1, rtol=1e-12)
    np.testing.assert_allclose(model.running_vars[0], 0.125, rtol=1e-12)
    model.fit(X, Y, learning_rate=1e-300, epochs=1, batch_size=12)  # one step more
    np.testing.assert_allclose(model.running_means[0], 0.9375 * z_1, rtol=1e-12)


# ----- prediction mode ----------------------------------------------------------------------


def trained(output="sigmoid", **options):
    X, Y = problem(output, 16, seed=14)
    model = network(output, "relu", seed=15, **options)
    model.fit(X, Y, optimizer=bp.Adam(0.02), epochs=5, batch_size=8)
    return model, X, Y


@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
def test_prediction_mode_is_deterministic_and_normalises_with_the_running_statistics(output):
    model, X, Y = trained(output, batchnorm=True, keep_prob=0.5)
    assert not np.allclose(model.running_vars[0], 1.0)  # they have moved
    a_L = model.predict_proba(X)
    np.testing.assert_array_equal(model.predict_proba(X), a_L)
    expected, _ = written_out(model, X, training=False)
    np.testing.assert_allclose(a_L, expected, rtol=1e-12)
    # Each example alone gives its column: nothing depends on the batch.
    np.testing.assert_allclose(model.predict_proba(X[:, 3:4]), a_L[:, 3:4], rtol=1e-12)
    assert model.data_cost(X, Y) == pytest.approx(written_out_cost(model, a_L, Y), rel=1e-12)
    assert model.data_cost(X, Y) == model.data_cost(X, Y)
    Zs, As = model.forward(X)
    np.testing.assert_array_equal(As[-1], a_L)
    np.testing.assert_array_equal(Zs[0], model.weights[0] @ X + model.biases[0])
    training, _ = written_out(model, X, training=True, masks=fixed_masks(model, 16))
    assert model.cost(X, Y) == pytest.approx(written_out_cost(model, training, Y), rel=1e-12)
    assert not np.allclose(training, a_L)  # the two modes differ


def test_accuracy_and_predict_use_prediction_mode():
    model, X, Y = trained("softmax", batchnorm=True, keep_prob=0.5)
    a_L, _ = written_out(model, X, training=False)
    labels = np.argmax(a_L, axis=0, keepdims=True)
    np.testing.assert_array_equal(model.predict(X), labels)
    assert model.accuracy(X, Y) == np.mean(labels == np.argmax(Y, axis=0, keepdims=True))


# ----- the optimizers train gamma and beta, not the running statistics ---------------------


@pytest.mark.parametrize(
    "optimizer",
    [bp.SGD(0.1), bp.SGD(0.1, momentum=0.9), bp.RMSProp(0.01), bp.Adam(0.01)],
    ids=["sgd", "momentum", "rmsprop", "adam"],
)
def test_each_optimizer_updates_gamma_and_beta(optimizer):
    X, Y = problem("softmax", 10, seed=16)
    model = network("softmax", seed=17, batchnorm=True, keep_prob=0.8)
    gammas, betas = [g.copy() for g in model.gammas], [b.copy() for b in model.betas]
    model.fit(X, Y, optimizer=optimizer, epochs=3)
    for old, new in zip(gammas + betas, model.gammas + model.betas, strict=True):
        assert np.all(old != new)
    # One state per parameter array, W^1..W^3, b^1..b^3, gamma^1, gamma^2, beta^1, beta^2:
    # the running statistics are none of them.
    assert len(optimizer.state) == 10


# ----- the plain network, unchanged ---------------------------------------------------------


def plain_gradient_descent(model, X, Y, learning_rate, epochs):
    """Notebook 04's training loop written with the formula functions: the costs."""
    Ws, bs, costs = [W.copy() for W in model.weights], [b.copy() for b in model.biases], []
    for _ in range(epochs):
        Zs, As = [], [X]
        for l, (W, b) in enumerate(zip(Ws, bs, strict=True), start=1):
            Zs.append(bp.linear_forward(W, As[-1], b))
            As.append(bp.sigmoid(Zs[-1]) if l == len(Ws) else bp.tanh(Zs[-1]))
        costs.append(bp.mean_cost(bp.cross_entropy_from_logits(Zs[-1], Y)))
        delta, grads = bp.sigmoid_cross_entropy_delta(As[-1], Y), []
        for l in range(len(Ws), 0, -1):
            grads.insert(0, (bp.weight_gradient(delta, As[l - 1]), bp.bias_gradient(delta)))
            if l > 1:
                delta = bp.hidden_delta(Ws[l - 1], delta, bp.tanh_prime(Zs[l - 2]))
        for W, b, (dW, db) in zip(Ws, bs, grads, strict=True):
            W -= learning_rate * dW
            b -= learning_rate * db
    return np.array(costs), Ws, bs


def test_without_the_options_the_network_is_the_plain_one_bit_for_bit():
    X, Y = problem("sigmoid", 9, seed=18)
    for model in (
        bp.MLP([3, 4, 1, 1], "tanh", seed=19),
        bp.MLP([3, 4, 1, 1], "tanh", seed=19, batchnorm=False, keep_prob=1.0),
    ):
        costs, Ws, bs = plain_gradient_descent(model, X, Y, 0.3, epochs=5)
        assert model.gammas == model.betas == model.running_means == model.running_vars == []
        assert len(model.gradients(X, Y)) == 2
        np.testing.assert_array_equal(model.fit(X, Y, learning_rate=0.3, epochs=5), costs)
        for actual, expected in zip(model.weights + model.biases, Ws + bs, strict=True):
            np.testing.assert_array_equal(actual, expected)
        assert repr(model).endswith("seed=19)")  # the options are not shown at their defaults


# ----- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "got"),
    [
        (lambda model, X, Y: model.cost(X[:, :1], Y[:, :1]), "got X of shape (3, 1)"),
        (lambda model, X, Y: model.gradients(X[:, :1], Y[:, :1]), "got X of shape (3, 1)"),
        (lambda model, X, Y: model.step(X[:, :1], Y[:, :1], 0.1), "got X of shape (3, 1)"),
        (
            lambda model, X, Y: model.fit(X, Y, learning_rate=0.1, epochs=1, batch_size=1),
            "got batch_size=1 on m = 7",
        ),
        (
            lambda model, X, Y: model.fit(X, Y, learning_rate=0.1, epochs=1, batch_size=3),
            "got batch_size=3 on m = 7, which leaves a last batch of 1",
        ),
    ],
)
def test_batch_normalisation_refuses_a_training_batch_of_one(call, got):
    X, Y = problem("sigmoid", 7, seed=20)
    model = network("sigmoid", batchnorm=True)
    weights = [W.copy() for W in model.weights]
    with pytest.raises(ValueError) as caught:
        call(model, X, Y)
    assert str(caught.value) == (
        "batchnorm=True normalises each unit over its batch in training mode, so every batch "
        f"needs at least 2 examples (columns of X); {got}"
    )
    for before, after in zip(weights, model.weights, strict=True):  # refused before any step
        np.testing.assert_array_equal(before, after)
    model.predict_proba(X[:, :1])  # prediction mode takes one example
    network("sigmoid", keep_prob=0.5).cost(X[:, :1], Y[:, :1])  # so does dropout


KEEP_PROB = "keep_prob must be in (0, 1], the probability of keeping a unit; got "
DECAY = "running_decay must be a finite number from 0 to below 1; got "


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"keep_prob": 0.0}, KEEP_PROB + "0"),
        ({"keep_prob": 1.5}, KEEP_PROB + "1.5"),
        ({"keep_prob": -0.2}, KEEP_PROB + "-0.2"),
        ({"keep_prob": float("nan")}, "keep_prob must be a finite number; got nan"),
        ({"keep_prob": True}, "keep_prob must be a finite number; got True"),
        ({"keep_prob": "0.5"}, "keep_prob must be a finite number; got '0.5'"),
        ({"batchnorm": 1}, "batchnorm must be True or False; got 1"),
        ({"batchnorm": "yes"}, "batchnorm must be True or False; got 'yes'"),
        ({"batchnorm": None}, "batchnorm must be True or False; got None"),
        ({"running_decay": 1.0}, DECAY + "1.0"),
        ({"running_decay": -0.1}, DECAY + "-0.1"),
        ({"running_decay": False}, DECAY + "False"),
    ],
)
def test_bad_options_are_refused_with_what_was_expected(options, message):
    with pytest.raises(ValueError) as caught:
        bp.MLP([3, 4, 1], **options)
    assert str(caught.value) == message


def test_gamma_and_beta_are_checked_like_the_weights():
    X, Y = problem("sigmoid", 4)
    model = network("sigmoid", batchnorm=True)
    model.gammas[1] = np.ones((2, 1))
    with pytest.raises(ValueError, match=r"layer 2: gamma\^2 and beta\^2 must be \(1, 1\); got"):
        model.gradients(X, Y)
    with pytest.raises(ValueError, match=r"name must be 'W' or 'b'; got 'gamma'"):
        bp.cost_of_parameter(network("sigmoid"), X, Y, 1, "gamma")
    with pytest.raises(ValueError, match=r"from 1 to 2 \(a hidden layer of the network\); got 3"):
        bp.cost_of_parameter(network("sigmoid", batchnorm=True), X, Y, 3, "beta")


def test_a_normalised_network_that_blows_up_raises_training_diverged():
    # Weights so large that z^1 overflows to inf: batch normalisation's checks meet it in the
    # first step, the epoch's cost is NaN, and the divergence rule says so.
    X, Y = problem("sigmoid", 6, seed=21)
    model = network("sigmoid", batchnorm=True)
    model.weights[0] = model.weights[0] * 1e308
    weights = [W.copy() for W in model.weights]
    with pytest.raises(bp.TrainingDiverged, match="at epoch 1"):
        model.fit(X * 1e10, Y, learning_rate=0.1, epochs=3)
    for before, after in zip(weights, model.weights, strict=True):  # no step was taken
        np.testing.assert_array_equal(before, after)


def test_the_plain_backward_pass_refuses_batchnorm_and_dropout():
    X, Y = problem("sigmoid", 4)
    for options in ({"batchnorm": True}, {"keep_prob": 0.5}):
        with pytest.raises(ValueError, match=r"use model\.gradients\(X, Y\)"):
            backward_pass(network("sigmoid", **options), X, Y)
