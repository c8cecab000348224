"""Tests of the shipped digit files in data/ (the 1s and 8s of notebook 04, the ten digits of
notebook 08) and of data/build_digits.py, which makes them."""

import importlib.util
from pathlib import Path

import h5py
import numpy as np
import pytest

from backprop_lib.data import load_image_dataset

DATA = Path(__file__).resolve().parents[1] / "data"
PAIR, TEN = (1, 8), tuple(range(10))


def load_build_script():
    spec = importlib.util.spec_from_file_location("build_digits", DATA / "build_digits.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build_digits = load_build_script()


def read(path):
    with h5py.File(path, "r") as f:
        return {name: f[name][()] for name in f}


@pytest.fixture(scope="module")
def digits():
    from sklearn.datasets import load_digits  # here: scikit-learn takes a second to import

    return load_digits()


@pytest.fixture(scope="module", params=[PAIR, TEN], ids=["1s and 8s", "ten digits"])
def each_set(request):
    """(digits, (train, test) as read from the shipped files) for both pairs of files."""
    names = build_digits.FILES[request.param]
    return request.param, tuple(read(DATA / name) for name in names)


def test_the_files_are_the_ones_notebooks_04_and_08_open():
    assert build_digits.FILES == {
        PAIR: ("digits_train.h5", "digits_test.h5"),
        TEN: ("digits10_train.h5", "digits10_test.h5"),
    }


def test_files_hold_the_course_layout(each_set):
    digits, (train, test) = each_set
    assert sorted(train) == ["list_classes", "train_set_x", "train_set_y"]
    assert sorted(test) == ["list_classes", "test_set_x", "test_set_y"]
    for x, y in [
        (train["train_set_x"], train["train_set_y"]),
        (test["test_set_x"], test["test_set_y"]),
    ]:
        assert x.dtype == np.uint8
        assert x.ndim == 3
        assert x.shape[1:] == (8, 8)
        assert y.shape == (x.shape[0],)
        assert set(np.unique(y)) == set(range(len(digits)))
    classes = [str(digit).encode() for digit in digits]  # [b"1", b"8"] and [b"0", ..., b"9"]
    assert list(train["list_classes"]) == list(test["list_classes"]) == classes


def test_each_digit_is_split_thirty_seventy(each_set, digits):
    # For example, scikit-learn's digits hold 182 ones and 174 eights; round(0.3 * count) of
    # each go to the test set.
    kept, (train, test) = each_set
    for label, digit in enumerate(kept):
        count = int(np.sum(digits.target == digit))
        n_test = round(0.3 * count)
        assert np.sum(test["test_set_y"] == label) == n_test
        assert np.sum(train["train_set_y"] == label) == count - n_test


def test_classes_are_balanced(each_set):
    kept, (train, test) = each_set
    k = len(kept)
    for y in (train["train_set_y"], test["test_set_y"]):
        shares = np.bincount(y, minlength=k) / len(y)
        assert np.all((0.9 / k <= shares) & (shares <= 1.1 / k)), shares


def test_pixels_are_the_seventeen_levels_from_0_to_255(each_set):
    _, shipped = each_set
    levels = {(v * 255 + 8) // 16 for v in range(17)}  # 0, 16, 32, 48, 64, 80, 96, 112, 128, ...
    assert min(levels) == 0
    assert max(levels) == 255
    for x in (shipped[0]["train_set_x"], shipped[1]["test_set_x"]):
        assert set(np.unique(x)) <= levels
        assert x.min() == 0
        assert x.max() == 255


def test_every_image_is_a_scikit_learn_digit_with_its_label(each_set, digits):
    kept, (train, test) = each_set
    x = np.concatenate([train["train_set_x"], test["test_set_x"]])
    y = np.concatenate([train["train_set_y"], test["test_set_y"]])
    for label, digit in enumerate(kept):
        source = build_digits.to_uint8(digits.images[digits.target == digit])
        # The same images, each whole image compared, as many times each (sorted byte strings).
        originals = sorted(image.tobytes() for image in source)
        stored = sorted(image.tobytes() for image in x[y == label])
        assert stored == originals
    assert len(x) == np.sum(np.isin(digits.target, kept))


def test_loader_reads_the_files_as_columns(each_set):
    kept, shipped = each_set
    names = build_digits.FILES[kept]
    X, Y, X_test, Y_test, classes = load_image_dataset(DATA / names[0], DATA / names[1])
    assert X.shape == (64, len(shipped[0]["train_set_y"]))
    assert X_test.shape == (64, len(shipped[1]["test_set_y"]))
    assert Y.shape == (1, X.shape[1])
    assert X.min() == 0.0
    assert X.max() == 1.0
    assert Y_test.shape == (1, X_test.shape[1])
    assert classes == [str(digit) for digit in kept]
    np.testing.assert_array_equal(X[:, 0], shipped[0]["train_set_x"][0].ravel() / 255)
    np.testing.assert_array_equal(Y.ravel(), shipped[0]["train_set_y"])


def test_build_script_rebuilds_the_shipped_arrays(tmp_path, each_set):
    kept, shipped = each_set
    train_path, test_path = build_digits.build(tmp_path, kept)
    assert (train_path.name, test_path.name) == build_digits.FILES[kept]
    rebuilt = read(train_path), read(test_path)
    for ours, theirs in zip(rebuilt, shipped, strict=True):
        assert sorted(ours) == sorted(theirs)
        for name in ours:
            assert ours[name].dtype == theirs[name].dtype
            np.testing.assert_array_equal(ours[name], theirs[name])


def test_to_uint8_maps_counts_exactly():
    counts = np.array([[0, 1, 8], [15, 16, 4]])
    # (v * 255 + 8) // 16: 0 -> 0; 263 // 16 = 16; 2048 // 16 = 128; 3833 // 16 = 239;
    # 4088 // 16 = 255; 1028 // 16 = 64.
    expected = np.array([[0, 16, 128], [239, 255, 64]], dtype=np.uint8)
    result = build_digits.to_uint8(counts)
    assert result.dtype == np.uint8
    np.testing.assert_array_equal(result, expected)


@pytest.mark.parametrize("bad", [[17], [-1], [0.5]])
def test_to_uint8_rejects_anything_but_counts_0_to_16(bad):
    with pytest.raises(ValueError, match="0 to 16"):
        build_digits.to_uint8(np.array(bad))


def test_split_is_stratified_disjoint_and_seeded(digits):
    images = np.arange(len(digits.target))  # image i is just its index, to follow it
    a = build_digits.split_digits(images, digits.target, (3, 5), test_fraction=0.25, seed=4)
    train_x, train_y, test_x, test_y = a
    assert not set(train_x) & set(test_x)
    assert set(train_x) | set(test_x) == set(np.flatnonzero(np.isin(digits.target, (3, 5))))
    np.testing.assert_array_equal(train_y, digits.target[train_x] == 5)
    np.testing.assert_array_equal(test_y, digits.target[test_x] == 5)
    for label, digit in enumerate((3, 5)):
        assert np.sum(test_y == label) == round(0.25 * np.sum(digits.target == digit))
    b = build_digits.split_digits(images, digits.target, (3, 5), test_fraction=0.25, seed=4)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)
    c = build_digits.split_digits(images, digits.target, (3, 5), test_fraction=0.25, seed=5)
    assert not np.array_equal(a[2], c[2])


def test_each_image_is_labelled_with_the_place_of_its_digit(digits):
    images = np.arange(len(digits.target))
    train_x, train_y, test_x, test_y = build_digits.split_digits(images, digits.target, (7, 2, 5))
    for x, y in [(train_x, train_y), (test_x, test_y)]:
        np.testing.assert_array_equal(np.array((7, 2, 5))[y], digits.target[x])
    assert train_y.dtype == test_y.dtype == np.int64
