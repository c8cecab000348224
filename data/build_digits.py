"""Build the digit files of data/: handwritten 1s and 8s (notebook 04) and all ten digits (08).

The images are the 8x8 handwritten digits that scikit-learn ships inside its package
(``sklearn.datasets.load_digits``: a copy of the test part of the UCI "Optical Recognition
of Handwritten Digits" data set, CC BY 4.0), so nothing is downloaded. ``digits_train.h5``
and ``digits_test.h5`` keep only the digits 1 and 8, the pair a linear model confuses most
(run with ``--compare-models`` to measure it); ``digits10_train.h5`` and ``digits10_test.h5``
keep all ten, labelled with their digit. They are written in the HDF5 layout of the course's
image sets, which ``backprop_lib.data.load_image_dataset`` reads.

Usage, from the root of the repository::

    python data/build_digits.py                   # rebuild the four files in data/
    python data/build_digits.py --compare-models  # print the measurements of data/README.md

scikit-learn is needed only here, never by the notebooks. Each function that uses it imports
it: the tests import this script, and importing scikit-learn takes about a second.
"""

import argparse
import itertools
from pathlib import Path

import numpy as np

from backprop_lib import data
from backprop_lib.lessons.deep_mlp import DEFAULTS, train_deep_mlp

DIGITS = (1, 8)
"""The two digits of notebook 04: label 0 is the first, label 1 the second."""

ALL_DIGITS = tuple(range(10))
"""The ten digits of notebook 08: the label of each image is its digit."""

TEST_FRACTION = 0.3
"""Share of each digit's images held out for testing (about 50 per digit)."""

SPLIT_SEED = 0
"""Seed of the random split; fixed, so the files are the same on every rebuild."""

PIXEL_MAX = 16
"""scikit-learn's digits count the inked pixels of 4x4 blocks: integers 0..16."""

HERE = Path(__file__).resolve().parent
FILES = {
    DIGITS: ("digits_train.h5", "digits_test.h5"),
    ALL_DIGITS: ("digits10_train.h5", "digits10_test.h5"),
}
"""The digits kept -> the names of their train and test files."""


def to_uint8(images):
    """Map the counts 0..16 onto 0..255 exactly: ``(v * 255 + 8) // 16`` (rounding half up).

    0 -> 0, 8 -> 128, 16 -> 255; integer arithmetic only, so every machine gives the same bytes.

    Parameters
    ----------
    images : ndarray of shape (m, 8, 8), integers 0..16 (any dtype)

    Returns
    -------
    ndarray of shape (m, 8, 8), uint8
    """
    counts = np.asarray(images).astype(np.int64)
    if counts.min() < 0 or counts.max() > PIXEL_MAX or np.any(counts != images):
        raise ValueError(f"expected whole-number pixel counts from 0 to {PIXEL_MAX}")
    return ((counts * 255 + PIXEL_MAX // 2) // PIXEL_MAX).astype(np.uint8)


def split_digits(images, targets, digits, test_fraction=TEST_FRACTION, seed=SPLIT_SEED):
    """Keep some digits, label each with its place in ``digits``, and split each digit's
    images at random.

    Each digit gives ``round(test_fraction * count)`` of its images to the test set (a
    stratified split); both sets are then shuffled, all with ``np.random.default_rng(seed)``.

    Parameters
    ----------
    images : ndarray of shape (n, h, w)
    targets : ndarray of shape (n,)
        The digit of each image.
    digits : tuple of int
        The digit labelled 0, then the digit labelled 1, and so on: (1, 8) labels the 1s 0
        and the 8s 1; (0, 1, ..., 9) labels each image with its digit.

    Returns
    -------
    train_x, train_y, test_x, test_y : ndarray
        Images (m, h, w) and labels (m,) of dtype int64.
    """
    rng = np.random.default_rng(seed)
    label_of = {digit: label for label, digit in enumerate(digits)}
    train, test = [], []
    for digit in digits:
        chosen = rng.permutation(np.flatnonzero(targets == digit))
        n_test = round(test_fraction * len(chosen))
        test.append(chosen[:n_test])
        train.append(chosen[n_test:])
    sets = []
    for parts in (train, test):
        order = rng.permutation(np.concatenate(parts))
        sets += [images[order], np.array([label_of[t] for t in targets[order]], dtype=np.int64)]
    return tuple(sets)


def build(directory=HERE, digits=DIGITS):
    """Write the train and test files of ``digits`` (a key of :data:`FILES`) into ``directory``.

    Returns
    -------
    train_path, test_path : pathlib.Path
    """
    from sklearn.datasets import load_digits

    source = load_digits()
    train_x, train_y, test_x, test_y = split_digits(source.images, source.target, digits)
    paths = tuple(Path(directory) / name for name in FILES[digits])
    classes = [str(digit) for digit in digits]
    data.save_image_dataset(*paths, to_uint8(train_x), train_y, to_uint8(test_x), test_y, classes)
    return paths


def as_columns(images):
    """Images (m, 8, 8) of counts as the notebook sees them: X (64, m), ``to_uint8(x) / 255``."""
    return to_uint8(images).reshape(len(images), -1).T / 255.0


def linear_accuracy(train_x, train_y, test_x, test_y):
    """Test accuracy of scikit-learn's logistic regression (default settings: L2, C = 1)."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(max_iter=10_000)
    return model.fit(as_columns(train_x).T, train_y).score(as_columns(test_x).T, test_y)


def mlp_accuracy(train_x, train_y, test_x, test_y):
    """Test accuracy of notebook 04's network at the explorer's default settings."""
    Y, Y_test = (y.reshape(1, -1).astype(float) for y in (train_y, test_y))
    result = train_deep_mlp(as_columns(train_x), Y, as_columns(test_x), Y_test, **DEFAULTS)
    return result.val_accuracy  # the held-out set here is the pair's test split


def compare_models(n_pairs=5, n_splits=10):
    """Print how well a linear model and notebook 04's MLP tell digit pairs apart.

    First the ``n_pairs`` pairs hardest for logistic regression, each split as
    :func:`split_digits` splits the shipped one; then, for the shipped pair, the test
    accuracies over the splits with seeds 0 .. n_splits - 1: their means, spreads, and the
    difference split by split.
    """
    from sklearn.datasets import load_digits

    digits = load_digits()
    scores = []
    for pair in itertools.combinations(range(10), 2):
        sets = split_digits(digits.images, digits.target, pair)
        scores.append((linear_accuracy(*sets), pair))
    scores.sort()
    print(f"{'digits':8}{'logistic regression':>22}{'MLP (notebook 04)':>20}")
    for accuracy, pair in scores[:n_pairs]:
        mlp = mlp_accuracy(*split_digits(digits.images, digits.target, pair))
        print(f"{pair[0]} vs {pair[1]:<3}{accuracy:>22.1%}{mlp:>20.1%}")
    splits = [split_digits(digits.images, digits.target, DIGITS, seed=s) for s in range(n_splits)]
    linear = 100 * np.array([linear_accuracy(*sets) for sets in splits])
    mlp = 100 * np.array([mlp_accuracy(*sets) for sets in splits])
    print(f"{DIGITS[0]} vs {DIGITS[1]} over {n_splits} splits (mean ± standard deviation, %):")
    print(f"  logistic regression {linear.mean():.1f} ± {linear.std(ddof=1):.1f}")
    print(f"  MLP                 {mlp.mean():.1f} ± {mlp.std(ddof=1):.1f}")
    diff = mlp - linear
    print(
        f"  MLP minus logistic regression, split by split: {diff.mean():+.1f} ± "
        f"{diff.std(ddof=1):.1f}; MLP better on {np.sum(diff > 0)}, worse on {np.sum(diff < 0)}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--compare-models",
        action="store_true",
        help="print how well a linear model and notebook 04's MLP tell digit pairs apart",
    )
    if parser.parse_args().compare_models:
        compare_models()
    else:
        for digits in FILES:
            for path in build(digits=digits):
                print("wrote", path)


if __name__ == "__main__":
    main()
