"""Tests generated from the checks' one table of mistakes: each catalogued mistake, a wrong
implementation with its exercise's own signature, run as a student's answer on the visible and
on a hidden draw, is told by its own message and no other.

The table's functions are the library's code, which the check's watch counts as the library's
answer; so they are called here without the watch, and their outcomes judged as the check and
the grader judge a student's (:func:`backprop_lib.exercises.judging.judge`). That the watch and
the source rules let a student's own code through is tested with honest answers elsewhere.
"""

import pytest

from backprop_lib import exercises
from backprop_lib.exercises.checking import draw_cases
from backprop_lib.exercises.judging import judge

HIDDEN_SEED = 3


def outcomes(step, fn, cases):
    """The outcomes of ``fn`` on ``cases``, called in order as the check calls a student's
    function, stopping at the first call that raises."""
    made = []
    for case in cases:
        try:
            value = step.observe(fn(*case.args, **case.kwargs), case)
        except Exception as error:
            made.append({"kind": "raised", "type": type(error).__name__, "text": str(error)})
            break
        made.append({"kind": "answer", "value": value, "printed": ""})
    return made


ROWS = [
    (name, index) for name, step in exercises.STEPS.items() for index in range(len(step.mistakes))
]


@pytest.mark.parametrize("seed", (0, HIDDEN_SEED))
@pytest.mark.parametrize(("name", "index"), ROWS, ids=[f"{n}-{i}" for n, i in ROWS])
def test_each_catalogued_mistake_is_told_by_its_own_message(name, index, seed):
    step = exercises.STEPS[name]
    assert_told(step, step.mistakes[index], draw_cases(step, seed))


def assert_told(step, mistake, cases):
    """The check of ``step`` on ``cases`` calls ``mistake``'s answer wrong, with its message."""
    result = judge(step, cases, outcomes(step, mistake.fn, cases))
    assert result.status == "wrong", result.message
    said = {mistake.message.format(**case.context) for case in cases}
    assert result.message in said, result.message


def test_every_check_but_the_tuning_task_has_a_catalogue():
    assert all(step.mistakes for name, step in exercises.STEPS.items() if name != "bias_gradient")
