"""Whether the code a check relies on is still the code the course shipped, in this kernel.

In the notebook a check runs in the student's own kernel, where a cell can replace anything:
``exercises.check``, a function of the checks, NumPy's ``np.abs``, a built-in, an entry of
``sys.modules``. :func:`changes` compares those with what they were when the checks were
imported, so that the obvious patches are named instead of believed. It is a courtesy to the
student, not a guarantee: the grader computes its verdicts in a process of its own.
"""

import sys
import types

WATCHED_MODULES = ("numpy", "numpy.linalg", "math", "builtins")
"""Modules besides the course's own whose attributes the checks use."""


def _watched():
    """The modules to fingerprint now: the course's, loaded so far, and WATCHED_MODULES."""
    names = [name for name in list(sys.modules) if name.split(".")[0] == "backprop_lib"]
    return {name: sys.modules[name] for name in (*names, *WATCHED_MODULES) if name in sys.modules}


def _members(module):
    """(attribute path, object) of a module's functions and classes, and of the methods of
    the classes it defines."""
    for name, value in list(vars(module).items()):
        if name == "_":  # the last result, in a plain Python prompt
            continue
        if callable(value):
            yield name, value
        if isinstance(value, type) and value.__module__ == module.__name__:
            for attribute, member in list(vars(value).items()):
                if callable(member) or isinstance(member, property | staticmethod | classmethod):
                    yield f"{name}.{attribute}", member


def _same(now, then):
    """True when ``now`` is the member recorded as ``then``. A bound method counts as the same
    when it binds the same function to the same object: IPython's kernel sets
    ``builtins.input`` to a fresh bound method of itself before every cell it runs."""
    if now is then:
        return True
    return (
        isinstance(now, types.MethodType)
        and isinstance(then, types.MethodType)
        and now.__func__ is then.__func__
        and now.__self__ is then.__self__
    )


def _owner(module, path):
    name, _, attribute = path.partition(".")
    owner = vars(module).get(name)
    return (owner, attribute) if attribute else (module, name)


class Fingerprint:
    """The identity of every watched module and member, taken when made (and, for modules
    loaded later, when first seen)."""

    def __init__(self):
        self.modules, self.members = {}, {}
        self._take()

    def _take(self):
        for name, module in _watched().items():
            if name not in self.modules:
                self.modules[name] = module
                self.members[name] = dict(_members(module))

    def changes(self):
        """What was replaced or removed since, e.g. ``["numpy.abs"]``; empty if nothing."""
        found = []
        for name, module in self.modules.items():
            if sys.modules.get(name) is not module:
                found.append(f"sys.modules[{name!r}]")
                continue
            for path, member in self.members[name].items():
                owner, attribute = _owner(module, path)
                now = vars(owner).get(attribute) if owner is not None else None
                if not _same(now, member):
                    found.append(f"{name}.{path}")
        self._take()
        return found


FINGERPRINT = Fingerprint()
"""Taken when the checks are imported, before any cell of a student's has run."""

SEALED = ("check", "CHECKS")
"""Names of the checks' package that no cell may rebind."""


class SealedModule(types.ModuleType):
    """A module whose :data:`SEALED` names cannot be replaced by assignment."""

    def __setattr__(self, name, value):
        if name in SEALED and name in vars(self):
            raise AttributeError(
                f"exercises.{name} is the course's check and cannot be replaced in a notebook"
            )
        super().__setattr__(name, value)
