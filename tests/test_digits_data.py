"""Tests of the shipped digit files in data/ and of data/build_digits.py, which makes them."""

import importlib.util
from pathlib import Path

import h5py
import numpy as np
import pytest
from sklearn.datasets import load_digits

from backprop_lib.data import load_image_dataset

DATA = Path(__file__).resolve().parents[1] / "data"
TRAIN, TEST = DATA / "digits_train.h5", DATA / "digits_test.h5"


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
    return load_digits()


@pytest.fixture(scope="module")
def shipped():
    return read(TRAIN), read(TEST)


def test_files_hold_the_course_layout(shipped):
    train, test = shipped
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
        assert set(np.unique(y)) == {0, 1}
    assert list(train["list_classes"]) == list(test["list_classes"]) == [b"1", b"8"]


def test_each_digit_is_split_thirty_seventy(shipped, digits):
    # scikit-learn's digits hold 182 ones and 174 eights; round(0.3 * count) of each go to test.
    train, test = shipped
    for label, digit in enumerate((1, 8)):
        count = int(np.sum(digits.target == digit))
        n_test = round(0.3 * count)
        assert np.sum(test["test_set_y"] == label) == n_test
        assert np.sum(train["train_set_y"] == label) == count - n_test


def test_classes_are_balanced(shipped):
    for y in (shipped[0]["train_set_y"], shipped[1]["test_set_y"]):
        assert 0.45 <= np.mean(y) <= 0.55


def test_pixels_are_the_seventeen_levels_from_0_to_255(shipped):
    levels = {(v * 255 + 8) // 16 for v in range(17)}  # 0, 16, 32, 48, 64, 80, 96, 112, 128, ...
    assert min(levels) == 0
    assert max(levels) == 255
    for x in (shipped[0]["train_set_x"], shipped[1]["test_set_x"]):
        assert set(np.unique(x)) <= levels
        assert x.min() == 0
        assert x.max() == 255


def test_every_image_is_a_scikit_learn_digit_with_its_label(shipped, digits):
    train, test = shipped
    x = np.concatenate([train["train_set_x"], test["test_set_x"]])
    y = np.concatenate([train["train_set_y"], test["test_set_y"]])
    for label, digit in enumerate((1, 8)):
        source = build_digits.to_uint8(digits.images[digits.target == digit])
        # The same images, each whole image compared, as many times each (sorted byte strings).
        originals = sorted(image.tobytes() for image in source)
        stored = sorted(image.tobytes() for image in x[y == label])
        assert stored == originals
    assert len(x) == np.sum(np.isin(digits.target, (1, 8)))


def test_loader_reads_the_files_as_columns(shipped):
    X, Y, X_test, Y_test, classes = load_image_dataset(TRAIN, TEST)
    assert X.shape == (64, len(shipped[0]["train_set_y"]))
    assert X_test.shape == (64, len(shipped[1]["test_set_y"]))
    assert Y.shape == (1, X.shape[1])
    assert X.min() == 0.0
    assert X.max() == 1.0
    assert Y_test.shape == (1, X_test.shape[1])
    assert classes == ["1", "8"]
    np.testing.assert_array_equal(X[:, 0], shipped[0]["train_set_x"][0].ravel() / 255)


def test_build_script_rebuilds_the_shipped_arrays(tmp_path, shipped):
    train_path, test_path = build_digits.build(tmp_path)
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
    a = build_digits.split_pair(images, digits.target, (3, 5), test_fraction=0.25, seed=4)
    train_x, train_y, test_x, test_y = a
    assert not set(train_x) & set(test_x)
    assert set(train_x) | set(test_x) == set(np.flatnonzero(np.isin(digits.target, (3, 5))))
    np.testing.assert_array_equal(train_y, digits.target[train_x] == 5)
    np.testing.assert_array_equal(test_y, digits.target[test_x] == 5)
    for label, digit in enumerate((3, 5)):
        assert np.sum(test_y == label) == round(0.25 * np.sum(digits.target == digit))
    b = build_digits.split_pair(images, digits.target, (3, 5), test_fraction=0.25, seed=4)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)
    c = build_digits.split_pair(images, digits.target, (3, 5), test_fraction=0.25, seed=5)
    assert not np.array_equal(a[2], c[2])
