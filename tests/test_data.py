"""Tests for backprop_lib.data: the HDF5 image loader/writer and the 2-D toy data sets."""

import math
import re

import h5py
import numpy as np
import pytest

from backprop_lib.data import (
    TOY_DATASETS,
    load_image_dataset,
    make_blobs,
    make_circles,
    make_moons,
    make_spirals,
    make_toy_dataset,
    make_xor,
    save_image_dataset,
)

CLASSES = ["non-cat", "cat"]


def raw_images(m, shape, seed):
    """Random uint8 images (m, *shape) that include the extremes 0 and 255."""
    x = np.random.default_rng(seed).integers(0, 256, size=(m, *shape), dtype=np.uint8)
    x.flat[0], x.flat[-1] = 0, 255
    return x


def write_h5(path, **datasets):
    """Write the given datasets into a fresh HDF5 file, bypassing save_image_dataset."""
    with h5py.File(path, "w") as f:
        for name, array in datasets.items():
            f.create_dataset(name, data=array)


def course_like_files(tmp_path, classes_in_train=True, classes_in_test=True):
    """Write small files laid out like train_catvnoncat.h5 / test_catvnoncat.h5."""
    train_x, test_x = raw_images(5, (4, 3, 3), seed=1), raw_images(3, (4, 3, 3), seed=2)
    train_y, test_y = np.array([0, 1, 1, 0, 1]), np.array([1, 0, 0])
    list_classes = np.array([b"non-cat", b"cat"], dtype="S7")
    train = {"train_set_x": train_x, "train_set_y": train_y}
    test = {"test_set_x": test_x, "test_set_y": test_y}
    if classes_in_train:
        train["list_classes"] = list_classes
    if classes_in_test:
        test["list_classes"] = list_classes
    write_h5(tmp_path / "train.h5", **train)
    write_h5(tmp_path / "test.h5", **test)
    return tmp_path / "train.h5", tmp_path / "test.h5", train_x, train_y, test_x, test_y


# ---------------------------------------------------------------------------
# load_image_dataset / save_image_dataset
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("image_shape", [(4, 3, 3), (4, 5)], ids=["h-w-c", "h-w"])
@pytest.mark.parametrize("one_file", [False, True], ids=["two-files", "one-file"])
def test_save_load_round_trip(tmp_path, image_shape, one_file):
    train_x, test_x = raw_images(6, image_shape, seed=3), raw_images(2, image_shape, seed=4)
    train_y, test_y = np.array([0, 1, 1, 0, 1, 0]), np.array([1, 0])
    originals = [a.copy() for a in (train_x, train_y, test_x, test_y)]
    train_file = tmp_path / "all.h5" if one_file else tmp_path / "train.h5"
    test_file = train_file if one_file else str(tmp_path / "test.h5")  # str and Path both work

    save_image_dataset(train_file, test_file, train_x, train_y, test_x, test_y, CLASSES)
    X, Y, X_test, Y_test, classes = load_image_dataset(train_file, test_file)

    n = math.prod(image_shape)
    assert X.shape == (n, 6) and X_test.shape == (n, 2)
    assert Y.shape == (1, 6) and Y_test.shape == (1, 2)
    assert all(a.dtype == np.float64 for a in (X, Y, X_test, Y_test))
    assert classes == CLASSES and all(type(c) is str for c in classes)
    np.testing.assert_array_equal(Y, [[0.0, 1.0, 1.0, 0.0, 1.0, 0.0]])
    np.testing.assert_array_equal(Y_test, [[1.0, 0.0]])
    for i in range(6):
        np.testing.assert_array_equal(X[:, i], train_x[i].reshape(-1) / 255)
    for i in range(2):
        np.testing.assert_array_equal(X_test[:, i], test_x[i].reshape(-1) / 255)
    assert X.min() == 0.0 and X.max() == 1.0  # raw 0 and 255 end up exactly at 0 and 1
    for before, after in zip(originals, (train_x, train_y, test_x, test_y), strict=True):
        np.testing.assert_array_equal(before, after)  # inputs untouched


def test_save_writes_the_course_layout(tmp_path):
    train_x, test_x = raw_images(3, (2, 2, 3), seed=5), raw_images(2, (2, 2, 3), seed=6)
    save_image_dataset(
        tmp_path / "a.h5", tmp_path / "b.h5", train_x, [0, 1, 0], test_x, [1, 1], CLASSES
    )
    with h5py.File(tmp_path / "a.h5", "r") as f:
        assert sorted(f.keys()) == ["list_classes", "train_set_x", "train_set_y"]
        assert f["train_set_x"].dtype == np.uint8 and f["train_set_x"].shape == (3, 2, 2, 3)
        assert list(f["list_classes"][()]) == [b"non-cat", b"cat"]
    with h5py.File(tmp_path / "b.h5", "r") as f:
        assert sorted(f.keys()) == ["list_classes", "test_set_x", "test_set_y"]
        np.testing.assert_array_equal(f["test_set_y"][()], [1, 1])


def test_load_course_like_files_pixel_by_pixel(tmp_path):
    train_file, test_file, train_x, train_y, test_x, _ = course_like_files(tmp_path)
    X, Y, X_test, Y_test, classes = load_image_dataset(train_file, test_file)
    # Images are (m, h, w, c) = (5, 4, 3, 3): pixel (r, col, ch) of example i is
    # row (r * w + col) * c + ch = (r * 3 + col) * 3 + ch of column i.
    assert X.shape == (36, 5) and X_test.shape == (36, 3)
    assert X[(2 * 3 + 1) * 3 + 2, 4] == train_x[4, 2, 1, 2] / 255
    assert X[0, 0] == 0.0 and X[35, 4] == 1.0  # the first and last raw bytes
    assert X_test[(3 * 3 + 0) * 3 + 1, 1] == test_x[1, 3, 0, 1] / 255
    np.testing.assert_array_equal(Y, train_y.reshape(1, 5))
    np.testing.assert_array_equal(Y_test, [[1.0, 0.0, 0.0]])
    assert classes == ["non-cat", "cat"]


def test_list_classes_falls_back_to_the_train_file(tmp_path):
    train_file, test_file, *_ = course_like_files(tmp_path, classes_in_test=False)
    assert load_image_dataset(train_file, test_file)[4] == ["non-cat", "cat"]


def test_list_classes_comes_from_the_test_file_first(tmp_path):
    train_file, test_file, *_ = course_like_files(tmp_path)
    with h5py.File(test_file, "a") as f:
        del f["list_classes"]
        f.create_dataset("list_classes", data=np.array([b"dog", b"cat"]))
    assert load_image_dataset(train_file, test_file)[4] == ["dog", "cat"]


@pytest.mark.parametrize("which", ["train", "test"])
def test_load_missing_file(tmp_path, which):
    train_file, test_file, *_ = course_like_files(tmp_path)
    missing = tmp_path / "nowhere.h5"
    args = (missing, test_file) if which == "train" else (train_file, missing)
    with pytest.raises(FileNotFoundError, match=re.escape(str(missing))):
        load_image_dataset(*args)


def test_load_text_file_is_not_hdf5(tmp_path):
    train_file, *_ = course_like_files(tmp_path)
    text = tmp_path / "notes.txt"
    text.write_text("these are not the images you are looking for\n")
    with pytest.raises(ValueError, match=re.escape(str(text)) + ".*not an HDF5 file"):
        load_image_dataset(train_file, text)


def test_load_missing_dataset_names_file_expected_and_present(tmp_path):
    train_file, *_ = course_like_files(tmp_path)
    bad = tmp_path / "bad_test.h5"
    write_h5(bad, test_set_x=raw_images(2, (2, 2), seed=0), labels=np.array([0, 1]))
    with pytest.raises(ValueError) as info:
        load_image_dataset(train_file, bad)
    message = str(info.value)
    assert str(bad) in message
    assert "test_set_y" in message  # the dataset it lacks
    assert "labels" in message and "test_set_x" in message  # the datasets it has


def test_load_without_list_classes_anywhere(tmp_path):
    train_file, test_file, *_ = course_like_files(
        tmp_path, classes_in_train=False, classes_in_test=False
    )
    with pytest.raises(ValueError, match="list_classes") as info:
        load_image_dataset(train_file, test_file)
    assert str(train_file) in str(info.value) and str(test_file) in str(info.value)


def test_load_count_mismatch_gives_both_numbers(tmp_path):
    _, test_file, *_ = course_like_files(tmp_path)
    bad = tmp_path / "bad_train.h5"
    write_h5(bad, train_set_x=raw_images(5, (2, 2), seed=0), train_set_y=np.zeros(4))
    with pytest.raises(ValueError, match=r"5 images.*\(4,\)") as info:
        load_image_dataset(bad, test_file)
    assert str(bad) in str(info.value)


def test_load_rejects_images_that_are_not_uint8(tmp_path):
    _, test_file, *_ = course_like_files(tmp_path)
    bad = tmp_path / "float_train.h5"
    write_h5(bad, train_set_x=np.zeros((2, 3, 3)), train_set_y=np.zeros(2))
    with pytest.raises(ValueError, match=r"uint8.*float64"):
        load_image_dataset(bad, test_file)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"train_x": np.zeros((3, 2, 2))}, "train_x must be uint8.*float64"),
        ({"test_x": np.zeros((2, 4), dtype=np.uint8)}, r"test_x must be uint8.*\(2, 4\)"),
        ({"train_y": [0, 1]}, r"3 images.*\(2,\)"),
        ({"test_y": [[1, 0]]}, r"2 images.*\(1, 2\)"),
        ({"test_x": np.zeros((2, 3, 3), dtype=np.uint8)}, "same shape"),
    ],
)
def test_save_rejects_bad_arrays(tmp_path, change, match):
    args = {
        "train_x": np.zeros((3, 2, 2), dtype=np.uint8),
        "train_y": [0, 1, 0],
        "test_x": np.zeros((2, 2, 2), dtype=np.uint8),
        "test_y": [1, 0],
        "classes": CLASSES,
    } | change
    with pytest.raises(ValueError, match=match):
        save_image_dataset(tmp_path / "a.h5", tmp_path / "b.h5", **args)
    assert not (tmp_path / "a.h5").exists()  # nothing written


@pytest.mark.parametrize("classes", ["cat", [b"non-cat", b"cat"], [0, 1]])
def test_save_rejects_classes_that_are_not_str(tmp_path, classes):
    x = np.zeros((2, 2, 2), dtype=np.uint8)
    with pytest.raises(TypeError, match="list of str"):
        save_image_dataset(tmp_path / "a.h5", tmp_path / "b.h5", x, [0, 1], x, [1, 0], classes)


# ---------------------------------------------------------------------------
# Toy data sets
# ---------------------------------------------------------------------------

NAMES = sorted(TOY_DATASETS)


def test_toy_registry():
    expected = {
        "xor": make_xor,
        "circles": make_circles,
        "moons": make_moons,
        "spirals": make_spirals,
        "blobs": make_blobs,
    }
    assert expected == TOY_DATASETS


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(("n_samples", "n_ones"), [(200, 100), (7, 4), (2, 1)])
def test_toy_shapes_dtype_labels_balance(name, n_samples, n_ones):
    X, Y = TOY_DATASETS[name](n_samples=n_samples)
    assert X.shape == (2, n_samples) and Y.shape == (1, n_samples)
    assert X.dtype == np.float64 and Y.dtype == np.float64
    assert set(np.unique(Y)) <= {0.0, 1.0}
    assert Y.sum() == n_ones  # half each; an odd one goes to class 1
    assert np.all(np.isfinite(X))


@pytest.mark.parametrize("name", NAMES)
def test_toy_default_size_range_and_shuffle(name):
    X, Y = TOY_DATASETS[name]()
    assert X.shape == (2, 200)
    assert np.abs(X).max() < 2.0  # documented ranges are about [-1.5, 1.5]
    assert 0 < Y[0, :100].sum() < 100  # the classes are shuffled, not in two blocks


@pytest.mark.parametrize("name", NAMES)
def test_toy_seeding(name):
    make = TOY_DATASETS[name]
    X1, Y1 = make(seed=3)
    X2, Y2 = make(seed=3)
    X3, Y3 = make(seed=4)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(Y1, Y2)
    assert not np.array_equal(X1, X3)
    assert not np.array_equal(Y1, Y3)


@pytest.mark.parametrize("name", NAMES)
def test_toy_leaves_global_random_state_alone(name):
    np.random.seed(123)  # noqa: NPY002 (the legacy global state is what this test guards)
    before = np.random.get_state()[1].copy()  # noqa: NPY002
    TOY_DATASETS[name](n_samples=50)
    np.testing.assert_array_equal(np.random.get_state()[1], before)  # noqa: NPY002


@pytest.mark.parametrize("name", NAMES)
def test_toy_noise_is_the_standard_deviation(name):
    # Same seed: the clean points, then the noise, then the shuffle are drawn in the same
    # order, so the difference is exactly noise * N(0, 1) in every coordinate.
    make = TOY_DATASETS[name]
    X0, Y0 = make(n_samples=4000, noise=0.0, seed=1)
    X1, Y1 = make(n_samples=4000, noise=0.2, seed=1)
    np.testing.assert_array_equal(Y0, Y1)
    diff = X1 - X0
    assert abs(diff.mean()) < 0.01
    assert abs(diff.std() - 0.2) < 0.01


def test_xor_clean_geometry():
    X, Y = make_xor(n_samples=500, noise=0.0)
    np.testing.assert_array_equal(Y[0], (X[0] * X[1] < 0).astype(float))
    assert np.abs(X).min() >= 0.1 and np.abs(X).max() <= 1.0
    # All four quadrants are used.
    quadrants = {(bool(a > 0), bool(b > 0)) for a, b in X.T}
    assert len(quadrants) == 4


def test_circles_clean_geometry():
    X, Y = make_circles(n_samples=500, noise=0.0)
    radius = np.hypot(X[0], X[1])
    np.testing.assert_allclose(radius[Y[0] == 1], 0.5, rtol=1e-12)
    np.testing.assert_allclose(radius[Y[0] == 0], 1.0, rtol=1e-12)


def test_moons_clean_geometry():
    X, Y = make_moons(n_samples=500, noise=0.0)
    upper, lower = X[:, Y[0] == 0], X[:, Y[0] == 1]
    # Upper moon: unit half circle above its centre (-0.5, -0.25).
    np.testing.assert_allclose(np.hypot(upper[0] + 0.5, upper[1] + 0.25), 1.0, rtol=1e-12)
    assert np.all(upper[1] + 0.25 >= 0)
    # Lower moon: unit half circle below its centre (0.5, 0.25).
    np.testing.assert_allclose(np.hypot(lower[0] - 0.5, lower[1] - 0.25), 1.0, rtol=1e-12)
    assert np.all(lower[1] - 0.25 <= 0)
    assert X[0].min() >= -1.5 and X[0].max() <= 1.5
    assert X[1].min() >= -0.75 and X[1].max() <= 0.75


def test_spirals_clean_geometry():
    X, Y = make_spirals(n_samples=500, noise=0.0)
    r = np.hypot(X[0], X[1])
    assert r.max() <= 1.0
    theta = 3 * np.pi * r + np.pi * Y[0]  # 1.5 turns, class 1 turned by half a turn
    np.testing.assert_allclose(X, r * np.stack([np.cos(theta), np.sin(theta)]), atol=1e-12)


def test_spirals_hand_checked_point():
    # A class-1 point at radius 0.5 has angle 3*pi*0.5 + pi = 2.5*pi, i.e. pi/2: (0, 0.5).
    X, Y = make_spirals(n_samples=400, noise=0.0)
    r = np.hypot(X[0], X[1])
    i = np.argmin(np.abs(r - 0.5) + 10 * (Y[0] == 0))  # class-1 point nearest radius 0.5
    assert abs(r[i] - 0.5) < 0.01
    np.testing.assert_allclose(X[:, i] / r[i], [0.0, 1.0], atol=0.05)


def test_blobs_clean_geometry():
    X, Y = make_blobs(n_samples=9, noise=0.0)
    np.testing.assert_array_equal(X, np.vstack([Y, Y]) - 0.5)  # every point on its centre


def test_make_toy_dataset_matches_the_generators():
    for name, make in TOY_DATASETS.items():
        X, Y = make_toy_dataset(name, n_samples=30, seed=2)
        X_ref, Y_ref = make(n_samples=30, seed=2)
        np.testing.assert_array_equal(X, X_ref)
        np.testing.assert_array_equal(Y, Y_ref)
        X, _ = make_toy_dataset(name, n_samples=30, noise=0.0, seed=2)
        np.testing.assert_array_equal(X, make(n_samples=30, noise=0.0, seed=2)[0])


def test_make_toy_dataset_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match="'rings'") as info:
        make_toy_dataset("rings")
    for name in TOY_DATASETS:
        assert name in str(info.value)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("n_samples", [1, 0, -3, 2.0, 10.5, "10", None, True])
def test_toy_rejects_bad_n_samples(name, n_samples):
    with pytest.raises(
        ValueError,
        match=r"n_samples must be a whole number >= 2; got " + re.escape(repr(n_samples)),
    ):
        TOY_DATASETS[name](n_samples=n_samples)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("noise", [-0.1, float("nan"), float("inf"), "0.1", None, True])
def test_toy_rejects_bad_noise(name, noise):
    with pytest.raises(
        ValueError, match=r"noise must be a finite number >= 0; got " + re.escape(repr(noise))
    ):
        TOY_DATASETS[name](noise=noise)


def test_toy_accepts_numpy_integers():
    X, Y = make_circles(n_samples=np.int64(10), noise=np.float64(0.0))
    assert X.shape == (2, 10) and Y.sum() == 5


def test_make_toy_dataset_validates_through_the_generator():
    with pytest.raises(ValueError, match="noise"):
        make_toy_dataset("moons", noise=-1.0)
    with pytest.raises(ValueError, match="n_samples"):
        make_toy_dataset("moons", n_samples=1)
