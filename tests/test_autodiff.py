"""Tests for backprop_lib.autodiff: every operation's gradient and random expression graphs
against central differences of the same expression on plain floats, the gate patterns, a
hand-worked example, a 100,000-operation chain, repeated backward calls and the errors."""

import math

import numpy as np
import pytest

from backprop_lib.autodiff import Value, graph, topological_order

H = 1e-6  # central-difference step
TOLERANCE = 1e-6  # largest accepted relative error


def central_difference(f, xs, k):
    """(f(x + h e_k) - f(x - h e_k)) / 2h, for a function f of a list of floats."""
    up, down = list(xs), list(xs)
    up[k] += H
    down[k] -= H
    return (f(up) - f(down)) / (2 * H)


def relative_error(analytic, numerical):
    return abs(analytic - numerical) / max(1e-8, abs(analytic) + abs(numerical))


def float_sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


# ----- every operation against central differences ------------------------------------------

# (name, expression on Values, the same expression on floats, inputs). Where the float
# expression is None the Value one is written with operators only and works on floats too.
# Relu inputs stay at least 0.5 away from its kink at 0.
OPERATION_CASES = [
    ("add", lambda a, b: a + b, None, [0.7, -1.3]),
    ("sub", lambda a, b: a - b, None, [0.7, -1.3]),
    ("mul", lambda a, b: a * b, None, [0.7, -1.3]),
    ("div", lambda a, b: a / b, None, [0.7, -1.3]),
    ("neg", lambda a: -a, None, [0.7]),
    ("radd", lambda a: 2.5 + a, None, [0.7]),
    ("rsub", lambda a: 1 - a, None, [0.7]),
    ("rmul", lambda a: 2 * a, None, [0.7]),
    ("rtruediv", lambda a: 3 / a, None, [0.6]),
    ("add_number", lambda a: a + 2.5, None, [0.7]),
    ("sub_number", lambda a: a - 2.5, None, [0.7]),
    ("mul_number", lambda a: a * -1.5, None, [0.7]),
    ("div_number", lambda a: a / 4, None, [0.7]),
    ("pow_int", lambda a: a**3, None, [-1.2]),
    ("pow_float", lambda a: a**1.5, None, [0.8]),
    ("pow_negative_int", lambda a: a**-2, None, [-0.9]),
    ("pow_negative_float", lambda a: a**-0.5, None, [0.9]),
    ("pow_zero", lambda a: a**0, None, [0.9]),
    ("exp", lambda a: a.exp(), math.exp, [0.4]),
    ("exp_negative", lambda a: a.exp(), math.exp, [-2.0]),
    ("log", lambda a: a.log(), math.log, [0.3]),
    ("log_large", lambda a: a.log(), math.log, [25.0]),
    ("tanh", lambda a: a.tanh(), math.tanh, [0.5]),
    ("tanh_negative", lambda a: a.tanh(), math.tanh, [-1.7]),
    ("sigmoid", lambda a: a.sigmoid(), float_sigmoid, [0.5]),
    ("sigmoid_negative", lambda a: a.sigmoid(), float_sigmoid, [-3.0]),
    ("relu_on", lambda a: a.relu(), lambda a: max(a, 0.0), [0.8]),
    ("relu_off", lambda a: a.relu() + a, lambda a: max(a, 0.0) + a, [-0.6]),
    ("square_by_reuse", lambda a: a * a, None, [-1.1]),
    (
        "shared_subexpression",
        lambda a, b: (a * b + a).tanh() * b - a / b,
        lambda a, b: math.tanh(a * b + a) * b - a / b,
        [0.7, -1.3],
    ),
]


@pytest.mark.parametrize(
    ("value_f", "float_f", "xs"),
    [case[1:] for case in OPERATION_CASES],
    ids=[case[0] for case in OPERATION_CASES],
)
def test_operation_gradient_matches_central_differences(value_f, float_f, xs):
    float_f = float_f or value_f
    inputs = [Value(x) for x in xs]
    output = value_f(*inputs)
    output.backward()
    assert output.data == pytest.approx(float_f(*xs), rel=1e-12)
    for k, x in enumerate(inputs):
        numerical = central_difference(lambda v: float_f(*v), xs, k)
        assert relative_error(x.grad, numerical) < TOLERANCE, (k, x.grad, numerical)


# ----- random expression graphs ------------------------------------------------------------

VALUE_FUNCTIONS = {
    "exp": Value.exp,
    "log": Value.log,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "relu": Value.relu,
}
FLOAT_FUNCTIONS = {
    "exp": math.exp,
    "log": math.log,
    "tanh": math.tanh,
    "sigmoid": float_sigmoid,
    "relu": lambda x: max(x, 0.0),
}

# Each instruction reads slots i and j (j unused by one-operand ops) and appends its result;
# fn is VALUE_FUNCTIONS or FLOAT_FUNCTIONS, so one program runs on Values and on floats.
RANDOM_OPS = {
    "add": lambda a, b, fn: a + b,
    "sub": lambda a, b, fn: a - b,
    "mul": lambda a, b, fn: a * b,
    "div": lambda a, b, fn: a / b,
    "neg": lambda a, b, fn: -a,
    "radd": lambda a, b, fn: 0.5 + a,
    "rsub": lambda a, b, fn: 1.0 - a,
    "rmul": lambda a, b, fn: -1.5 * a,
    "rtruediv": lambda a, b, fn: 1.0 / a,
    "pow_int": lambda a, b, fn: a**3,
    "pow_float": lambda a, b, fn: a**1.5,
    "pow_negative": lambda a, b, fn: a**-1,
    "exp": lambda a, b, fn: fn["exp"](a),
    "log": lambda a, b, fn: fn["log"](a),
    "tanh": lambda a, b, fn: fn["tanh"](a),
    "sigmoid": lambda a, b, fn: fn["sigmoid"](a),
    "relu": lambda a, b, fn: fn["relu"](a),
}
# Where an operation is defined and well conditioned; relu stays 0.05 away from its kink.
DOMAINS = {
    "div": lambda a, b: abs(b) > 0.2,
    "rtruediv": lambda a, b: abs(a) > 0.2,
    "pow_float": lambda a, b: a > 0.1,
    "pow_negative": lambda a, b: abs(a) > 0.2,
    "log": lambda a, b: a > 0.1,
    "relu": lambda a, b: abs(a) > 0.05,
}
BINARY_OPS = {"add", "sub", "mul", "div"}
MAX_ABS_SLOT = 5.0  # every intermediate value stays in [-5, 5], so no cancellation blows up


def random_program(seed, n_inputs=3, n_extra=15):
    """Inputs, a list of (op, i, j) instructions using every operation at least once, and
    the slots that no instruction reads, whose sum is the program's output.

    The first operand is the latest slot half of the time (so the graph is deep) and any
    earlier slot otherwise (so slots are reused: shared subexpressions). Operands are drawn
    again until they lie in the operation's domain and the result in [-5, 5]; the rule looks
    at the float values only, never at a gradient.
    """
    rng = np.random.default_rng(seed)
    xs = rng.uniform(-2.0, 2.0, size=n_inputs).tolist()
    ops = list(RANDOM_OPS) + rng.choice(list(RANDOM_OPS), size=n_extra).tolist()
    slots, program = list(xs), []
    for op in rng.permutation(ops).tolist():
        for _ in range(1000):
            i, j = rng.integers(len(slots), size=2).tolist()
            if rng.random() < 0.5:
                i = len(slots) - 1
            if DOMAINS.get(op, lambda a, b: True)(slots[i], slots[j]):
                result = RANDOM_OPS[op](slots[i], slots[j], FLOAT_FUNCTIONS)
                if abs(result) <= MAX_ABS_SLOT:
                    break
        else:
            raise AssertionError(f"seed {seed}: no operands found for {op}")
        program.append((op, i, j))
        slots.append(result)
    read = {i for _, i, _ in program} | {j for op, _, j in program if op in BINARY_OPS}
    return xs, program, [k for k in range(len(slots)) if k not in read]


def run(program, outputs, inputs, functions):
    slots = list(inputs)
    for op, i, j in program:
        slots.append(RANDOM_OPS[op](slots[i], slots[j], functions))
    return sum(slots[k] for k in outputs)


@pytest.mark.parametrize("seed", range(30))
def test_random_graph_matches_central_differences(seed):
    xs, program, outputs = random_program(seed)
    inputs = [Value(x) for x in xs]
    output = run(program, outputs, inputs, VALUE_FUNCTIONS)
    output.backward()
    expected = run(program, outputs, xs, FLOAT_FUNCTIONS)
    assert output.data == pytest.approx(expected, rel=1e-12, abs=1e-12)

    _, edges = graph(output)
    uses = {}
    for parent, _child in edges:
        if parent.op != "const":
            uses[id(parent)] = uses.get(id(parent), 0) + 1
    assert max(uses.values()) >= 2, "the program has no shared subexpression"

    for k, x in enumerate(inputs):
        numerical = central_difference(lambda v: run(program, outputs, v, FLOAT_FUNCTIONS), xs, k)
        assert relative_error(x.grad, numerical) < TOLERANCE, (k, x.grad, numerical)


# ----- gate patterns and a hand-worked example -------------------------------------------


def test_add_distributes_the_output_grad_to_both_inputs():
    x, y = Value(2.0), Value(-3.0)
    out = (x + y) * 5.0  # the add node receives grad 5
    out.backward()
    assert x.grad == 5.0
    assert y.grad == 5.0


def test_mul_swaps_its_inputs():
    x, y = Value(2.0), Value(-3.0)
    out = (x * y) * 5.0  # the mul node receives grad 5
    out.backward()
    assert x.grad == 5.0 * -3.0  # g * y
    assert y.grad == 5.0 * 2.0  # g * x


@pytest.mark.parametrize(("x", "expected"), [(1.5, 5.0), (-1.5, 0.0)])
def test_relu_routes_the_grad_to_the_larger_of_x_and_0(x, expected):
    x = Value(x)
    out = x.relu() * 5.0
    out.backward()
    assert x.grad == expected


def test_hand_worked_example():
    a, b, c, f = Value(3.0), Value(-2.0), Value(5.0), Value(0.5)
    e = a * b  # -6
    d = e + c  # -1
    L = d * f  # -0.5
    L.backward()
    assert L.data == -0.5
    assert f.grad == -1.0  # dL/df = d
    assert d.grad == 0.5  # dL/dd = f
    assert e.grad == c.grad == 0.5  # add distributes dL/dd
    assert a.grad == -1.0  # mul swaps: b * dL/de = -2 * 0.5
    assert b.grad == 1.5  # a * dL/de = 3 * 0.5


def test_a_value_used_twice_accumulates_both_contributions():
    x = Value(3.0)
    (x * x).backward()
    assert x.grad == 6.0  # 3 from each use
    y = x * 2.0
    (y * y + y).backward()
    assert y.grad == 2 * 6.0 + 1.0
    assert x.grad == 2.0 * 13.0


# ----- a long chain ------------------------------------------------------------------------


def test_chain_of_100000_operations_backpropagates_without_recursion():
    x = Value(0.5)
    y, expected = x, 0.5
    for _ in range(50_000):  # two operations per step
        y = y * 1.00001 + 1e-6
        expected = expected * 1.00001 + 1e-6
    y.backward()
    assert y.data == pytest.approx(expected, rel=1e-12)
    assert x.grad == pytest.approx(1.00001**50_000, rel=1e-9)  # about e^0.5
    nodes, _ = graph(y)
    assert len(nodes) == 1 + 4 * 50_000  # x, then *, its constant, +, its constant per step


# ----- graph -------------------------------------------------------------------------------


def test_graph_is_in_topological_order_with_one_edge_per_use():
    x, w = Value(2.0, label="x"), Value(-1.0, label="w")
    z = x * w
    out = z * z + x
    nodes, edges = graph(out)
    position = {id(node): k for k, node in enumerate(nodes)}
    assert nodes[-1] is out
    assert len(position) == len(nodes) == 5  # x, w, z, z * z, out
    assert all(position[id(p)] < position[id(c)] for p, c in edges)
    assert sum(p is z for p, _ in edges) == 2
    assert [n.op for n in nodes[:2]] == ["input", "input"]
    assert out.op == "+"
    assert {n.op for n in nodes} == {"input", "*", "+"}
    assert x.label == "x"


def test_op_labels():
    x = Value(0.5)
    assert (2 + x).op == "+"
    assert (x - 1).op == "-"
    assert (-x).op == "neg"
    assert (x / 2).op == "/"
    assert (x**2).op == "**2"
    assert (x**0.5).op == "**0.5"
    assert [getattr(x, f)().op for f in ["exp", "log", "tanh", "sigmoid", "relu"]] == [
        "exp",
        "log",
        "tanh",
        "sigmoid",
        "relu",
    ]
    assert [n.op for n in graph(x * 3)[0]] == ["input", "const", "*"]


def test_repr():
    assert repr(Value(0.5)) == "Value(data=0.5, grad=0.0)"
    assert repr(Value(2, label="w")) == "Value(data=2.0, grad=0.0, label='w')"


# ----- calling backward again ---------------------------------------------------------------


def test_second_backward_gives_the_same_gradients_not_doubled():
    x = Value(1.5)
    y = x * x + x.tanh()
    y.backward()
    first = x.grad
    y.backward()
    assert x.grad == first
    assert y.grad == 1.0


def test_backward_resets_a_node_shared_with_another_outputs_graph():
    x = Value(2.0)
    a = x * 3.0
    out1 = a * a  # d out1 / dx = 2 * a * 3 = 36
    out2 = a + x  # d out2 / dx = 3 + 1 = 4
    out1.backward()
    assert x.grad == 36.0
    out2.backward()
    assert x.grad == 4.0  # reset, not 36 + 4
    assert a.grad == 1.0
    assert out1.grad == 1.0  # not in out2's graph: left as it was
    (out1 + out2).backward()
    assert x.grad == 40.0  # the gradient of the sum


# ----- numbers on either side ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "data", "grad"),
    [
        (lambda v: 2 + v, 6.0, 1.0),
        (lambda v: 2 - v, -2.0, -1.0),
        (lambda v: 2 * v, 8.0, 2.0),
        (lambda v: 2 / v, 0.5, -2 / 16),
        (lambda v: v - 2, 2.0, 1.0),
        (lambda v: v / 2, 2.0, 0.5),
        (lambda v: np.float64(2.0) * v, 8.0, 2.0),
        (lambda v: np.float32(0.5) + v, 4.5, 1.0),
        (lambda v: np.float64(1.0) - v, -3.0, -1.0),
        (lambda v: np.float64(8.0) / v, 2.0, -0.5),
        (lambda v: v * np.float64(3.0), 12.0, 3.0),
        (lambda v: v + np.int64(3), 7.0, 1.0),
        (lambda v: v ** np.float64(2.0), 16.0, 8.0),
    ],
)
def test_numbers_on_either_side(expression, data, grad):
    v = Value(4.0)
    out = expression(v)
    assert type(out) is Value
    out.backward()
    assert out.data == data
    assert v.grad == grad


def test_numpy_scalars_become_python_floats():
    v = Value(np.float64(1.5))
    assert v.data == 1.5
    assert type(v.data) is float
    assert type(Value(np.float32(0.25)).data) is float
    assert Value(np.int64(3)).data == 3.0


# ----- sigmoid and exp far out --------------------------------------------------------------


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize(("x", "expected"), [(-1000.0, 0.0), (1000.0, 1.0), (-745.5, 0.0)])
def test_sigmoid_saturates_without_overflow(x, expected):
    x = Value(x)
    s = x.sigmoid()
    s.backward()
    assert s.data == expected
    assert x.grad == 0.0


def test_sigmoid_is_exact_in_the_middle():
    assert Value(0.0).sigmoid().data == 0.5
    assert Value(-30.0).sigmoid().data == pytest.approx(math.exp(-30.0), rel=1e-12)


def test_exp_overflow_is_a_clear_overflow_error():
    with pytest.raises(OverflowError, match=r"exp of \(1000.0\) overflowed.*largest float"):
        Value(1000.0).exp()
    assert Value(709.0).exp().data == math.exp(709.0)


@pytest.mark.parametrize(
    "expression",
    [
        lambda: Value(1e200) * Value(1e200),
        lambda: Value(1e308) + 1e308,
        lambda: Value(1e200) ** 2,
        lambda: Value(1e-200) ** -2,
        lambda: 1.0 / Value(1e-200),  # result fine, local derivative -1/x^2 overflows
    ],
)
def test_overflow_in_arithmetic_is_a_clear_overflow_error(expression):
    with pytest.raises(OverflowError, match=r"overflowed.*largest float"):
        expression()


# ----- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "type_name"),
    [("1.0", "str"), (None, "NoneType"), ([1.0], "list"), (1 + 2j, "complex")],
)
def test_a_non_number_is_a_type_error(bad, type_name):
    accepted = r"must be a Value or a real number \(int, float, numpy"
    with pytest.raises(TypeError, match=rf"data of a Value must be a real number.*{type_name}"):
        Value(bad)
    with pytest.raises(TypeError, match=rf"operand.*{accepted}.*got {type_name}"):
        Value(1.0) + bad
    with pytest.raises(TypeError, match=rf"operand.*{accepted}.*got {type_name}"):
        bad * Value(1.0)
    with pytest.raises(TypeError, match=rf"operand.*{accepted}.*got {type_name}"):
        Value(1.0) / bad


@pytest.mark.parametrize("bad", [True, False, np.bool_(True)])
def test_bools_are_refused(bad):
    with pytest.raises(TypeError, match="bool"):
        Value(bad)
    with pytest.raises(TypeError, match="bool"):
        Value(1.0) * bad


@pytest.mark.parametrize("bad", [np.array([1.0, 2.0]), np.array(1.0), np.ones((2, 3))])
def test_an_array_is_refused(bad):
    with pytest.raises(TypeError, match=r"a Value holds one number.*shape.*matrix step"):
        Value(bad)
    with pytest.raises(TypeError, match=r"a Value holds one number.*shape.*matrix step"):
        Value(1.0) + bad
    with pytest.raises(TypeError, match=r"a Value holds one number.*shape.*matrix step"):
        bad + Value(1.0)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -math.inf, np.float64("nan")])
def test_nan_and_inf_are_refused(bad):
    with pytest.raises(ValueError, match=r"must be a finite number; got (nan|inf|-inf)"):
        Value(bad)
    with pytest.raises(ValueError, match="must be a finite number"):
        Value(1.0) + bad
    with pytest.raises(ValueError, match="must be a finite number"):
        Value(1.0) ** bad


def test_a_value_exponent_is_a_type_error():
    with pytest.raises(TypeError, match=r"only number exponents are supported.*\.log\(\)\)\.exp"):
        Value(2.0) ** Value(3.0)
    with pytest.raises(TypeError, match="only number exponents are supported"):
        2.0 ** Value(3.0)
    with pytest.raises(TypeError, match=r"exponent p in x \*\* p must be a real number.*str"):
        Value(2.0) ** "2"


@pytest.mark.parametrize("x", [0.0, -1.0, -1e-300])
def test_log_of_a_non_positive_value_is_a_value_error(x):
    with pytest.raises(ValueError, match=rf"log needs a value > 0; got {x!r}"):
        Value(x).log()


@pytest.mark.parametrize(
    "expression",
    [
        lambda: Value(1.0) / Value(0.0),
        lambda: Value(1.0) / 0,
        lambda: 3 / Value(0.0),
        lambda: Value(1.0) / Value(-0.0),
    ],
)
def test_division_by_zero_is_a_zero_division_error(expression):
    with pytest.raises(ZeroDivisionError, match=r"division of .* by a Value holding 0\.0"):
        expression()


def test_powers_outside_their_domain():
    with pytest.raises(ValueError, match=r"non-integer p = 0.5 needs x >= 0; got x = -8.0"):
        Value(-8.0) ** 0.5
    with pytest.raises(ZeroDivisionError, match="negative power of 0"):
        Value(0.0) ** -1
    with pytest.raises(ValueError, match=r"infinite derivative at x = 0\.0"):
        Value(0.0) ** 0.5
    assert (Value(-2.0) ** 2.0).data == 4.0  # an integer-valued float exponent is fine
    x = Value(0.0)
    (x**2).backward()
    assert x.grad == 0.0


def test_graph_needs_a_value():
    with pytest.raises(TypeError, match="graph needs a Value; got float"):
        graph(1.0)


# ----- the public order and accessors -------------------------------------------------------


def test_topological_order_is_graphs_node_list_and_backwards_order():
    x = Value(0.3, label="x")
    a = x * 2.0
    out = a + (a * 3.0).tanh()
    order = topological_order(out)
    assert order == graph(out)[0]
    position = {id(node): k for k, node in enumerate(order)}
    assert all(position[id(p)] < position[id(node)] for node in order for p in node.parents)
    assert order[-1] is out
    assert len(order) == len({id(node) for node in order}) == 7  # x, 2, a, 3, a*3, tanh, out


def test_parents_and_local_grads_are_what_backward_multiplies():
    a, b = Value(3.0), Value(-2.0)
    product = a * b
    assert product.parents == (a, b)
    assert product.local_grads == (-2.0, 3.0)  # multiply swaps
    square = a * a
    assert square.parents == (a, a)  # one entry per use
    assert Value(1.0).parents == ()
    with pytest.raises(AttributeError):
        product.parents = ()
