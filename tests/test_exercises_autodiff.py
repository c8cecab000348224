"""Notebook 07's checks: the local derivatives of one operation and the backward sweep.

Right answers written in different ways pass; wrong answers that no catalogued mistake gives
get the general diagnosis, and bad answers (None, NaN, an exception, NotImplementedError,
changed data, an endless loop) a message of their own. Each catalogued mistake is run as an
answer by tests/test_exercises_catalogue.py. Each row of LOCAL_MISTAKES and SWEEP_MISTAKES is
(the wrong function, words its message must contain).
"""

import functools
import math
import sys
from collections import Counter, deque

import numpy as np
import pytest

import backprop_lib as bp
from backprop_lib import exercises
from backprop_lib.autodiff import topological_order
from backprop_lib.exercises import autodiff_checks, sweep_checks
from backprop_lib.exercises.checking import TOLERANCE

SEEDS = (0, 20)
"""The visible check's seed and the hidden tests' seed of notebook 07."""

SHORT = 0.05
"""A time limit short enough to keep the test of an endless function fast."""


def _sig(a):
    return 1.0 / (1.0 + math.exp(-a))


@functools.cache
def verdict(name, fn, seed):
    """``exercises.check(name, fn, seed=seed)``, worked out once: the test of each mistake and
    the test that every diagnosis is reached read the same verdicts."""
    return exercises.check(name, fn, seed=seed)


# ----- local_derivatives -------------------------------------------------------------------


def local_by_hand(op, a, b, slip=None):
    """The table of notebook 07, with one optional slip (each slip concerns one operation)."""
    t, s = math.tanh(a), _sig(a)
    slips = {
        "minus": ("-", (1.0, 1.0)),
        "log_itself": ("log", (math.log(a) if op == "log" else 0.0, 0.0)),  # log needs a > 0
        "tanh_no_square": ("tanh", (1 - t, 0.0)),
        "tanh_at_output": ("tanh", (1 - math.tanh(t) ** 2, 0.0)),
    }
    if slip is not None and slips[slip][0] == op:
        return slips[slip][1]
    table = {
        "+": (1.0, 1.0),
        "-": (1.0, -1.0),
        "*": (b, a),
        "/": (1 / b, -a / b**2),
        "exp": (math.exp(a), 0.0),
        "log": (1 / a, 0.0),
        "tanh": (1 - t * t, 0.0),
        "sigmoid": (s * (1 - s), 0.0),
        "relu": (float(a > 0), 0.0),
    }
    return table[op]


def _slips(*slips):
    """Several slips at once, each in its own operation."""

    def fn(op, a, b):
        for slip in slips:
            answer = local_by_hand(op, a, b, slip)
            if answer != local_by_hand(op, a, b):
                return answer
        return local_by_hand(op, a, b)

    return fn


def local_by_value(op, a, b):
    """The same by the course's Value engine: build the operation, run backward(). The engine
    holds this exercise's answer (its local_grads), so the check refuses it."""
    x, y = bp.Value(a), bp.Value(b)
    binary = {"+": x + y, "-": x - y, "*": x * y, "/": x / y}
    unary = {"exp": x.exp, "log": x.log, "tanh": x.tanh, "sigmoid": x.sigmoid, "relu": x.relu}
    out = binary[op] if op in binary else unary[op]()
    out.backward()
    return x.grad, y.grad


def local_with_numpy(op, a, b):
    """Written with NumPy and the library's derivatives, returned as a list of numpy floats."""
    z = np.array([[a]])
    one = {"exp": np.exp(z), "log": 1 / z, "tanh": bp.tanh_prime(z), "sigmoid": bp.sigmoid_prime(z)}
    one["relu"] = bp.relu_prime(z)
    two = {"+": (1, 1), "-": (1, -1), "*": (b, a), "/": (1 / b, -a * b**-2)}
    if op in two:
        return [np.float64(v) for v in two[op]]
    return [np.float64(one[op][0, 0]), np.float64(0.0)]


@pytest.mark.parametrize("fn", [local_by_hand, local_with_numpy])
def test_right_local_derivatives_pass(fn):
    for seed in (*SEEDS, 3):
        result = exercises.check("local_derivatives", fn, seed=seed)
        assert result.passed, result.message


def test_local_derivatives_by_the_value_engine_are_rejected_as_a_delegation():
    result = exercises.check("local_derivatives", local_by_value)
    assert result.message.startswith(
        "wrong: local_derivatives used backprop_lib.autodiff, the library's own answer"
    ), result.message


def _slip(slip):
    return lambda op, a, b: local_by_hand(op, a, b, slip)


def _scaled(op_name, factor):
    def fn(op, a, b):
        da, db = local_by_hand(op, a, b)
        return (factor * da, factor * db) if op == op_name else (da, db)

    return fn


GENERAL = "differs from central differences of each operation in a and in b"

LOCAL_MISTAKES = [
    # a catalogued mistake made in one of the operations it concerns only
    (_slip("log_itself"), "you returned log(a) itself, not its derivative"),
    (_slip("tanh_at_output"), "you took the derivative at the output, tanh(a), instead of at a"),
    # no catalogued mistake: the general diagnosis
    (_scaled("tanh", -1.0), f"your d/da of tanh(a) {GENERAL}"),
    (_scaled("/", 2.0), f"your d/da of a / b {GENERAL}"),
    (_slips("minus", "tanh_no_square"), f"your d/db of a - b {GENERAL}"),  # the first is shown
    (lambda op, a, b: (b, a), f"your d/da of a + b {GENERAL}"),
    (
        lambda op, a, b: local_by_hand(op, a, b)[:1] if op == "tanh" else local_by_hand(op, a, b),
        "return two numbers (d/da, d/db) for tanh(a), with d/db = 0.0 because b is not used; "
        "got a tuple of 1.",
    ),
    (
        lambda op, a, b: (math.exp(a), 1.0) if op == "exp" else local_by_hand(op, a, b),
        "exp(a) does not depend on b, so its d/db is 0.0; you returned 1.",
    ),
    (
        lambda op, a, b: (a > 0, 0.0) if op == "relu" else local_by_hand(op, a, b),
        "you returned bool for d/da of relu(a); expected a number.",
    ),
    (lambda op, a, b: None, "return two numbers (d/da, d/db) for a + b; got None."),
    (lambda op, a, b: (math.nan, 1.0), "your d/da of a + b is nan"),
    (lambda op, a, b: local_by_hand(op, a, b) + 0.5, "raised TypeError"),
]


@pytest.mark.parametrize(("fn", "words"), LOCAL_MISTAKES, ids=[w for _, w in LOCAL_MISTAKES])
def test_each_local_mistake_is_named(fn, words):
    for seed in SEEDS:
        result = verdict("local_derivatives", fn, seed)
        assert result.status == "wrong" and words in result.message, result.message


def test_any_other_wrong_answer_is_shown_beside_the_right_one():
    """No catalogued mistake gives it: the general diagnosis shows the smallest failing case,
    its inputs, the right derivative and the one returned."""
    result = exercises.check("local_derivatives", _scaled("exp", 0.5), seed=0)
    cases = autodiff_checks.LOCAL_DERIVATIVES.cases(np.random.default_rng(0))
    _, a, b = next(case.args for case in cases if case.args[0] == "exp")
    assert result.message == (
        f"wrong: your d/da of exp(a) {GENERAL} (d/db of exp(a) is right): right for a + b, "
        "a - b, a * b, a / b, log(a), tanh(a), sigmoid(a), relu(a), wrong for exp(a); its "
        "largest error is 0.5 of the largest entry. The smallest "
        f"failing case: a = {a:.4f}, b = {b:.4f}; expected d/da of exp(a) = {math.exp(a):.4f}, "
        f"got {0.5 * math.exp(a):.4f}."
    )


# ----- backward_sweep ----------------------------------------------------------------------


def depth_first(output):
    """Each node after its inputs, by a depth-first search with an explicit stack."""
    order, visited, stack = [], set(), [(output, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
        elif node not in visited:
            visited.add(node)
            stack.append((node, True))
            stack.extend((parent, False) for parent in reversed(node.parents))
    return order


def sweep(output, order):
    """The backward loop over ``order`` (the output first)."""
    for node in order:
        node.grad = 0.0
    output.grad = 1.0
    for node in order:
        for parent, slope in zip(node.parents, node.local_grads, strict=True):
            parent.grad += slope * node.grad


def sweep_own_stack(output):
    sweep(output, depth_first(output)[::-1])


def sweep_library_order(output):
    sweep(output, list(reversed(topological_order(output))))


def sweep_counting_uses(output):
    """Kahn's algorithm from the output: a node goes once all its uses have reported."""
    nodes = depth_first(output)
    uses = {node: 0 for node in nodes}
    for node in nodes:
        for parent in node.parents:
            uses[parent] += 1
        node.grad = 0.0
    output.grad, ready = 1.0, deque([output])
    while ready:
        node = ready.popleft()
        for parent, slope in zip(node.parents, node.local_grads, strict=True):
            parent.grad += slope * node.grad
            uses[parent] -= 1
            if uses[parent] == 0:
                ready.append(parent)


def sweep_that_prints(output):
    print("sweeping")
    sweep_own_stack(output)


def recursive_order(output):
    """The depth-first search written as a recursive function: 10,000 levels deep on the
    chain case, which the check allows (it retries a RecursionError with a higher limit)."""
    order, visited = [], set()

    def visit(node):
        if node not in visited:
            visited.add(node)
            for parent in node.parents:
                visit(parent)
            order.append(node)

    visit(output)
    sweep(output, order[::-1])


def every_path(output):
    """No order at all: push each share down every path, recursively (the graphs are small
    enough, and the chain has one path)."""
    for node in topological_order(output):
        node.grad = 0.0

    def push(node, grad):
        node.grad += grad
        for parent, slope in zip(node.parents, node.local_grads, strict=True):
            push(parent, slope * grad)

    push(output, 1.0)


@pytest.mark.parametrize(
    "fn",
    [
        sweep_own_stack,
        sweep_library_order,
        sweep_counting_uses,
        sweep_that_prints,
        recursive_order,
        every_path,
    ],
)
def test_right_backward_sweeps_pass(fn):
    for seed in (*SEEDS, 3):
        result = exercises.check("backward_sweep", fn, seed=seed)
        assert result.passed, result.message


def test_the_engines_own_backward_is_rejected_as_a_delegation():
    def library_sweep(output):
        output.backward()

    result = exercises.check("backward_sweep", library_sweep)
    assert result.message.startswith(
        "wrong: backward_sweep called backprop_lib.autodiff.Value.backward, the library's own"
    ), result.message


def changes_data(output):
    sweep_own_stack(output)
    output.data = 0.0


def output_grad_none(output):
    output.grad = None


def every_grad_nan(output):
    for node in topological_order(output):
        node.grad = math.nan


def grads_as_text(output):
    for node in topological_order(output)[1:]:
        node.grad = "0"


def endless(output):
    while True:
        pass


def not_done(output):
    raise NotImplementedError("Find the order, then sweep it backwards.")


SWEEP_MISTAKES = [
    (lambda out: None, "every grad is 0.0"),  # and the stale case's grads are right
    (changes_data, "changed the .data of the output: set only the grads."),
    (output_grad_none, "the grad of the output is None: every grad must"),
    (every_grad_nan, "the grad of x is nan: every grad must be a finite number (start from 0.0)."),
    (grads_as_text, "the grad of a * node is a str: every grad must be a finite number"),
    (lambda out: out.parents[2], "raised IndexError: tuple index out of range."),
]


@pytest.mark.parametrize(("fn", "words"), SWEEP_MISTAKES, ids=[w for _, w in SWEEP_MISTAKES])
def test_each_sweep_mistake_is_named(fn, words):
    for seed in SEEDS:
        result = verdict("backward_sweep", fn, seed)
        assert result.status == "wrong" and words in result.message, result.message


def test_an_unfinished_or_endless_answer_gets_a_message():
    def local_not_done(op, a, b):
        raise NotImplementedError

    result = exercises.check("local_derivatives", local_not_done)
    assert result.status == "not done" and "local_derivatives raised NotImplementedError" in (
        result.message
    )
    result = exercises.check("backward_sweep", not_done)
    assert result.status == "not done" and "Find the order, then sweep" in result.message
    result = exercises.check("backward_sweep", endless, seconds=SHORT)
    assert result.status == "wrong" and "did not finish within 0.05 s" in result.message


@pytest.mark.parametrize("seed", SEEDS)
def test_the_sweep_cases_hold_what_the_check_promises(seed):
    """Shared nodes in every graph, stale grads in one, a chain far deeper than recursion
    goes; and the reference answers (central differences) agree with backward() to 1e-7."""
    cases = sweep_checks.BACKWARD_SWEEP.cases(np.random.default_rng(seed))
    assert any(len(set(node.parents)) < len(node.parents) for node in cases[0].context["nodes"])
    for case in cases:
        users = Counter(p for node in case.context["nodes"] for p in node.parents)
        assert max(users.values()) >= 2
    assert [any(case.context["before"]) for case in cases] == [False, False, False, True, False]
    assert 5 * sys.getrecursionlimit() < sweep_checks.CHAIN_STEPS
    assert len(cases[-1].context["nodes"]) > sweep_checks.CHAIN_STEPS
    for case in cases:
        case.args[0].backward()
        grads = sweep_checks._parts(case.context, [n.grad for n in case.context["nodes"]])
        for got, want in zip(grads, case.expected, strict=True):
            assert bp.relative_error(got, want) < 1e-7


def test_the_local_cases_agree_with_the_formulas():
    for case in autodiff_checks.LOCAL_DERIVATIVES.cases(np.random.default_rng(0)):
        right = np.array(local_by_hand(*case.args))
        assert np.max(np.abs(right - np.array(case.expected))) < TOLERANCE * max(
            1, abs(right).max()
        )


def test_every_diagnosis_in_the_catalogues_is_reached_by_a_test():
    """The catalogued mistakes are reached by tests/test_exercises_catalogue.py; each factor
    message (these checks have none yet) needs a row above."""
    messages = [verdict("local_derivatives", fn, 0).message for fn, _ in LOCAL_MISTAKES]
    messages += [verdict("backward_sweep", fn, 0).message for fn, _ in SWEEP_MISTAKES]
    for step in (*autodiff_checks.STEPS, *sweep_checks.STEPS):
        for template in step.factors.values():
            assert any(m.startswith(template.split("{")[0]) for m in messages), template
