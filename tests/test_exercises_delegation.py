"""A check refuses an answer that hands the exercise back to the library, and only that.

For every check but the tuning task (whose presets are refused, at the end): the library's
answer, called directly, through a saved reference, another import path or a copy of its
code, is refused and named; so are central differences, code that reads or changes the
library, and any answer in a kernel whose checks were patched. Honest answers still pass.
"""

import builtins
import importlib
import inspect
import sys
import types

import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib import exercises
from backprop_lib.lessons import capstone, single_neuron
from backprop_lib.lessons.playground_settings import PRESETS
from tests.honest_answers import HONEST, backward_vectorised, sweep_by_recursion
from tests.test_exercises_optimizers import adam_through, momentum_through

NAMES = [name for name in exercises.CHECKS if name != "spiral_settings"]
NETWORK_CHECKS = ("two_layer_backward_pass", "backward_pass", "minibatch_gradients")


# ----- the library's own answers, and four ways to reach them ----------------------------------


def _from_slope(cost_and_slope, w, a_prev):
    """neuron_cost_and_slope gives dC/dw; dC/db and dC/da_prev follow from it."""
    dC_dz = float(cost_and_slope[1][0]) / a_prev
    return dC_dz * a_prev, dC_dz, dC_dz * w


def _l2_of_m(gradients, model, X, m):
    """MLP.gradients on a batch divides lambda by its size b: move the L2 term to lambda / m."""
    dWs, dbs = gradients
    move = model.l2_lambda * (1 / m - 1 / X.shape[1])
    return [dW + move * W for dW, W in zip(dWs, model.weights, strict=True)], dbs


def _by_the_engine(value, op, a, b):
    x, y = value(a), value(b)
    binary = {"+": x + y, "-": x - y, "*": x * y, "/": x / y}
    unary = {"exp": x.exp, "log": x.log, "tanh": x.tanh, "sigmoid": x.sigmoid, "relu": x.relu}
    out = binary[op] if op in binary else unary[op]()
    out.backward()
    return x.grad, y.grad


DIRECT = {
    "sigmoid_prime": lambda z: bp.sigmoid_prime(z),
    "tanh_prime": lambda z: bp.tanh_prime(z),
    "relu_prime": lambda z: bp.relu_prime(z),
    "squared_error_prime": lambda a, y: bp.squared_error_prime(a, y),
    "half_squared_error_prime": lambda a, y: bp.half_squared_error_prime(a, y),
    "cross_entropy_prime": lambda a, y: bp.cross_entropy_prime(a, y),
    "sigmoid_cross_entropy_delta": lambda a, y: bp.sigmoid_cross_entropy_delta(a, y),
    "neuron_gradients": lambda w, b, a_prev, y: _from_slope(
        single_neuron.neuron_cost_and_slope(w, b, a_prev, y), w, a_prev
    ),
    "linear_forward": lambda W, a_prev, b: bp.linear_forward(W, a_prev, b),
    "output_delta": lambda dC_da, g_prime_z: bp.output_delta(dC_da, g_prime_z),
    "hidden_delta": lambda W, d, g: bp.hidden_delta(W, d, g),
    "weight_gradient": lambda d, a: bp.weight_gradient(d, a),
    "bias_gradient": lambda d: bp.bias_gradient(d),
    "l2_gradient": lambda W, lam, m: bp.l2_gradient(W, lam, m),
    "numerical_gradient": lambda f, x, epsilon=1e-5: bp.numerical_gradient(f, x, epsilon),
    "relative_error": lambda a, n: bp.relative_error(a, n),
    "two_layer_backward_pass": lambda model, X, Y: model.gradients(X, Y),
    "backward_pass": lambda model, X, Y: model.gradients(X, Y),
    "minibatch_gradients": lambda model, X, Y, m: _l2_of_m(model.gradients(X, Y), model, X, m),
    "local_derivatives": lambda op, a, b: _by_the_engine(bp.Value, op, a, b),
    "backward_sweep": lambda output: output.backward(),
    "softmax": lambda z: bp.softmax(z),
    "softmax_jacobian": lambda z: bp.softmax_jacobian(z),
    "softmax_cross_entropy_delta": lambda a, y: bp.softmax_cross_entropy_delta(a, y),
    "momentum_step": lambda *args: momentum_through(bp.SGD, *args),
    "adam_step": lambda *args: adam_through(bp.Adam, *args),
    "batchnorm_backward": lambda d_out, z, gamma, epsilon: bp.batchnorm_backward(
        d_out, z, gamma, epsilon
    ),
    "dropout_backward": lambda d_out, mask, keep_prob: bp.dropout_backward(d_out, mask, keep_prob),
    "capstone_backward": lambda cache, params, Y: capstone.engine_gradients(params, cache["X"], Y),
}
"""Each check answered by calling the library's answer the obvious way."""


def _call(f, *args, **kwargs):
    return f(*args, **kwargs)


LIBRARY = {n: (f"{getattr(bp, n).__module__}:{n}", _call) for n in DIRECT if hasattr(bp, n)} | {
    "neuron_gradients": (
        "backprop_lib.lessons.single_neuron:neuron_cost_and_slope",
        lambda f, w, b, a_prev, y: _from_slope(f(w, b, a_prev, y), w, a_prev),
    ),
    "two_layer_backward_pass": ("backprop_lib.network:MLP.gradients", _call),
    "backward_pass": ("backprop_lib.network:MLP.gradients", _call),
    "minibatch_gradients": (
        "backprop_lib.network:MLP.gradients",
        lambda f, model, X, Y, m: _l2_of_m(f(model, X, Y), model, X, m),
    ),
    "local_derivatives": ("backprop_lib.autodiff:Value", _by_the_engine),
    "backward_sweep": ("backprop_lib.autodiff:Value.backward", _call),
    "momentum_step": ("backprop_lib.optimizers:SGD", momentum_through),
    "adam_step": ("backprop_lib.optimizers:Adam", adam_through),
    "capstone_backward": (
        "backprop_lib.lessons.capstone:engine_gradients",
        lambda f, cache, params, Y: f(params, cache["X"], Y),
    ),
}
"""Check name -> (where the library's answer is defined, how an answer uses it)."""

SAID = {name: "called " + path.replace(":", ".") for name, (path, _) in LIBRARY.items()} | {
    "neuron_gradients": "used backprop_lib.lessons.single_neuron",
    "local_derivatives": "used backprop_lib.autodiff",
    "momentum_step": "used backprop_lib.optimizers",
    "adam_step": "used backprop_lib.optimizers",
}
"""What the verdict says the answer reached (a whole module is "used")."""


def _defined(path):
    """The object at ``module:qualname``, imported from the module that defines it."""
    module, _, qualname = path.partition(":")
    target = importlib.import_module(module)
    for part in qualname.split("."):
        target = getattr(target, part)
    return target


def _copy(target):
    """A new function on the same code object (a subclass, for a class), made outside."""
    if isinstance(target, type):
        return type(f"My{target.__name__}", (target,), {})
    return types.FunctionType(
        target.__code__, target.__globals__, "mine", target.__defaults__, target.__closure__
    )


SAVED = {name: getattr(bp, name) for name in LIBRARY if hasattr(bp, name)} | {
    "neuron_gradients": single_neuron.neuron_cost_and_slope,
    "two_layer_backward_pass": bp.MLP.gradients,
    "backward_pass": bp.MLP.gradients,
    "minibatch_gradients": bp.MLP.gradients,
    "local_derivatives": bp.Value,
    "backward_sweep": bp.Value.backward,
    "momentum_step": bp.SGD,
    "adam_step": bp.Adam,
    "capstone_backward": capstone.engine_gradients,
}
"""References saved before any check runs, as a notebook cell above the exercise would."""

ROUTES = {
    "saved": SAVED,
    "imported": {name: _defined(path) for name, (path, _) in LIBRARY.items()},
    "copied": {name: _copy(target) for name, target in SAVED.items()},
}


def _through(name, route):
    target, use = ROUTES[route][name], LIBRARY[name][1]

    def delegates(*args, **kwargs):
        return use(target, *args, **kwargs)

    return delegates


def _refused(name, fn, said):
    result = exercises.check(name, fn)
    assert result.status == "wrong", result.message
    assert result.message.startswith(f"wrong: {name} {said}, the library's own answer to this")


def test_every_check_has_a_delegation_and_honest_answers():
    assert set(DIRECT) == set(LIBRARY) == set(HONEST) == set(NAMES)
    assert all(len(HONEST[name]) >= 2 for name in NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_calling_the_librarys_answer_is_refused(name):
    _refused(name, DIRECT[name], SAID[name])


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("name", NAMES)
def test_the_librarys_answer_is_refused_however_it_is_reached(name, route):
    _refused(name, _through(name, route), SAID[name])


# ----- central differences ----------------------------------------------------------------------


def by_central_differences(model, X, Y, *m):
    """Each parameter moved by +-epsilon in turn, through the model's own cost."""
    epsilon, found = 1e-5, ([], [])
    for parameters, grads in zip((model.weights, model.biases), found, strict=True):
        for P in parameters:
            grad = np.zeros(P.shape)
            for index in np.ndindex(P.shape):
                kept = P[index]
                P[index] = kept + epsilon
                above = model.cost(X, Y)
                P[index] = kept - epsilon
                below = model.cost(X, Y)
                P[index] = kept
                grad[index] = (above - below) / (2 * epsilon)
            grads.append(grad)
    return found


@pytest.mark.parametrize("name", NETWORK_CHECKS)
def test_central_differences_through_the_models_cost_are_refused(name):
    result = exercises.check(name, by_central_differences)
    assert result.message.startswith(f"wrong: {name} ran the network's forward pass "), result
    assert "forward pass" in result.message and "central differences" in result.message


def _slopes(cost, arrays, epsilon=1e-6):
    """dcost/d(array) of each of ``arrays`` (a dict), every entry moved by +-epsilon in turn."""
    found = {}
    for name, array in arrays.items():
        found[name] = np.zeros(np.shape(array))
        for index in np.ndindex(found[name].shape):
            moved = [np.array(array, dtype=float) for _ in range(2)]
            moved[0][index] += epsilon
            moved[1][index] -= epsilon
            above, below = (cost(arrays | {name: value}) for value in moved)
            found[name][index] = (above - below) / (2 * epsilon)
    return found


def batchnorm_by_central_differences(d_out, z, gamma, epsilon):
    """J = sum(d_out * out), through bp.batchnorm_forward (beta's gradient needs no pass)."""

    def cost(values):
        out = bp.batchnorm_forward(values["z"], values["gamma"], np.zeros_like(gamma), epsilon)
        return float(np.sum(d_out * out))

    found = _slopes(cost, {"z": z, "gamma": gamma})
    return found["z"], found["gamma"], d_out.sum(axis=1, keepdims=True)


def capstone_by_central_differences(cache, params, Y):
    """Every node and parameter moved in turn, the forward steps run again from there."""
    found = {}
    for name in capstone.ORDER:
        if name in capstone.PARAMETERS:
            found |= _slopes(
                lambda q: capstone.forward_steps(params | q, cache["X"], Y)["J"],
                {name: params[name]},
            )
        else:
            start = [step for step, _ in capstone.STEPS].index(name) + 1
            found |= _slopes(
                lambda v, start=start: capstone.run_steps(cache | {"Y": Y} | v, params, start)["J"],
                {name: cache[name]},
            )
    return found


@pytest.mark.parametrize(
    ("name", "answer", "what"),
    [
        ("batchnorm_backward", batchnorm_by_central_differences, "batch normalisation's"),
        ("capstone_backward", capstone_by_central_differences, "the network's"),
    ],
)
def test_central_differences_through_the_librarys_forward_steps_are_refused(name, answer, what):
    result = exercises.check(name, answer)
    assert result.message.startswith(f"wrong: {name} ran {what} forward pass "), result
    assert "central differences" in result.message


def leans_on_numerical_gradient(*args, **kwargs):
    bp.numerical_gradient(np.sum, np.zeros(2))
    return args[0]


def leans_on_cost_of_parameter(*args, **kwargs):
    bp.cost_of_parameter(None, None, None, 1)
    return args[0]


@pytest.mark.parametrize("name", NAMES)
def test_the_librarys_central_differences_are_refused_in_every_check(name):
    _refused(name, leans_on_numerical_gradient, "called backprop_lib.gradcheck.numerical_gradient")
    _refused(name, leans_on_cost_of_parameter, "called backprop_lib.gradcheck.cost_of_parameter")


# ----- code that reads or changes the library, the checks or files ----------------------------

RAN = []
"""Filled by the functions below if they ever run: the rules refuse them before."""


def changes_the_library(*args):
    RAN.append("changes")
    bp.hidden_delta = bp.hidden_delta  # the same objects: harmless if it ever ran
    np.abs = np.abs


FORBIDDEN = [
    (lambda *args: RAN.append(inspect.getsource(bp.hidden_delta)), "getsource"),
    (lambda *args: RAN.append(args or importlib.reload(bp)), "reload"),
    (lambda *args: RAN.append(open(bp.backprop.__file__).read()), "open (line"),  # noqa: SIM115
    (lambda *args: RAN.append(bp.backprop.__file__), "__file__"),
    (lambda *args: exec("RAN.append('exec')"), "exec"),
    (changes_the_library, "a change to bp.hidden_delta (line 3), a change to np.abs (line 4)"),
]


@pytest.mark.parametrize("name", NAMES)
def test_code_that_reads_or_changes_the_library_is_refused_before_it_runs(name):
    for fn, what in FORBIDDEN:
        message = exercises.check(name, fn).message
        assert message.startswith(f"wrong: your {name} uses "), message
        assert what in message and "which the exercises do not allow" in message, message
    assert RAN == []


def test_switching_off_the_watch_is_not_believed():
    def unwatched(W, d, g):
        sys.setprofile(None)
        return bp.hidden_delta(W, d, g)

    message = exercises.check("hidden_delta", unwatched).message
    assert message.startswith("wrong: hidden_delta switched off the check's watch"), message


# ----- a kernel whose checks were changed -------------------------------------------------------


def _same_as(original):
    return lambda *args, **kwargs: original(*args, **kwargs)


PATCHES = {
    "numpy.abs": lambda mp: mp.setattr(np, "abs", _same_as(np.abs)),
    "matches": lambda mp: mp.setattr(exercises.diagnosis, "matches", lambda *a: True),
    "judge": lambda mp: mp.setattr(exercises.judging, "judge", lambda *a: None),
    "sys.modules": lambda mp: mp.setitem(
        sys.modules, "backprop_lib.exercises.checking", types.ModuleType("fake")
    ),
    "builtins.max": lambda mp: mp.setattr(builtins, "max", _same_as(builtins.max)),
}


def returns_none(*args, **kwargs):
    return None


@pytest.mark.parametrize("patch", PATCHES)
def test_a_patched_kernel_passes_no_answer(monkeypatch, patch):
    PATCHES[patch](monkeypatch)
    for name in NAMES:
        result = exercises.check(name, returns_none)
        assert not result.passed
        assert "code the checks rely on was changed in this kernel" in result.message
    monkeypatch.undo()
    assert exercises.check("hidden_delta", HONEST["hidden_delta"][0]).passed


def test_the_check_itself_cannot_be_replaced():
    original = exercises.check
    try:
        with pytest.raises(AttributeError, match="cannot be replaced"):
            exercises.check = lambda name, fn, seed=0: None
    finally:
        vars(exercises)["check"] = original


# ----- what still works -----------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_honest_answers_written_two_ways_pass(name):
    for fn in HONEST[name]:
        result = exercises.check(name, fn)
        assert result.passed, result.message


@pytest.mark.parametrize("name", NAMES)
def test_what_the_students_function_prints_is_shown(name):
    honest = HONEST[name][0]

    def chatty(*args, **kwargs):
        print("checking", len(args), "arguments")
        return honest(*args, **kwargs)

    result = exercises.check(name, chatty)
    assert result.passed, result.message
    assert result.printed.startswith("checking ")
    assert str(result) == f"{result.message}\nYour function printed:\n{result.printed.rstrip()}"


def endless_sweep(output):
    return endless_sweep(output)


def test_deep_recursion_is_judged_and_endless_recursion_is_not_passed():
    assert exercises.check("backward_sweep", sweep_by_recursion).passed
    assert not exercises.check("backward_sweep", endless_sweep).passed


def test_endless_recursion_is_called_endless():
    message = exercises.check("backward_sweep", endless_sweep).message
    assert "RecursionError even with 50000 levels" in message and "without end?" in message


def test_one_factor_in_every_case_is_named():
    def a_fifth(W, d, g):
        return g * (W.T @ d) / 5

    message = exercises.check("hidden_delta", a_fifth).message
    assert message == "wrong: your hidden_delta is 0.2 times the right value in every case."


def test_an_answer_right_for_one_m_only_is_no_factor():
    def by_five(delta, a_prev):
        return delta @ a_prev.T / 5  # the right answer when m = 5 only

    message = exercises.check("weight_gradient", by_five).message
    assert "times" not in message
    assert "right for m = 5, wrong for m = 3, 1, 400" in message
    assert "The smallest failing case: delta = " in message


def test_a_none_inside_the_returned_lists_is_located():
    def leaves_a_gap(model, X, Y):
        dWs, dbs = backward_vectorised(model, X, Y)
        dWs[1] = None
        return dWs, dbs

    message = exercises.check("backward_pass", leaves_a_gap).message
    assert message.startswith("wrong: dWs[1] (dJ/dW^2) is None: does your loop skip"), message


# ----- the tuning task --------------------------------------------------------------------------


@pytest.mark.parametrize("preset", PRESETS)
def test_a_preset_of_the_playground_is_refused(preset):
    def settings():
        return PRESETS[preset]

    message = exercises.check("spiral_settings", settings).message
    assert message == (
        f"wrong: you returned the playground's preset {preset!r}: the task asks for settings "
        "you found yourself."
    )
