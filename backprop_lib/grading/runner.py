"""The student's side of grading: ``python -m backprop_lib.grading.runner`` (the grader
starts it; it reads its job on standard input).

What it does, in this order:

1. reads the job (the instructor's setup cell, the student's solution cells, which check
   calls which function with which seed) and draws every check's inputs, keeping only the
   arguments: the right answers are never in this process;
2. runs the instructor's setup cell, imports what an exercise may import and what the watch
   looks for (the course's files may be closed to the job's user, as on a hub);
3. when started as root, becomes the job's unprivileged user (no groups, a few processes at
   most) in the job's own folder: from here on nothing it runs can read the grader's files,
   another student's folder or write outside its own;
4. runs the student's solution cells in an IPython shell, as a notebook would, then calls
   each checked function on its inputs under the watch over the library's answers
   (:func:`backprop_lib.exercises.calling.observe`);
5. writes the outcomes, as JSON (:mod:`~backprop_lib.grading.transport`), on a copy of its
   standard output made before any student code ran, as the last line.

Nothing here decides a grade: the grader judges the outcomes in its own process.
"""

import dataclasses
import importlib
import json
import os
import resource
import sys

from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config

from ..exercises import SPIRAL_SETTINGS, STEPS
from ..exercises.calling import observe, observe_all
from ..exercises.checking import Case, draw_cases
from ..exercises.guard import watched
from ..exercises.rules import ALLOWED_IMPORTS
from .transport import encode

PROCESSES = 16
"""Processes the student's user may run at once (its own threads count): enough for NumPy."""

FILE_BYTES = 50 * 2**20
"""Largest file the student's code may write."""


def cases_for(check, seed):
    """The inputs of one check, with its right answers and their context dropped."""
    if check == SPIRAL_SETTINGS.name:
        return [Case((), (), (), {})]
    kept = ("nodes",)  # what a step's observe reads after the call (the sweep's graph)
    return [
        dataclasses.replace(
            case, expected=(), context={k: v for k, v in case.context.items() if k in kept}
        )
        for case in draw_cases(STEPS[check], seed)
    ]


def become(uid, folder):
    """Become ``uid`` (group ``uid``, no other groups) in ``folder``, with limits."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_BYTES, FILE_BYTES))
    if os.geteuid() == 0 and uid is not None:
        resource.setrlimit(resource.RLIMIT_NPROC, (PROCESSES, PROCESSES))
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    os.chdir(folder)


def _error(result):
    error = result.error_in_exec or result.error_before_exec
    if error is None:
        return None
    return {"type": type(error).__name__, "text": str(error).strip()[:500]}


def outcomes_of(shell, request, cases, seconds):
    """The outcomes of one request's function on its cases, or a "missing" outcome."""
    fn = shell.user_ns.get(request["function"])
    if not callable(fn):
        return [{"kind": "missing", "printed": ""}]
    if request["check"] == SPIRAL_SETTINGS.name:
        found = [observe(SPIRAL_SETTINGS, fn, cases[0], seconds)]
    else:
        found = observe_all(STEPS[request["check"]], fn, cases, seconds)
    for outcome in found:
        if outcome["kind"] == "answer":
            outcome["value"] = encode(outcome["value"])
    return found


def main():
    job = json.loads(sys.stdin.read())
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    quiet = os.open(os.devnull, os.O_WRONLY)  # what cells print is not the grader's business
    os.dup2(quiet, sys.stdout.fileno())
    os.dup2(quiet, sys.stderr.fileno())
    inputs = {r["id"]: cases_for(r["check"], r["seed"]) for r in job["requests"]}
    config = Config()
    config.HistoryManager.enabled = False
    shell = InteractiveShell.instance(config=config)
    setup = _error(shell.run_cell(job["setup"], store_history=False))
    for name in ALLOWED_IMPORTS:
        importlib.import_module(name)
    for request in job["requests"]:  # the watch imports the answers' modules: while readable
        watched(request["check"])
    become(job.get("uid"), job["folder"])
    cells = {cell["id"]: _error(shell.run_cell(cell["source"])) for cell in job["cells"]}
    outcomes = {
        r["id"]: outcomes_of(shell, r, inputs[r["id"]], job["seconds"]) for r in job["requests"]
    }
    channel.write(json.dumps({"setup": setup, "cells": cells, "outcomes": outcomes}) + "\n")
    channel.flush()


if __name__ == "__main__":
    main()
