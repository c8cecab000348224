r"""Notebook 09's checks: one step of SGD with momentum and one step of Adam, each written as a
function that updates the parameters and the optimizer's state in place, against the library's
own optimizers (:mod:`backprop_lib.optimizers`) run from fresh to the same step.

``momentum_step(params, grads, velocities, learning_rate, momentum)`` and ``adam_step(params,
grads, ms, vs, t, learning_rate, beta1, beta2, epsilon, weight_decay)`` take lists of float64
arrays of matching shapes. What is judged is what they leave in params and in the state lists
(:attr:`Step.observe`); what they return is not read.
"""

import numpy as np

from ..optimizers import SGD, Adam
from .checking import Case, Mistake, Step, sizes, wrong
from .reading import described, read_array

SHAPES = (((2, 3), (2, 3)), ((3,),), ((4, 3), (4, 1), (2, 4), (2, 1)), ((1, 1), (5,)))
"""The arrays of each case: two of one shape first (one velocity shared by both still computes
numbers, so that mistake shows by its values), one array, a small network's [W^1, b^1, W^2,
b^2], and a single number beside a vector."""

MOMENTUM_SETTINGS = ((2, 0.1, 0.9), (1, 0.5, 0.5), (5, 0.05, 0.8), (3, 0.3, 0.95))
"""(step k, learning_rate, momentum) of each case; at step 1 the velocities are zero."""

ADAM_SETTINGS = (
    (1, 0.1, 0.9, 0.999, 1e-8, 0.0, 1.0),
    (2, 0.05, 0.8, 0.9, 0.1, 0.5, 0.1),
    (10, 0.1, 0.9, 0.99, 1e-3, 0.2, 1.0),
    (4, 0.2, 0.5, 0.7, 1e-8, 0.0, 10.0),
)
"""(t, learning_rate, beta1, beta2, epsilon, weight_decay, the gradients' scale) of each case.
Where epsilon is about sqrt(v_hat) (the second), epsilon inside the square root shows; the
weight decay is 0 in two cases and not in two."""

ADAM_NUMBERS = ("beta1", "beta2", "epsilon", "weight_decay")
"""adam_step's last parameters, after (params, grads, ms, vs, t, learning_rate)."""


def _in_one_buffer(arrays):
    """Copies of ``arrays`` as views of one buffer: an array a function puts in the list in
    place of one of these has another base (:func:`_kept`)."""
    buffer = np.concatenate([np.ravel(a) for a in arrays])
    ends = np.cumsum([0, *(np.size(a) for a in arrays)])
    return [
        buffer[i:j].reshape(np.shape(a))
        for a, i, j in zip(arrays, ends[:-1], ends[1:], strict=True)
    ]


def _kept(items):
    """True when the arrays in ``items`` are still the views of one buffer they were drawn as."""
    bases = [item.base if isinstance(item, np.ndarray) else None for item in items]
    return bool(bases) and bases[0] is not None and all(base is bases[0] for base in bases)


def _lists(case):
    return [arg for arg in case.args if isinstance(arg, list)]


def _flat(lists):
    return [a for items in lists for a in items]


def _state(optimizer, count):
    """The optimizer's state as lists of arrays, one list per kind (velocities; m and v)."""
    return [list(kind) for kind in zip(*optimizer.state, strict=True)][:count]


def _case(rng, shapes, steps, optimizer, names, numbers, said, scale=1.0):
    """Step number ``steps`` of ``optimizer`` (the library's, fresh) on arrays of ``shapes``,
    after steps - 1 steps on random gradients. Its arguments: the lists params, grads and the
    state ``names`` before it, each as views of one buffer, then ``numbers``; its right answer:
    params and the state after it."""
    params = [rng.standard_normal(shape) for shape in shapes]
    grads = [[scale * rng.standard_normal(shape) for shape in shapes] for _ in range(steps)]
    for g in grads[:-1]:
        optimizer.step(params, g)
    if optimizer.state:
        before = _state(optimizer, len(names))
    else:  # the first step: the state is zero
        before = [[np.zeros(shape) for shape in shapes] for _ in names]
    lists = [_in_one_buffer(arrays) for arrays in (params, grads[-1], *before)]
    optimizer.step(params, grads[-1])
    context = {
        "given": [list(arrays) for arrays in lists],
        "start": [[a.copy() for a in arrays] for arrays in lists],
        "expression": f"{said} with {len(shapes)} array{'s' * (len(shapes) > 1)}",
    }
    labels = tuple(f"{name}[{i}]" for name in ("params", *names) for i in range(len(shapes)))
    expected = tuple(_flat([params, *_state(optimizer, len(names))]))
    return Case((*lists, *numbers), expected, labels, context)


def _momentum_cases(rng):
    return [
        _case(rng, shapes, k, SGD(rate, momentum), ("velocities",), (rate, momentum), f"step {k}")
        for shapes, (k, rate, momentum) in zip(sizes(rng, SHAPES), MOMENTUM_SETTINGS, strict=True)
    ]


def _adam_cases(rng):
    made = []
    for shapes, (t, rate, *numbers, scale) in zip(sizes(rng, SHAPES), ADAM_SETTINGS, strict=True):
        adam, arguments = Adam(rate, *numbers), (t, rate, *numbers)
        made.append(_case(rng, shapes, t, adam, ("ms", "vs"), arguments, f"t = {t}", scale))
    return made


def _observe(value, case):
    """What the function left in its lists (copies), whether they still hold the arrays they
    were given, and what it returned (in a few words)."""
    lists = _lists(case)
    return {
        "returned": described(value),
        "lists": [[a.copy() if isinstance(a, np.ndarray) else a for a in items] for items in lists],
        "kept": [_kept(items) for items in lists],
    }


def _reset(case):
    c = case.context
    for items, given, start in zip(_lists(case), c["given"], c["start"], strict=True):
        items[:] = given
        for a, drawn in zip(given, start, strict=True):
            a[...] = drawn


def _reader(name, names):
    """The :attr:`Step.read` of a step whose lists are ``names``: params, grads, the state."""
    updated = [n for n in names if n != "grads"]
    both = f"{', '.join(updated[:-1])} and {updated[-1]}"

    def read(value, case):
        lists, start = value["lists"], case.context["start"]
        for items, drawn, list_name in zip(lists, start, names, strict=True):
            if len(items) != len(drawn):
                raise wrong(
                    f"wrong: after {name}, {list_name} holds {len(items)} arrays instead of "
                    f"{len(drawn)}: add or remove none, update the arrays in place."
                )
        for i, (now, then) in enumerate(zip(lists[1], start[1], strict=True)):
            if not (isinstance(now, np.ndarray) and np.array_equal(now, then)):
                raise wrong(
                    f"wrong: {name} changed grads[{i}]: leave the gradients as they are and "
                    f"update {both} only."
                )
        kept = zip(names, value["kept"], strict=True)
        replaced = [n for n, same in kept if n != "grads" and not same]
        if replaced:
            raise wrong(
                f"wrong: {name} put new arrays in {' and '.join(replaced)} instead of changing "
                "the arrays it was given: the caller keeps those arrays, so update each in "
                "place (with -=, *=, += or [...] =)."
            )
        if all(map(np.array_equal, _flat(lists), _flat(start))):
            raise wrong(
                f"wrong: {name} left {both} as they were (it returned {value['returned']}; "
                "what it returns is not read): update their arrays in place."
            )
        got = [a for n, items in zip(names, lists, strict=True) if n != "grads" for a in items]
        return tuple(
            read_array(a, e, label)
            for a, e, label in zip(got, case.expected, case.labels, strict=True)
        )

    return read


def _momentum(stored=True, shared=False, average=False, old=False, sign=1.0, on_theta=False):
    """A momentum_step with one thing changed."""

    def momentum_step(params, grads, velocities, learning_rate, momentum):
        for i, (p, g) in enumerate(zip(params, grads, strict=True)):
            v = velocities[0 if shared else i]
            if on_theta:
                new = v + g
                p *= momentum
            else:
                new = momentum * v + (1 - momentum if average else 1.0) * sign * g
            p -= learning_rate * (v if old else new)
            if stored:
                v[...] = new

    return momentum_step


def _adam(fixes=(1, 2), shift=0, eps_at="", swap=False, stored=True, shared=False, decay=""):
    """An adam_step with one thing changed: the bias corrections ``fixes`` (1 - beta1^t for 1,
    1 - beta2^t for 2, none for 0) of m and v, their power t + ``shift``, epsilon inside the
    "root" or added to the "uncorrected" sqrt(v) (``eps_at``), the decays swapped, the moments
    not ``stored`` or ``shared``, the weight decay "coupled" to the gradient or applied "after"
    the step."""

    def adam_step(params, grads, ms, vs, t, learning_rate, beta1, beta2, epsilon, weight_decay):
        fix = {0: 1.0, 1: 1 - beta1 ** (t + shift), 2: 1 - beta2 ** (t + shift)}
        d1, d2 = (beta2, beta1) if swap else (beta1, beta2)
        for i, (p, g) in enumerate(zip(params, grads, strict=True)):
            m, v = (ms[0], vs[0]) if shared else (ms[i], vs[i])
            if decay == "coupled":
                g = g + weight_decay * p
            elif decay != "after":
                p *= 1 - learning_rate * weight_decay
            new_m, new_v = d1 * m + (1 - d1) * g, d2 * v + (1 - d2) * g * g
            m_hat, v_hat = new_m / fix[fixes[0]], new_v / fix[fixes[1]]
            root = {
                "": np.sqrt(v_hat) + epsilon,
                "root": np.sqrt(v_hat + epsilon),
                "uncorrected": (np.sqrt(new_v) + epsilon) / np.sqrt(fix[2]),
            }[eps_at]
            p -= learning_rate * m_hat / root
            if decay == "after":
                p *= 1 - learning_rate * weight_decay
            if stored:
                m[...], v[...] = new_m, new_v

    return adam_step


MOMENTUM_STEP = Step(
    "momentum_step",
    "momentum_step(params, grads, velocities, learning_rate, momentum) -> None; one step of "
    "SGD with momentum: updates each array of params and of velocities in place",
    ("params", "grads", "velocities", "learning_rate", "momentum"),
    _momentum_cases,
    _reader("momentum_step", ("params", "grads", "velocities")),
    (
        Mistake(
            _momentum(stored=False),
            "wrong: your velocities are unchanged: keep the new velocity b = mu b + g in "
            "velocities[i], in place, so that the next step goes on from it.",
        ),
        Mistake(
            _momentum(shared=True),
            "wrong: your arrays share one velocity: each array of params has its own, "
            "velocities[i], updated from grads[i] only.",
        ),
        Mistake(
            _momentum(average=True),
            "wrong: you averaged the gradients, b = mu b + (1 - mu) g; this velocity adds each "
            "whole gradient, b = mu b + g (the average takes the same steps only with the "
            "learning rate eta / (1 - mu)).",
        ),
        Mistake(
            _momentum(old=True),
            "wrong: you stepped with the old velocity: first update it, b = mu b + g, then step "
            "with the new one, theta = theta - eta b.",
        ),
        Mistake(
            _momentum(sign=-1.0),
            "wrong: your velocity subtracts the gradient: add it, b = mu b + g, and step "
            "against the velocity, theta = theta - eta b.",
        ),
        Mistake(
            _momentum(on_theta=True),
            "wrong: you multiplied the parameters by the momentum; it decays the velocity: "
            "b = mu b + g, then theta = theta - eta b.",
        ),
    ),
    hint="params, grads and velocities are lists of arrays of matching shapes: update "
    "params[i] and velocities[i] in place from grads[i].",
    against="the library's SGD with momentum",
    observe=_observe,
    reset=_reset,
)

ADAM_STEP = Step(
    "adam_step",
    "adam_step(params, grads, ms, vs, t, learning_rate, beta1, beta2, epsilon, weight_decay) "
    "-> None; Adam's step number t (from 1), with decoupled weight decay: updates each array "
    "of params, ms and vs in place",
    ("params", "grads", "ms", "vs", "t", "learning_rate", *ADAM_NUMBERS),
    _adam_cases,
    _reader("adam_step", ("params", "grads", "ms", "vs")),
    (
        Mistake(
            _adam(fixes=(0, 0)),
            "wrong: you left out the bias correction: m and v start at zero, so step with "
            "m_hat = m / (1 - beta1^t) and v_hat = v / (1 - beta2^t).",
        ),
        Mistake(
            _adam(fixes=(1, 0)),
            "wrong: you corrected m but not v: v_hat = v / (1 - beta2^t) too.",
        ),
        Mistake(
            _adam(fixes=(0, 2)),
            "wrong: you corrected v but not m: m_hat = m / (1 - beta1^t) too.",
        ),
        Mistake(
            _adam(fixes=(2, 1)),
            "wrong: you swapped the bias corrections: m_hat = m / (1 - beta1^t) and "
            "v_hat = v / (1 - beta2^t), each moment with its own beta.",
        ),
        Mistake(
            _adam(eps_at="root"),
            "wrong: you put epsilon inside the square root; it is added after it: "
            "theta = theta - eta m_hat / (sqrt(v_hat) + epsilon).",
        ),
        Mistake(
            _adam(eps_at="uncorrected"),
            "wrong: you added epsilon to sqrt(v) before the bias correction (the Adam paper's "
            "faster form, with another epsilon); here it is added to sqrt(v_hat): "
            "theta = theta - eta m_hat / (sqrt(v_hat) + epsilon).",
        ),
        Mistake(
            _adam(swap=True),
            "wrong: you swapped the decays: m = beta1 m + (1 - beta1) g averages the gradients, "
            "v = beta2 v + (1 - beta2) g^2 their squares.",
        ),
        Mistake(
            _adam(shift=1),
            "wrong: your bias correction uses the power t + 1: t is this step's number, counted "
            "from 1, so m_hat = m / (1 - beta1^t) and v_hat = v / (1 - beta2^t).",
        ),
        Mistake(
            _adam(stored=False),
            "wrong: your ms and vs are unchanged: keep the new moments in ms[i] and vs[i], in "
            "place, so that the next step goes on from them.",
        ),
        Mistake(
            _adam(shared=True),
            "wrong: your arrays share one m and one v: each array of params has its own, ms[i] "
            "and vs[i], updated from grads[i] only.",
        ),
        Mistake(
            _adam(decay="coupled"),
            "wrong: you added weight_decay theta to the gradient (L2 regularisation); the "
            "weight decay here is decoupled (AdamW): first theta = (1 - eta weight_decay) "
            "theta, then the Adam step with the gradient as given.",
        ),
        Mistake(
            _adam(decay="after"),
            "wrong: you shrank theta after the Adam step; shrink it first, theta = (1 - eta "
            "weight_decay) theta, then take the step.",
        ),
    ),
    hint="params, grads, ms and vs are lists of arrays of matching shapes: update params[i], "
    "ms[i] and vs[i] in place from grads[i].",
    against="the library's Adam",
    observe=_observe,
    reset=_reset,
)

STEPS = (MOMENTUM_STEP, ADAM_STEP)
"""Notebook 09's checks."""
