"""While a check runs a student's function, the library's own answer is out of reach.

The library holds the answer to every exercise (``bp.hidden_delta``, ``model.gradients``,
``Value.backward``, central differences). :class:`Watch` notices a call of any of them while
the student's function runs, however it was reached (a saved reference, another import path,
a copy of its code object), by a profile hook on the code objects themselves; and it counts
forward passes (the network's, batch normalisation's, the capstone's), because a backward pass
by central differences runs about 2P of them. What a student may call is everything else:
NumPy, the model's forward pass and its activations' derivatives, and the functions they
wrote in earlier exercises.
"""

import functools
import importlib
import os
import sys
import threading
from pathlib import Path

import numpy as np

ALWAYS = (
    "backprop_lib.gradcheck:numerical_gradient",
    "backprop_lib.gradcheck:cost_of_parameter",
    "backprop_lib.gradcheck:check_network_gradients",
    "backprop_lib.autodiff:Value.backward",
    "backprop_lib.lessons.autodiff_graph",
    "backprop_lib.lessons.forward_mode",
    "backprop_lib.backward",
    "backprop_lib.slips",
    "backprop_lib.lessons.planted_mistakes",
    "backprop_lib.exercises",
)
"""Out of reach in every exercise: central differences, automatic differentiation (the
engine's backward pass, notebook 07's graphs and its forward mode), the backward pass with
swappable steps and its table of wrong steps, and the checks themselves (their right
answers). A name ``module:qualname`` is one function; a bare module (or package) is all of
its code."""

GRADIENT_ROUTES = (
    "backprop_lib.network:MLP.gradients",
    "backprop_lib.network:MLP.gradient_norms",
    "backprop_lib.network:MLP.step",
    "backprop_lib.network:MLP.fit",
    "backprop_lib.network:MLP._step",
    "backprop_lib.network:MLP._backward",
    "backprop_lib.propagation:back_propagate",
)
"""An MLP's ways to its gradients: its training methods and the backward pass of
propagation.py they call, which goes through batch normalisation's and dropout's backward
passes when the network has them."""

NETWORK = (
    *GRADIENT_ROUTES,
    "backprop_lib.backprop:output_delta",
    "backprop_lib.backprop:hidden_delta",
    "backprop_lib.backprop:weight_gradient",
    "backprop_lib.backprop:bias_gradient",
    "backprop_lib.backprop:l2_gradient",
    "backprop_lib.losses:sigmoid_cross_entropy_delta",
    "backprop_lib.losses:softmax_cross_entropy_delta",
)
"""The library's backward-pass steps: every route to a network's gradients (``MLP.gradients``,
``fit``, the matrix graph of notebook 07) goes through them."""

ANSWERS = {
    "neuron_gradients": (
        "backprop_lib.lessons.single_neuron",
        "backprop_lib.backprop:output_delta",
        "backprop_lib.backprop:weight_gradient",
        "backprop_lib.backprop:bias_gradient",
    ),
    "two_layer_backward_pass": NETWORK,
    "backward_pass": NETWORK,
    "minibatch_gradients": NETWORK,
    "local_derivatives": ("backprop_lib.autodiff", "backprop_lib.lessons.autodiff_graph"),
    "backward_sweep": ("backprop_lib.lessons.autodiff_graph",),
    "momentum_step": ("backprop_lib.optimizers",),
    "adam_step": ("backprop_lib.optimizers",),
    "batchnorm_backward": (
        "backprop_lib.normalisation:batchnorm_backward",
        "backprop_lib.lessons.batchnorm_graph",  # notebook 10's graph: its backward steps
        *GRADIENT_ROUTES,
    ),
    "dropout_backward": (
        "backprop_lib.normalisation:dropout_backward",
        "backprop_lib.normalisation:dropout_forward",  # with a Generator that draws the mask
        "backprop_lib.propagation:_activation_slope",
        *GRADIENT_ROUTES,
    ),
    "capstone_backward": (
        *NETWORK,
        "backprop_lib.normalisation:batchnorm_backward",
        "backprop_lib.lessons.batchnorm_graph",
        "backprop_lib.lessons.capstone:engine_gradients",  # notebook 10's capstone: its answers
        "backprop_lib.lessons.capstone:numerical_gradients",
        "backprop_lib.lessons.capstone:cost_from",
    ),
}
"""Per exercise, the library's answers to it besides :data:`ALWAYS` and the package's function
of the exercise's own name (``bp.hidden_delta`` for "hidden_delta")."""


def _same_name(exercise):
    """The package's function named ``exercise``, as a name of the tables (or none)."""
    own = getattr(importlib.import_module("backprop_lib"), exercise, None)
    return (f"{own.__module__}:{own.__qualname__}",) if callable(own) else ()


FORWARD_LIMIT = 4
"""Forward passes allowed in one call of a backward pass beyond one per example:
backpropagation needs one (or one per example, written example by example); central
differences need 2P, more than this plus m in every checked network but the one with 200
examples (P = 17), and one case is enough to tell."""

NETWORK_CHECKS = ("two_layer_backward_pass", "backward_pass", "minibatch_gradients")

BATCH_STATISTICS = "backprop_lib.normalisation:_statistics"
"""The batch mean and variance that every training-mode batch normalisation computes
(``bp.batchnorm_forward``, ``bp.batch_statistics``, an MLP with batch normalisation)."""

FORWARDS = {
    **dict.fromkeys(
        NETWORK_CHECKS, ("the network's forward pass", ("backprop_lib.network:MLP._forward",))
    ),
    "batchnorm_backward": ("batch normalisation's forward pass", (BATCH_STATISTICS,)),
    "capstone_backward": (
        "the network's forward pass",
        ("backprop_lib.lessons.capstone:cross_entropy", BATCH_STATISTICS),
    ),
}
"""Per exercise, the forward passes counted while the answer runs, with what to call them: the
MLP's, the batch statistics (central differences through ``bp.batchnorm_forward``), and the
capstone's cost step (through its forward steps)."""

_OWN = (Path(__file__).parent / "guard.py", Path(__file__).parent / "calling.py")
"""This watch and the call around it run inside the watched window; they hold no answer."""


class Delegated(BaseException):
    """Raised where the student's function calls one of the library's answers.

    A BaseException, so that ``except Exception`` in the student's code lets it by; the
    watch records the call first, so that catching it changes nothing either.
    """


def _resolve(name):
    """The code objects and the source paths (files, or folders ending in a separator) that a
    name of the tables covers."""
    module_name, _, qualname = name.partition(":")
    module = importlib.import_module(module_name)
    if not qualname:
        path = Path(module.__file__)
        return set(), {str(path.parent) + os.sep if path.name == "__init__.py" else str(path)}
    target = module
    for part in qualname.split("."):
        target = getattr(target, part)
    return {target.__code__}, set()


def _description(name):
    """What a student did who reached ``name``: "called m.f" or "used m" (a module)."""
    module_name, _, qualname = name.partition(":")
    return f"called {module_name}.{qualname}" if qualname else f"used {module_name}"


@functools.cache
def watched(exercise):
    """What the watch of ``exercise`` looks for, resolved once: {code object: what it is},
    {source path prefix: what it is}, and the counted forward passes: what they are called and
    their code objects (none for an exercise without a count)."""
    codes, places = {}, {}
    for name in (*ALWAYS, *ANSWERS.get(exercise, ()), *_same_name(exercise)):
        found_codes, found_places = _resolve(name)
        codes.update(dict.fromkeys(found_codes, _description(name)))
        places.update(dict.fromkeys(found_places, _description(name)))
    what, names = FORWARDS.get(exercise, ("", ()))
    forward = set().union(*(_resolve(name)[0] for name in names))
    return codes, places, (what, forward)


class Watch:
    """Watch one call of a student's function for the check ``exercise``.

    Use as ``with Watch(name, args) as watch: fn(*args)``; then ``watch.called`` says which
    library answer the function reached first ("called backprop_lib.backprop.hidden_delta",
    "used backprop_lib.autodiff") or is "", and ``watch.forward_passes`` how many forward
    passes of :data:`FORWARDS` it ran, called ``watch.forward_what`` (more than
    ``watch.forward_limit``: central differences).
    ``watch.tampered`` is True when the hook was gone afterwards (the watch cannot vouch for
    what followed). Functions among ``args`` (the function a numerical gradient
    differentiates) are the student's to call.
    """

    def __init__(self, exercise, inputs=()):
        self.codes, self.places, (self.forward_what, self.forward) = watched(exercise)
        self.own = {str(path) for path in _OWN}
        self.inputs = {getattr(value, "__code__", None) for value in inputs}
        examples = [np.shape(a)[-1] for a in inputs if isinstance(a, np.ndarray) and a.ndim == 2]
        self.forward_limit = FORWARD_LIMIT + max(examples, default=1)
        self.called, self.forward_passes, self.tampered = "", 0, False
        self._names = {}  # code object -> _which(code): the hook sees each code object often
        self._hook = self._profile  # one bound method, to recognise it afterwards

    def _which(self, code):
        """The library answer ``code`` belongs to, or "" (the function's inputs, such as the
        function a numerical gradient differentiates, are the student's to call)."""
        if code in self.inputs:
            return ""
        if code in self.codes:
            return self.codes[code]
        where = code.co_filename
        if where in self.own:
            return ""
        return next((name for place, name in self.places.items() if where.startswith(place)), "")

    def _profile(self, frame, event, arg):
        if event != "call":
            return
        code = frame.f_code
        if code in self.forward:
            self.forward_passes += 1
            return
        name = self._names.get(code)
        if name is None:
            name = self._names[code] = self._which(code)
        if name:
            self.called = self.called or name
            raise Delegated(f"{name} is the library's answer to this exercise")

    def __enter__(self):
        threading.setprofile(self._hook)
        sys.setprofile(self._hook)
        return self

    def __exit__(self, *exc):
        hook = sys.getprofile()
        sys.setprofile(None)
        threading.setprofile(None)
        # raising from the hook unsets it, so a missing hook after a delegation is expected
        self.tampered = hook is not self._hook and not self.called
        return False
