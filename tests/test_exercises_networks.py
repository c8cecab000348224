"""The checks of whole derivations: one neuron (notebook 01), the backward passes (03, 04)
and the spirals tuning task (06). Right answers written in different ways pass; each known
mistake, written as a student would write it, is rejected with its diagnosis."""

import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib import exercises
from backprop_lib.autodiff import Value
from backprop_lib.exercises import networks, neuron, tuning
from backprop_lib.lessons.playground_settings import PRESETS, Settings

# ----- one neuron ----------------------------------------------------------------------------


def neuron_by_hand(w, b, a_prev, y, residual=None):
    """The three derivatives by the chain rule, with a replaceable factor for the mistakes."""
    z = w * a_prev + b
    a = bp.sigmoid(z)
    dC_da = 2 * (a - y) if residual is None else residual(a, y)
    dC_dz = dC_da * bp.sigmoid_prime(z)
    return float(dC_dz * a_prev), float(dC_dz), float(dC_dz * w)


def neuron_by_autodiff(w, b, a_prev, y):
    """The same by the course's scalar autodiff engine: the library differentiates, not you."""
    w, b, a_prev = Value(w), Value(b), Value(a_prev)
    cost = ((w * a_prev + b).sigmoid() - y) ** 2
    cost.backward()
    return w.grad, b.grad, a_prev.grad


def neuron_as_arrays(w, b, a_prev, y):
    """Returned as 1-element arrays and a list: still three numbers."""
    dw, db, da = neuron_by_hand(w, b, a_prev, y)
    return [np.array([dw]), np.array(db), np.float64(da)]


@pytest.mark.parametrize("fn", [neuron_by_hand, neuron_as_arrays])
def test_right_neuron_gradients_pass(fn):
    for seed in (0, 1):
        result = exercises.check("neuron_gradients", fn, seed=seed)
        assert result.passed, result.message


def test_the_engines_backward_pass_is_no_answer_to_neuron_gradients():
    result = exercises.check("neuron_gradients", neuron_by_autodiff)
    assert result.message.startswith("wrong: neuron_gradients called backprop_lib.autodiff.Value")


def _neuron(**change):
    return lambda w, b, a_prev, y: neuron_by_hand(w, b, a_prev, y, **change)


NEURON_MISTAKES = [  # the catalogue's mistakes are run by tests/test_exercises_catalogue.py
    (_neuron(residual=lambda a, y: a - y), "half the right value: the square brings down"),
    (_neuron(residual=lambda a, y: 2 * (y - a)), "has the wrong sign everywhere"),
    (lambda *args: neuron_by_hand(*args)[:2], "return the three derivatives as a tuple"),
    (lambda *args: np.array(neuron_by_hand(*args)), "got a ndarray"),
    (lambda *args: ("0.1", 0.2, 0.3), "you returned str for dC_dw; expected a number"),
    (lambda *args: (np.ones(2), 0.2, 0.3), "an array of shape (2,) for dC_dw"),
    (lambda *args: (np.nan, 0.2, 0.3), "your dC_dw is nan"),
    (
        lambda w, b, a_prev, y: (0.0, *neuron_by_hand(w, b, a_prev, y)[1:]),
        "dC_db, dC_da_prev are right",
    ),
]


@pytest.mark.parametrize(("fn", "words"), NEURON_MISTAKES, ids=[w for _, w in NEURON_MISTAKES])
def test_each_neuron_mistake_is_named(fn, words):
    result = exercises.check("neuron_gradients", fn)
    assert result.status == "wrong" and words in result.message, result.message


# ----- backward passes -----------------------------------------------------------------------


def student_backward(model, X, Y, mistake=None):
    """A backward pass written in NumPy, as notebook 04 derives it, with one optional mistake
    (written independently of the checks' table of mistakes)."""
    Zs, As = model.forward(X)
    m, L = X.shape[1], len(model.weights)
    delta = model.loss_prime(As[L], Y) * model.g_out_prime(Zs[L - 1])
    lam = model.l2_lambda * m if mistake == "lambda" else model.l2_lambda
    dWs, dbs = [], []
    for l in range(L, 0, -1):
        scale = {"no_mean": m, "mean_twice": 1 / m}.get(mistake, 1.0)
        dW = scale * (delta @ As[l - 1].T) / m + lam / m * model.weights[l - 1]
        db = scale * delta.mean(axis=1, keepdims=True)
        dWs.insert(0, dW.T if mistake == "transposed" else dW)
        dbs.insert(0, db.ravel() if mistake == "flat_db" else db)
        if l > 1:
            W = model.weights[l - 1]
            back = (W if mistake == "no_transpose" else W.T) @ delta
            delta = model.g_prime(Zs[l - 2]) * back
    if mistake == "sign":
        return [-dW for dW in dWs], [-db for db in dbs]
    return dWs, dbs


def per_example_backward(model, X, Y, forward_each=False):
    """Backpropagation one example at a time, averaged: a slower, equal way. The forward
    pass runs once for all the examples, or (``forward_each``) once for each."""
    L, m = len(model.weights), X.shape[1]
    dWs = [np.zeros_like(W) for W in model.weights]
    dbs = [np.zeros_like(b) for b in model.biases]
    everything = None if forward_each else model.forward(X)
    for j in range(m):
        x, y = X[:, j : j + 1], Y[:, j : j + 1]
        if forward_each:
            Zs, As = model.forward(x)
        else:
            Zs, As = ([v[:, j : j + 1] for v in values] for values in everything)
        delta = model.loss_prime(As[L], y) * model.g_out_prime(Zs[L - 1])
        for l in range(L, 0, -1):
            dWs[l - 1] += delta @ As[l - 1].T / m
            dbs[l - 1] += delta / m
            if l > 1:
                delta = model.g_prime(Zs[l - 2]) * (model.weights[l - 1].T @ delta)
    lam = model.l2_lambda / m
    return [dW + lam * W for dW, W in zip(dWs, model.weights, strict=True)], dbs


def _with(mistake):
    return lambda model, X, Y: student_backward(model, X, Y, mistake)


@pytest.mark.parametrize("name", ["two_layer_backward_pass", "backward_pass"])
@pytest.mark.parametrize("fn", [student_backward, per_example_backward])
def test_right_backward_passes_pass(name, fn):
    for seed in (0, 1):
        result = exercises.check(name, fn, seed=seed)
        assert result.passed, result.message


@pytest.mark.parametrize("name", ["two_layer_backward_pass", "backward_pass"])
def test_the_models_own_gradients_are_rejected_as_a_delegation(name):
    """model.gradients was a right answer: it is the library's backward pass."""

    def library_backward(model, X, Y):
        return model.gradients(X, Y)

    result = exercises.check(name, library_backward)
    assert result.message.startswith(
        f"wrong: {name} called backprop_lib.network.MLP.gradients, the library's own answer"
    ), result.message


@pytest.mark.parametrize("name", ["two_layer_backward_pass", "backward_pass"])
def test_a_forward_pass_per_example_is_not_taken_for_central_differences(name):
    def forward_each(model, X, Y):
        return per_example_backward(model, X, Y, forward_each=True)

    result = exercises.check(name, forward_each)
    assert result.passed, result.message


COMMON_MISTAKES = [  # the table's mistakes as a student writes them, and the factor rules
    ("no_transpose", "where its transpose belongs"),
    ("no_mean", "m = 5 times too large: divide the sums over examples by m"),
    ("mean_twice", "m = 5 times too small: you divided by m twice"),
    ("transposed", "your dJ/dW^1 is the transpose of the right one"),
    ("flat_db", "dJ/db^1 has shape (3,) but must have shape (3, 1), a column"),
    ("sign", "your answer has the opposite sign"),
]

TWO_LAYER_MISTAKES = [  # without an L2 term a transposed dJ/dW is the table's slip
    (mistake, "your dJ/dW^l is transposed" if mistake == "transposed" else words)
    for mistake, words in COMMON_MISTAKES
]

BACKWARD_MISTAKES = [
    ("lambda", "your L2 term is lambda W;"),
    *[(mistake, words.replace("m = 5", "m = 4")) for mistake, words in COMMON_MISTAKES],
]


@pytest.mark.parametrize(
    ("mistake", "words"), TWO_LAYER_MISTAKES, ids=[m for m, _ in TWO_LAYER_MISTAKES]
)
def test_each_two_layer_mistake_is_named(mistake, words):
    result = exercises.check("two_layer_backward_pass", _with(mistake))
    assert result.status == "wrong" and words in result.message, result.message


@pytest.mark.parametrize(
    ("mistake", "words"), BACKWARD_MISTAKES, ids=[m for m, _ in BACKWARD_MISTAKES]
)
def test_each_backward_pass_mistake_is_named(mistake, words):
    result = exercises.check("backward_pass", _with(mistake))
    assert result.status == "wrong" and words in result.message, result.message


def test_a_backward_pass_that_changes_the_model_is_named():
    def steps_the_model(model, X, Y):
        dWs, dbs = student_backward(model, X, Y)
        model.weights[0] -= 0.1 * dWs[0]  # one gradient step, in place
        return dWs, dbs

    def replaces_the_weights(model, X, Y):
        dWs, dbs = student_backward(model, X, Y)
        model.weights = [W - 0.1 * dW for W, dW in zip(model.weights, dWs, strict=True)]
        return dWs, dbs

    result = exercises.check("backward_pass", steps_the_model)
    assert result.message == (
        "wrong: backward_pass changed its argument model.weights[0]: leave the inputs as they "
        "are and compute new arrays (for example work on a copy)."
    )
    result = exercises.check("backward_pass", replaces_the_weights)
    assert "changed its argument model.weights[0]" in result.message

    def fits(model, X, Y):
        return model.fit(X, Y, 0.1, 1)

    # model.fit changes the model too, but it runs the library's backward pass: that is said
    result = exercises.check("backward_pass", fits)
    assert "wrong: backward_pass called backprop_lib.network.MLP.fit," in result.message


@pytest.mark.parametrize(
    ("fn", "words"),
    [
        (
            lambda model, X, Y: student_backward(model, X, Y)[0],
            "return (dWs, dbs), two lists of L = 3 arrays; got a list of 3",
        ),
        (
            lambda model, X, Y: ({}, []),
            "dWs must be a list of L = 3 arrays, one per layer; got a dict",
        ),
        (
            lambda model, X, Y: (
                student_backward(model, X, Y)[0][:2],
                student_backward(model, X, Y)[1],
            ),
            "got a list of 2",
        ),
        (
            lambda model, X, Y: (student_backward(model, X, Y)[0], [None] * 3),
            "wrong: dbs[0] (dJ/db^1) is None",
        ),
    ],
)
def test_a_malformed_backward_pass_answer_is_described(fn, words):
    result = exercises.check("backward_pass", fn)
    assert result.status == "wrong" and words in result.message, result.message


def test_a_wrong_layer_is_located():
    def wrong_first_layer(model, X, Y):
        dWs, dbs = student_backward(model, X, Y)
        return [2 * dWs[0], *dWs[1:]], dbs

    message = exercises.check("backward_pass", wrong_first_layer).message
    assert message.startswith("wrong: your dJ/dW^1 differs from central differences of model.cost")
    assert "(dJ/dW^2, dJ/dW^3, dJ/db^1, dJ/db^2, dJ/db^3 are right)" in message


def test_the_backward_cases_avoid_relus_kink_and_cover_the_contract():
    cases = networks.BACKWARD_PASS.cases(np.random.default_rng(0))
    depths = {len(case.args[0].weights) for case in cases}
    ms = {case.context["m"] for case in cases}
    assert depths >= {2, 3, 4} and 1 in ms and max(ms) >= 50
    assert all(case.context["l2_lambda"] > 0 for case in cases)
    for case in cases:
        model, X, _ = case.args
        Zs, _ = model.forward(X)
        assert all(np.min(np.abs(z)) >= networks.RELU_MARGIN for z in Zs[:-1])


# ----- notebook 06: the tuning task ------------------------------------------------------------


SENSIBLE = Settings(dataset="spirals", noise=0.05, units=8, activation="relu", learning_rate=0.3)
"""Two ReLU layers of 8 with learning rate 0.3: settings a student finds, no preset."""


def sensible_settings():
    return SENSIBLE


def spiral_deep():
    return PRESETS["spiral-deep"]


def test_the_tuning_check_trains_with_the_settings_optimizer():
    """The check's run is the playground's: Adam's settings train with Adam."""
    from backprop_lib.exercises import tuning
    from backprop_lib.lessons.playground import Playground

    adam = SENSIBLE.replace(optimizer="adam", learning_rate=0.01)
    outcome, epoch, _ = tuning._train(adam)
    run, reached = Playground(adam), None
    for step in range(1, epoch + 1):
        run.run(1)
        if run.model.accuracy(run.X_test, run.Y_test) >= tuning.SPIRAL_TARGET:
            reached = step
            break
    assert (outcome, epoch) == ("reached", reached)
    assert epoch != tuning._train(SENSIBLE.replace(learning_rate=0.01))[1]


def test_sensible_settings_reach_the_target_and_the_preset_is_refused():
    result = exercises.check("spiral_settings", sensible_settings)
    assert result.passed
    assert result.message == (
        "right: your settings reach test accuracy 0.85 at epoch 195 (the target is 0.85 within "
        "400 epochs)."
    )
    assert exercises.check("spiral_settings", sensible_settings, seed=1).passed
    assert exercises.check("spiral_settings", spiral_deep).message == (
        "wrong: you returned the playground's preset 'spiral-deep': the task asks for settings "
        "you found yourself."
    )


def test_the_default_settings_on_the_spirals_fall_short():
    for noise in (0.1, 0.05):
        result = exercises.check(
            "spiral_settings", lambda noise=noise: Settings(dataset="spirals", noise=noise)
        )
        assert result.status == "wrong"
        assert "in 400 epochs; the target is 0.85." in result.message
    assert exercises.SPIRAL_EPOCHS == 400 and exercises.SPIRAL_TARGET == 0.85


@pytest.mark.parametrize(
    ("fn", "words"),
    [
        (lambda: None, "return a playground_settings.Settings"),
        (lambda: PRESETS["spiral-deep"].as_dict(), "got a dict"),
        (
            lambda: Settings(dataset="moons", noise=0.05),
            "the task is the spirals: use dataset=\"spirals\" (got 'moons')",
        ),
        (lambda: Settings(), "you returned the playground's preset 'default'"),
        (lambda: PRESETS["spiral-deep"].replace(noise=0.0), "noise 0 makes the task easier"),
        (lambda: PRESETS["spiral-deep"].replace(train_fraction=0.9), "keep train_fraction at 0.5"),
        (
            lambda: Settings(dataset="spirals", units=0),
            "raised ValueError: units must be a whole number",
        ),
        (
            lambda: Settings(dataset="spirals", noise=0.05, learning_rate=10.0),
            "wrong: training diverged at epoch 1: lower the learning rate (it is 10).",
        ),
    ],
)
def test_a_wrong_tuning_answer_is_described(fn, words):
    result = exercises.check("spiral_settings", fn)
    assert result.status == "wrong" and words in result.message, result.message


def test_the_tuning_stub_is_not_done_yet():
    def stub():
        raise NotImplementedError("Return Settings that learn the spirals.")

    result = exercises.check("spiral_settings", stub)
    assert (
        result.status == "not done" and "Return Settings that learn the spirals" in result.message
    )


def test_the_tuning_check_uses_the_task_data():
    assert PRESETS["spiral-deep"].noise == tuning.SPIRAL_NOISE
    assert Settings().train_fraction == tuning.SPIRAL_TRAIN_FRACTION


def test_every_diagnosis_in_the_catalogues_is_reached_by_a_test():
    """Each factor message of the neuron and backward-pass checks is the answer of at least one
    of the rows above (their catalogues' mistakes are reached by test_exercises_catalogue.py)."""
    answers = [(neuron.NEURON_GRADIENTS, fn) for fn, _ in NEURON_MISTAKES]
    answers += [(networks.TWO_LAYER_BACKWARD_PASS, _with(m)) for m, _ in TWO_LAYER_MISTAKES]
    answers += [(networks.BACKWARD_PASS, _with(m)) for m, _ in BACKWARD_MISTAKES]
    steps = (*neuron.STEPS, *networks.STEPS)
    messages = {step.name: [] for step in steps}
    for step, fn in answers:
        messages[step.name].append(exercises.check(step.name, fn).message)
    for step in steps:
        for template in step.factors.values():
            prefix = template.split("{")[0]
            assert any(m.startswith(prefix) for m in messages[step.name]), template


def test_the_visible_and_the_hidden_tuning_check_train_once():
    tuning._train.cache_clear()
    first = exercises.check("spiral_settings", sensible_settings)
    hidden = exercises.check("spiral_settings", sensible_settings, seed=4)
    assert first == hidden and tuning._train.cache_info().hits == 1
