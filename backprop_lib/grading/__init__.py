"""Grading a class: ``python -m backprop_lib.grading SUBMISSION.ipynb ... --out grades.csv``.

Three parts: :mod:`~backprop_lib.grading.assignment` reads the course's exercises and a
submission's answers to them; :mod:`~backprop_lib.grading.submission` grades one submission
(its code runs in a process of its own, :mod:`~backprop_lib.grading.runner`, and only its
functions' return values come back, :mod:`~backprop_lib.grading.transport`); ``__main__`` is
the command line, which reads every submission before any runs and writes one CSV.
:mod:`~backprop_lib.grading.release` writes the student edition the submissions start from;
:mod:`~backprop_lib.grading.collect` collects a class's notebooks on the hub and grades them.

What a grade guarantees, and what it does not, is in README ("Grading a class").
"""
