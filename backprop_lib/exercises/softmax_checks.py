r"""Notebook 08's checks: the softmax, its Jacobian, and the output error delta of softmax with
the categorical cross-entropy, for logits z of shape (k, m), one column per example.
"""

import numpy as np

from ..activations import sigmoid, softmax
from ..gradcheck import numerical_gradient
from ..losses import categorical_cross_entropy
from .checking import Case, Mistake, Step, sizes, wrong
from .reading import read_array
from .steps import PER_EXAMPLE

LOGIT_SCALE = 2.0
"""Logits are drawn from N(0, 2^2): spread enough that the classes' probabilities differ
clearly, small enough that none underflows (the plain formula is exact on them)."""

DELTA_CASES = ((3, 4, "one-hot"), (2, 1, "one-hot"), (10, 1, "soft"), (4, 50, "mixed"))
"""(k, m, targets) of the delta cases: one-hot targets, soft ones (each column a random
distribution over the classes) and a mix of the two, column by column."""

SOFTMAX_SHAPES = ((3, 3), (4, 6), (5, 1), (10, 50))
"""(k, m) of the softmax cases with moderate logits: square first (normalising the wrong
axis still fits the shape, so the values name the mistake), then non-square."""

LARGE_LOGITS = np.array(
    [[1000.0, -1000.0, 1e4, 3.0], [999.0, -1001.0, -1e4, 1.0], [998.0, -1002.0, 0.0, 2.0]]
)
"""Columns of logits near +1000, near -1000, of +-1e4, and moderate ones: e^z overflows above
about 709.78 and underflows below about -745, so only a softmax that subtracts each column's
largest logit gives finite probabilities that add up to 1 in every column."""

SUM_TOLERANCE = 1e-6
"""How far a column's (or a row's) sum may be from 1 and still count as 1."""

JACOBIAN_SIZES = (3, 2, 5, 10)
"""k of the Jacobian cases, each one example z of shape (k, 1)."""


def _targets(rng, k, m, kind):
    one_hot, soft = np.eye(k)[:, rng.integers(0, k, size=m)], rng.dirichlet(np.ones(k), size=m).T
    if kind != "mixed":
        return one_hot if kind == "one-hot" else soft
    return np.where(rng.random(m) < 0.5, one_hot, soft)


def _delta_cases(rng):
    made = []
    for k, m, kind in sizes(rng, DELTA_CASES):
        z, y = LOGIT_SCALE * rng.standard_normal((k, m)), _targets(rng, k, m, kind)
        expected = numerical_gradient(
            lambda v, y=y: float(np.sum(categorical_cross_entropy(softmax(v), y))), z
        )
        made.append(Case((softmax(z), y), (expected,), ("delta",), {"y": y, "m": m}))
    return made


def _read_delta(value, case):
    k, m = case.context["y"].shape
    shape = np.shape(value) if isinstance(value, np.ndarray) else None
    if shape in ((1, m), (m,)) and k > 1:
        raise wrong(
            f"wrong: your delta has shape {shape}: you summed over the classes; delta has one "
            f"entry per class and example, shape {(k, m)}."
        )
    if shape in ((k, 1), (k,)) and m > 1:
        raise wrong(
            f"wrong: your delta has shape {shape}: you combined the examples; delta is per "
            f"example, one column each, shape {(k, m)}."
        )
    return (read_array(value, case.expected[0], case.labels[0]),)


SOFTMAX_CROSS_ENTROPY_DELTA = Step(
    "softmax_cross_entropy_delta",
    "softmax_cross_entropy_delta(a, y) -> dC/dz for a = softmax(z) and the categorical "
    "cross-entropy, of shape (k, m)",
    ("a", "y"),
    _delta_cases,
    _read_delta,
    (
        Mistake(
            lambda a, y: -y / a,
            "wrong: that is dC/da = -y/a; the delta is dC/dz, which goes through the softmax's "
            "Jacobian and simplifies to a - y.",
        ),
        Mistake(
            lambda a, y: -y / a * a * (1 - a),
            "wrong: you multiplied -y/a by a (1 - a) only, the Jacobian's diagonal, as if the "
            "softmax acted entry by entry; its off-diagonal entries -a_i a_j count too, and "
            "the product is a - y.",
        ),
        Mistake(
            lambda a, y: a * (1 - a) * (a - y),
            "wrong: you multiplied a - y by a (1 - a); a - y is dC/dz already, the softmax's "
            "Jacobian is inside it.",
        ),
        Mistake(
            lambda a, y: a - np.eye(len(y))[:, y.argmax(axis=0)],
            "wrong: you replaced y by a one-hot column of its largest entry; with soft targets "
            "(columns that add up to 1 but are not one-hot) delta is a - y with y as given.",
        ),
        Mistake(
            lambda a, y: a - 1, "wrong: you wrote a - 1: the target y belongs there, delta = a - y."
        ),
    ),
    {
        "1/m": PER_EXAMPLE,
        -1.0: "wrong: your softmax_cross_entropy_delta has the wrong sign: delta = a - y, "
        "prediction minus target.",
    },
    hint="a and y are both (k, m), one column per example, and so is delta.",
    against="central differences of the summed categorical cross-entropy of softmax(z) in z",
)


def _shifted_softmax(z, shift):
    e = np.exp(z - shift)
    return e / e.sum(axis=0, keepdims=True)


def _softmax_cases(rng):
    made = []
    for k, m in sizes(rng, SOFTMAX_SHAPES):
        z = LOGIT_SCALE * rng.standard_normal((k, m))
        made.append(Case((z,), (_shifted_softmax(z, 0.0),), ("softmax",), {"m": m, "large": False}))
    z = LARGE_LOGITS.copy()
    with np.errstate(under="ignore"):  # terms far below a column's largest are 0, rightly
        expected = _shifted_softmax(z, z.max(axis=0, keepdims=True))
    return [*made, Case((z,), (expected,), ("softmax",), {"m": z.shape[1], "large": True})]


def _same_finite(answer, reference):
    finite = np.isfinite(reference)
    return np.array_equal(np.isfinite(answer), finite) and np.allclose(
        answer[finite], reference[finite], rtol=0, atol=SUM_TOLERANCE
    )


def _overflow_message(answer, z):
    """What a softmax that returned NaN or inf for large logits did."""
    with np.errstate(all="ignore"):
        plain, global_max = _shifted_softmax(z, 0.0), _shifted_softmax(z, z.max())
    if _same_finite(answer, global_max):
        return (
            "wrong: your softmax subtracts the largest logit of the whole array; subtract each "
            "column's own largest, z.max(axis=0, keepdims=True), or columns far below it "
            "underflow to 0 / 0 = NaN."
        )
    plain_said = ", the plain formula e^z / sum e^z," if _same_finite(answer, plain) else ""
    return (
        f"wrong: your softmax{plain_said} gives NaN or inf for logits near +-1000 or +-1e4: e^z "
        "is inf above about 709.78 and 0 below about -745. Subtract each column's largest "
        "logit first: the shift cancels, and every exponent is then <= 0."
    )


def _read_softmax(value, case):
    expected = case.expected[0]
    numeric = isinstance(value, np.ndarray) and value.dtype.kind == "f"
    large = case.context["large"]  # else NaN has another cause: read_array says so
    if large and numeric and value.shape == expected.shape and not np.all(np.isfinite(value)):
        raise wrong(_overflow_message(value, case.args[0]))
    answer = read_array(value, expected, case.labels[0])
    if not np.allclose(answer.sum(axis=0), 1.0, rtol=0, atol=SUM_TOLERANCE):
        if np.allclose(answer.sum(axis=1), 1.0, rtol=0, atol=SUM_TOLERANCE):
            raise wrong(
                "wrong: each row of your softmax adds up to 1: you normalised over the examples "
                "(axis=1); normalise over the classes, each column: axis=0, keepdims=True."
            )
        if np.isclose(answer.sum(), 1.0, rtol=0, atol=SUM_TOLERANCE):
            raise wrong(
                "wrong: your whole softmax adds up to 1: you divided by the sum of every entry; "
                "divide each column by its own sum, axis=0, keepdims=True."
            )
    return (answer,)


SOFTMAX = Step(
    "softmax",
    "softmax(z) -> each column's e^(z_j) / sum_i e^(z_i), of shape (k, m), finite for any logits",
    ("z",),
    _softmax_cases,
    _read_softmax,
    (
        Mistake(np.exp, "wrong: you returned e^z without dividing it by each column's sum."),
        Mistake(
            lambda z: np.exp(z - z.max(axis=0, keepdims=True)),
            "wrong: you returned e^(z - max) without dividing it by each column's sum.",
        ),
        Mistake(
            lambda z: _shifted_softmax(z, z.max(axis=1, keepdims=True)),
            "wrong: you subtracted each row's largest logit (axis=1); subtract each column's "
            "(axis=0, keepdims=True): a shift cancels only when all of one example's logits move "
            "together.",
        ),
        Mistake(
            lambda z: softmax(z.T),
            "wrong: you normalised the rows of z, through its transpose: z is (k, m), one column "
            "per example, so normalise each column of z as it is.",
        ),
        Mistake(
            sigmoid,
            "wrong: you applied the sigmoid entry by entry; the softmax divides e^z by the sum "
            "over each column's classes.",
        ),
    ),
    hint="z is (k, m), one column per example, and so is the answer: each column of it is one "
    "example's probabilities.",
    against="the formula e^(z_j) / sum_i e^(z_i) in each column",
)


def _jacobian_cases(rng):
    made = []
    for k in sizes(rng, JACOBIAN_SIZES):
        z = LOGIT_SCALE * rng.standard_normal((k, 1))
        rows = [numerical_gradient(lambda v, i=i: float(softmax(v)[i, 0]), z).T for i in range(k)]
        made.append(Case((z,), (np.vstack(rows),), ("ds/dz",), {}))
    return made


def _read_jacobian(value, case):
    k = len(case.args[0])
    if isinstance(value, np.ndarray) and value.shape in ((k, 1), (k,), (1, k)):
        raise wrong(
            f"wrong: your Jacobian has shape {value.shape}, one number per class; it is a "
            f"(k, k) matrix, here {(k, k)}: entry (i, j) is ds_i/dz_j."
        )
    return (read_array(value, case.expected[0], case.labels[0]),)


def _jacobian(s):
    return np.diagflat(s) - s @ s.T


def _of_s(formula):
    """A softmax_jacobian that takes s = softmax(z) rightly and returns ``formula(s)``."""
    return lambda z: formula(softmax(z))


SOFTMAX_JACOBIAN = Step(
    "softmax_jacobian",
    "softmax_jacobian(z) -> diag(s) - s s^T with s = softmax(z), for one example z of shape "
    "(k, 1): a (k, k) matrix",
    ("z",),
    _jacobian_cases,
    _read_jacobian,
    (
        Mistake(
            _of_s(lambda s: np.diagflat(s * (1 - s))),
            "wrong: you kept only the diagonal s_i (1 - s_i); each s_i depends on every logit, "
            "so the off-diagonal entries are -s_i s_j.",
        ),
        Mistake(
            _of_s(lambda s: np.where(np.eye(len(s), dtype=bool), 1, -1) * _jacobian(s)),
            "wrong: your off-diagonal entries have the wrong sign: raising z_j lowers every "
            "other s_i, so ds_i/dz_j = -s_i s_j there.",
        ),
        Mistake(
            _of_s(lambda s: -s @ s.T),
            "wrong: you left out diag(s): the Jacobian is diag(s) - s s^T.",
        ),
        Mistake(
            _of_s(lambda s: np.diagflat(s) + s @ s.T),
            "wrong: you added s s^T; the Jacobian subtracts it: diag(s) - s s^T.",
        ),
        Mistake(
            _of_s(lambda s: s @ s.T), "wrong: you returned s s^T; the Jacobian is diag(s) - s s^T."
        ),
        Mistake(
            _of_s(lambda s: np.diag(s) - s @ s.T),
            "wrong: np.diag of a (k, 1) column gives its first entry, not a diagonal matrix; "
            "use np.diagflat(s), or np.diag(s.ravel()).",
        ),
        Mistake(
            _of_s(lambda s: _jacobian(softmax(s))),
            "wrong: you took the softmax twice: softmax_jacobian takes the logits z, so compute "
            "s = softmax(z) once.",
        ),
        Mistake(_jacobian, "wrong: you used z itself as s; compute s = softmax(z) first."),
        Mistake(
            lambda z: np.diagflat(sigmoid(z) * (1 - sigmoid(z))),
            "wrong: you used the sigmoid's derivative entry by entry; the softmax's Jacobian is "
            "diag(s) - s s^T, with s = softmax(z).",
        ),
    ),
    {
        -1.0: "wrong: your softmax_jacobian has the wrong sign: its diagonal s_i (1 - s_i) is "
        "positive."
    },
    hint="z is one example, a column (k, 1); the Jacobian is (k, k), entry (i, j) = ds_i/dz_j.",
    against="central differences of softmax(z), one row per output s_i",
)

STEPS = (SOFTMAX_JACOBIAN, SOFTMAX_CROSS_ENTROPY_DELTA, SOFTMAX)
"""Notebook 08's checks, in the notebook's order."""
