"""Grading one submission: its code runs in a process of its own; the verdicts are made here.

The grader reads the submission's solution cells, rejects those that break the exercises'
rules (:mod:`backprop_lib.exercises.rules`) before anything runs, starts the runner
(:mod:`~backprop_lib.grading.runner`) in a new temporary folder with a time limit, and
judges the outcomes it sends back against the right answers, drawn here with the hidden
seed. Nothing the student's code does in its process (patching the checks, NumPy, the
built-ins) reaches this one; only its functions' return values travel, as JSON.
"""

import contextlib
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile

import psutil

from ..exercises import SPIRAL_SETTINGS, STEPS
from ..exercises.calling import CALL_SECONDS
from ..exercises.checking import draw_cases
from ..exercises.judging import judge
from ..exercises.rules import findings, imported_names, message
from ..exercises.tuning import judge_spiral_settings
from .assignment import answers, defined_elsewhere
from .transport import decode

DEFAULT_TIMEOUT = 60.0
"""Seconds per submission: the runner's start, the setup, every cell and every check."""

UID_BASE = 1_900_000_000
"""As root, each submission runs as its own user id from here on: one no account uses, so
that two submissions graded at once, or one and a process it left behind, never share one."""

_UIDS = itertools.count(UID_BASE + (os.getpid() % 10_000) * 10_000)

RESULT_BYTES = 50 * 2**20
"""The most the runner's answer may hold."""


def _run(job, limit):
    """Run the runner on ``job``; returns (its result or None, why not)."""
    folder = tempfile.mkdtemp(prefix="grade-")
    uid = next(_UIDS) if os.geteuid() == 0 else None
    if uid is not None:
        os.chown(folder, uid, uid)
    job = {**job, "uid": uid, "folder": folder}
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": folder,
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": folder,
        "IPYTHONDIR": folder,
        "OPENBLAS_NUM_THREADS": "1",
    }
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        if name in os.environ:
            env[name] = os.environ[name]
    process = subprocess.Popen(
        [sys.executable, "-m", "backprop_lib.grading.runner"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        process_group=0,
    )
    try:
        out, _ = process.communicate(json.dumps(job).encode(), timeout=limit)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return None, f"reached its time limit of {limit:g} s"
    finally:
        _remove(folder, uid)
    lines = out[-RESULT_BYTES:].decode("utf-8", "replace").strip().splitlines()
    try:
        return json.loads(lines[-1]), ""
    except (IndexError, ValueError):
        return None, f"stopped before it finished (exit status {process.returncode})"


def _remove(folder, uid):
    """Stop whatever the submission's user left running, then delete its folder."""
    if uid is not None:
        for process in psutil.process_iter(["uids"]):
            if process.info["uids"] and process.info["uids"].real == uid:
                with contextlib.suppress(psutil.Error):
                    process.kill()
    shutil.rmtree(folder, ignore_errors=True)


def _feedback(exercise, outcomes, cells, submission, assignment):
    """(passed, feedback) of one exercise from what the runner sent."""
    if exercise.check == SPIRAL_SETTINGS.name:
        decoded = [
            {**o, "value": decode(o["value"])} if o["kind"] == "answer" else o for o in outcomes
        ]
        result = judge_spiral_settings(decoded[0])
        return result.passed, result.message
    if outcomes[0]["kind"] == "missing":
        error = cells.get(exercise.grade_id)
        said = f" (its cell raised {error['type']}: {error['text']})" if error else ""
        return False, f"Your solution cell defines no function {exercise.function}{said}."
    for outcome in outcomes:
        if outcome["kind"] == "answer":
            outcome["value"] = decode(outcome["value"])
    step = STEPS[exercise.check]
    result = judge(step, draw_cases(step, exercise.seed), outcomes)
    feedback = result.message
    missing = [outcome["missing"] for outcome in outcomes if outcome.get("missing")]
    if missing and not result.passed:
        name = missing[0]
        where = defined_elsewhere(submission, name, assignment)
        if where:
            feedback += (
                f" {name} is defined in {where}, outside the exercise's cell: the grader runs "
                "only the exercises' cells, so keep what an exercise needs inside its own cell."
            )
    return result.passed, feedback


def grade(submission, assignment, limit=DEFAULT_TIMEOUT):
    """Per exercise of ``assignment``: (exercise, points, feedback) for ``submission``."""
    sources, notes = answers(submission, assignment)
    rejected, cells = {}, []
    modules = imported_names(assignment.setup)  # np, bp, ...: not to be assigned to
    for exercise in assignment.exercises:
        source = sources[exercise.grade_id]
        found = findings(source, modules) if source is not None else []
        if found:
            rejected[exercise.grade_id] = message(exercise.function, found)
        elif source is not None:
            cells.append({"id": exercise.grade_id, "source": source})
    requests = [
        {"id": e.grade_id, "check": e.check, "function": e.function, "seed": e.seed}
        for e in assignment.exercises
        if sources[e.grade_id] is not None and e.grade_id not in rejected
    ]
    job = {"setup": assignment.setup, "cells": cells, "requests": requests, "seconds": CALL_SECONDS}
    result, stopped = _run(job, limit) if requests else ({"cells": {}, "outcomes": {}}, "")
    rows = []
    for exercise in assignment.exercises:
        if sources[exercise.grade_id] is None:
            passed, feedback = (
                False,
                "Its solution cell is missing (deleted, or its metadata changed).",
            )
        elif exercise.grade_id in rejected:
            passed, feedback = False, rejected[exercise.grade_id]
        elif result is None:
            passed, feedback = False, f"Not graded: your notebook {stopped}."
        else:
            try:
                passed, feedback = _feedback(
                    exercise,
                    result["outcomes"][exercise.grade_id],
                    result["cells"],
                    submission,
                    assignment,
                )
            except Exception as error:  # what the runner sent could not be read
                passed, feedback = (
                    False,
                    f"Not graded: its answers could not be read ({type(error).__name__}).",
                )
        rows.append((exercise, exercise.points if passed else 0, " ".join([feedback, *notes])))
    return rows
