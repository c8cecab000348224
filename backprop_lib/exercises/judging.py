"""Judging a student's function from its outcomes: the verdict of one check.

:func:`judge` reads the outcomes that :func:`~backprop_lib.exercises.calling.observe` made
(in this process, or in a student's process for the grader) and compares each answer with
its case's right one. It never calls the student's code, so nothing the student's code did
to its own process reaches the verdict when the outcomes come from elsewhere.
"""

from .calling import CALL_SECONDS, observe_all
from .checking import CheckResult, Verdict, draw_cases, wrong
from .diagnosis import diagnose, matches

MESSAGE_CHARACTERS = 160
"""An exception's text is cut to this length in a message, to keep it one or two lines (a
stub's NotImplementedError sentence is kept whole)."""


def _first_line(text):
    text = text.strip().splitlines()[0] if text.strip() else ""
    return text if len(text) <= MESSAGE_CHARACTERS else text[: MESSAGE_CHARACTERS - 3] + "..."


def _raised(step, outcome):
    name, kind, text = step.name, outcome["type"], outcome["text"]
    if kind == "NotImplementedError":
        said = f": {' '.join(text.split()).rstrip('.')}" if text else ""
        return Verdict(
            "not done",
            f"not done yet: {name} raised NotImplementedError{said}. "
            "Replace the raise line with your code and run the cell again.",
        )
    said = f": {_first_line(text)}" if text else ""
    hint = f" {step.hint}" if step.hint else ""
    return wrong(f"wrong: {name} raised {kind}{said}.{hint}")


def verdict_of(step, outcome):
    """The Verdict for an outcome that is no answer (None for an answer)."""
    name, kind = step.name, outcome["kind"]
    if kind == "answer":
        return None
    if kind == "raised":
        return _raised(step, outcome)
    messages = {
        "timeout": f"wrong: {name} did not finish within {outcome.get('seconds', 0):g} s: is "
        "there an endless loop?",
        "endless": f"wrong: {name} raised RecursionError even with {outcome.get('depth')} "
        "levels of recursion allowed: does it call itself without end?",
        "changed": f"wrong: {name} changed its argument {outcome.get('argument')}"
        f"{outcome.get('where', '')}: leave the inputs as they are and compute new arrays "
        "(for example work on a copy).",
        "delegated": f"wrong: {name} {outcome.get('called')}, the library's own answer to this "
        "exercise: the exercise asks you to write it yourself.",
        "forward": f"wrong: {name} ran {outcome.get('what')} {outcome.get('passes')} times in "
        "one call: that is central differences, which cost two forward passes for every number "
        "they differentiate by (notebook 05); backpropagation needs one forward and one "
        "backward pass.",
        "tampered": f"wrong: {name} switched off the check's watch over the library's answers, "
        "so the check cannot vouch for it.",
    }
    return wrong(messages.get(kind, f"wrong: {name} could not be checked ({kind})."))


def _printed(outcomes, index):
    """What the call the message is about printed."""
    return outcomes[min(index, len(outcomes) - 1)].get("printed", "") if outcomes else ""


def judge(step, cases, outcomes):
    """The CheckResult of a student's function from its outcomes on ``cases``; never raises.

    ``outcomes`` may stop early, after one that is no answer. A call that raised, or an
    answer that cannot be read, gives its own message, unless an earlier case already gave a
    wrong answer: then the wrong answers found so far are the ones to explain.
    """
    name, index = step.name, 0
    try:
        for at, outcome in enumerate(outcomes):
            if outcome["kind"] in ("delegated", "forward", "tampered"):
                index = at
                raise verdict_of(step, outcome)
        failures, passed = [], []
        for at, (case, outcome) in enumerate(zip(cases, outcomes, strict=False)):
            index = at
            try:
                problem = verdict_of(step, outcome)
                if problem is not None:
                    raise problem
                answer = step.read(outcome["value"], case)
            except Verdict:
                if failures:
                    break
                raise
            if matches(answer, case.expected):
                passed.append(case)
            else:
                failures.append((answer, case))
        if failures:
            index = next(i for i, c in enumerate(cases) if c is failures[0][1])
            raise wrong(diagnose(step, failures, passed))
        if len(outcomes) < len(cases):
            raise wrong(f"wrong: {name} was run on {len(outcomes)} of {len(cases)} cases only.")
    except Verdict as verdict:
        return CheckResult(name, verdict.status, verdict.message, _printed(outcomes, index))
    except Exception as error:  # a check never crashes, whatever the answer looks like
        return CheckResult(
            name,
            "wrong",
            f"wrong: your answer to {name} could not be checked "
            f"({_first_line(f'{type(error).__name__}: {error}')}).",
        )
    return CheckResult(
        name,
        "right",
        f"right: {name} passed {len(cases)} checks against {step.against}.",
        _printed(outcomes, 0),
    )


def run(step, fn, seed=0, seconds=CALL_SECONDS):
    """Check ``fn`` (a callable) against ``step`` on the cases drawn with ``seed``, in this
    process."""
    cases = draw_cases(step, seed)
    return judge(step, cases, observe_all(step, fn, cases, seconds))
