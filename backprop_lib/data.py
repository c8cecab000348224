"""Data for the notebooks: the course's HDF5 image sets and seeded 2-D toy sets.

Columns are examples: ``X`` is (n_features, m) and ``Y`` is (1, m), both float64.
Nothing is ever downloaded: every path comes from an argument, and every random
draw comes from ``np.random.default_rng(seed)``.
"""

import os

import h5py
import numpy as np

from .validation import check_real, check_whole

COURSE_DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data")
"""The repository's ``data/`` folder, found from the package (which the README installs in
editable mode from a clone), so that a notebook opens the course's files from any folder: the
instructor edition in ``notebooks/``, the student edition in ``notebooks/student/``."""


# ---------------------------------------------------------------------------
# HDF5 image data sets (the layout of train_catvnoncat.h5 / test_catvnoncat.h5)
# ---------------------------------------------------------------------------


def _read_datasets(path, required, optional=()):
    """Read datasets of one HDF5 file: return ({name: ndarray}, [all names in the file])."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"No such file: {path!r}")
    if not h5py.is_hdf5(path):
        raise ValueError(f"{path!r} is not an HDF5 file")
    with h5py.File(path, "r") as f:
        names = sorted(f.keys())
        present = [n for n in (*required, *optional) if isinstance(f.get(n), h5py.Dataset)]
        missing = [n for n in required if n not in present]
        if missing:
            raise ValueError(
                f"{path!r} lacks the dataset(s) {missing}: expected {list(required)}, "
                f"but the file has {names}"
            )
        data = {n: f[n][()] for n in present}
    return data, names


def _check_images(x, y, x_name, y_name):
    """Raise ValueError unless x is uint8 images (m, h, w[, c]) and y has shape (m,)."""
    if x.dtype != np.uint8 or x.ndim not in (3, 4):
        raise ValueError(
            f"{x_name} must be uint8 images of shape (m, h, w) or (m, h, w, c), "
            f"got dtype {x.dtype} and shape {x.shape}"
        )
    if y.shape != (x.shape[0],):
        raise ValueError(
            f"{x_name} holds {x.shape[0]} images but {y_name} has shape {y.shape}, "
            f"not ({x.shape[0]},)"
        )


def _flatten_images(x, y):
    """Turn images (m, h, w[, c]) and labels (m,) into X (h*w*c, m) in [0, 1] and Y (1, m)."""
    m = x.shape[0]
    # Row i of reshape(m, -1) is x[i].reshape(-1) (C order); transposing makes it column i.
    X = (x.reshape(m, -1) / 255.0).T
    Y = y.astype(np.float64).reshape(1, m)
    return X, Y


def load_image_dataset(train_file, test_file):
    """Load an image classification data set stored in the course's HDF5 layout.

    The train file holds ``train_set_x`` (uint8, (m, h, w, c) or (m, h, w)) and
    ``train_set_y`` (m,); the test file holds ``test_set_x``, ``test_set_y`` and
    ``list_classes`` (bytes strings), which is read from the train file when the
    test file lacks it. Both arguments may name the same file holding all five.
    Pixels are scaled to [0, 1]: column i of ``train_x`` is ``raw[i].reshape(-1) / 255``.

    Parameters
    ----------
    train_file : str or os.PathLike
        HDF5 file with ``train_set_x`` (m_train, h, w[, c]) and ``train_set_y`` (m_train,).
    test_file : str or os.PathLike
        HDF5 file with ``test_set_x`` (m_test, h, w[, c]), ``test_set_y`` (m_test,)
        and ``list_classes`` (n_classes,).

    Returns
    -------
    train_x : ndarray of shape (h*w*c, m_train), float64 in [0, 1]
    train_y : ndarray of shape (1, m_train), float64
    test_x : ndarray of shape (h*w*c, m_test), float64 in [0, 1]
    test_y : ndarray of shape (1, m_test), float64
    classes : list of str, length n_classes
        The class names, decoded from bytes (e.g. ``["non-cat", "cat"]``).

    Raises
    ------
    FileNotFoundError
        If a file does not exist.
    ValueError
        If a file is not HDF5, lacks a dataset, holds images that are not uint8
        (m, h, w[, c]), or holds a different number of images and labels.
    """
    train_path, test_path = os.fspath(train_file), os.fspath(test_file)
    train, train_names = _read_datasets(
        train_path, ["train_set_x", "train_set_y"], ["list_classes"]
    )
    test, test_names = _read_datasets(test_path, ["test_set_x", "test_set_y"], ["list_classes"])
    raw_classes = test.get("list_classes", train.get("list_classes"))
    if raw_classes is None:
        raise ValueError(
            f"neither {test_path!r} nor {train_path!r} holds the dataset 'list_classes': "
            f"the test file has {test_names}, the train file has {train_names}"
        )
    for data, name, path in [(train, "train", train_path), (test, "test", test_path)]:
        x_name, y_name = f"{name}_set_x", f"{name}_set_y"
        _check_images(data[x_name], data[y_name], f"{x_name} in {path!r}", y_name)
    train_x, train_y = _flatten_images(train["train_set_x"], train["train_set_y"])
    test_x, test_y = _flatten_images(test["test_set_x"], test["test_set_y"])
    classes = [c.decode("utf-8") if isinstance(c, bytes) else str(c) for c in raw_classes]
    return train_x, train_y, test_x, test_y, classes


def save_image_dataset(train_file, test_file, train_x, train_y, test_x, test_y, classes):
    """Write an image data set in the HDF5 layout that `load_image_dataset` reads.

    Existing files are overwritten. ``list_classes`` goes into both files, as in the
    course's cat/non-cat files; if both paths are the same, one file gets all five datasets.

    Parameters
    ----------
    train_file : str or os.PathLike
        Where to write ``train_set_x``, ``train_set_y`` and ``list_classes``.
    test_file : str or os.PathLike
        Where to write ``test_set_x``, ``test_set_y`` and ``list_classes``.
    train_x : ndarray of shape (m_train, h, w) or (m_train, h, w, c), uint8
        Raw training images.
    train_y : ndarray of shape (m_train,)
        Training labels.
    test_x : ndarray of shape (m_test, h, w) or (m_test, h, w, c), uint8
        Raw test images, each the same shape as a training image.
    test_y : ndarray of shape (m_test,)
        Test labels.
    classes : list of str, length n_classes
        Class names, stored as UTF-8 bytes.

    Raises
    ------
    ValueError
        If images are not uint8 (m, h, w[, c]), label counts differ from image counts,
        or train and test images differ in shape.
    TypeError
        If classes is not a list of str.
    """
    train_x, train_y, test_x, test_y = (np.asarray(a) for a in (train_x, train_y, test_x, test_y))
    _check_images(train_x, train_y, "train_x", "train_y")
    _check_images(test_x, test_y, "test_x", "test_y")
    if train_x.shape[1:] != test_x.shape[1:]:
        raise ValueError(
            f"train and test images must have the same shape, got {train_x.shape[1:]} "
            f"and {test_x.shape[1:]}"
        )
    if isinstance(classes, str) or not all(isinstance(c, str) for c in classes):
        raise TypeError(f"classes must be a list of str, got {classes!r}")
    list_classes = np.array([c.encode("utf-8") for c in classes], dtype=bytes)

    train_path, test_path = os.fspath(train_file), os.fspath(test_file)
    train_sets = {"train_set_x": train_x, "train_set_y": train_y, "list_classes": list_classes}
    test_sets = {"test_set_x": test_x, "test_set_y": test_y, "list_classes": list_classes}
    if os.path.realpath(train_path) == os.path.realpath(test_path):
        files = {train_path: {**train_sets, **test_sets}}
    else:
        files = {train_path: train_sets, test_path: test_sets}
    for path, datasets in files.items():
        with h5py.File(path, "w") as f:
            for name, array in datasets.items():
                f.create_dataset(name, data=array)


# ---------------------------------------------------------------------------
# Seeded 2-D toy data sets: X (2, n_samples), Y (1, n_samples) of 0/1 labels
# ---------------------------------------------------------------------------


def _start(n_samples, noise, seed):
    """Check the arguments; return the generator and the labels (n_samples,): the first
    n_samples // 2 are 0, the rest (one more if odd) are 1."""
    check_whole("n_samples", n_samples, 2)
    check_real("noise", noise, low=0.0)
    labels = (np.arange(n_samples) >= n_samples // 2).astype(np.float64)
    return np.random.default_rng(seed), labels


def _finish(points, labels, noise, rng):
    """Add N(0, noise^2) noise to points (2, m), shuffle the columns, return X (2, m), Y (1, m)."""
    X = points + noise * rng.standard_normal(points.shape)
    order = rng.permutation(points.shape[1])
    return X[:, order], labels[order].reshape(1, -1)


def make_xor(n_samples=200, noise=0.1, seed=0):
    r"""Points in the four quadrants, labelled by the XOR of their signs.

    Without noise each coordinate has magnitude uniform in [0.1, 1] and a random sign,
    and :math:`y = 1` exactly when :math:`x_1 x_2 < 0` (second and fourth quadrants).
    With the default noise the points lie roughly in [-1.3, 1.3]^2.

    Takes and returns what :func:`make_toy_dataset` does.
    """
    rng, labels = _start(n_samples, noise, seed)
    magnitude = rng.uniform(0.1, 1.0, size=(2, n_samples))
    sign1 = rng.choice([-1.0, 1.0], size=n_samples)
    sign2 = sign1 * (1 - 2 * labels)  # class 0: the sign of x1; class 1: the opposite sign
    points = magnitude * np.stack([sign1, sign2])
    return _finish(points, labels, noise, rng)


def make_circles(n_samples=200, noise=0.1, seed=0):
    r"""Two concentric circles: class 0 on radius 1, class 1 on radius 0.5.

    Without noise a point is :math:`r(\cos\theta, \sin\theta)` with :math:`\theta`
    uniform in :math:`[0, 2\pi)`. With the default noise the points lie roughly in
    [-1.3, 1.3]^2.

    Takes and returns what :func:`make_toy_dataset` does.
    Labels: 0 on the outer circle, 1 on the inner one.
    """
    rng, labels = _start(n_samples, noise, seed)
    theta = rng.uniform(0.0, 2 * np.pi, size=n_samples)
    radius = 1.0 - 0.5 * labels
    points = radius * np.stack([np.cos(theta), np.sin(theta)])
    return _finish(points, labels, noise, rng)


def make_moons(n_samples=200, noise=0.1, seed=0):
    r"""Two interleaved half circles of radius 1.

    Without noise, with :math:`t` uniform in :math:`[0, \pi]`, class 0 is the upper arc
    :math:`(\cos t - 0.5, \sin t - 0.25)` and class 1 the lower arc
    :math:`(0.5 - \cos t, 0.25 - \sin t)`, so the clean points fill
    [-1.5, 1.5] x [-0.75, 0.75]; with the default noise, about 0.3 more each way.

    Takes and returns what :func:`make_toy_dataset` does.
    Labels: 0 for the upper moon, 1 for the lower one.
    """
    rng, labels = _start(n_samples, noise, seed)
    t = rng.uniform(0.0, np.pi, size=n_samples)
    upper = np.stack([np.cos(t) - 0.5, np.sin(t) - 0.25])
    points = (1 - 2 * labels) * upper  # class 1 is the upper arc turned by half a revolution
    return _finish(points, labels, noise, rng)


def make_spirals(n_samples=200, noise=0.05, seed=0):
    r"""Two interleaved spirals, each the other turned by half a revolution.

    Without noise, with :math:`r` uniform in [0, 1], a point of class :math:`c` is
    :math:`r(\cos\theta, \sin\theta)` with :math:`\theta = 3\pi r + c\pi`: each spiral makes
    1.5 turns, and the arms of the two spirals are 1/3 apart along any ray from the centre.
    The clean points lie in the unit disc; with the default noise, roughly in [-1.15, 1.15]^2.

    Takes and returns what :func:`make_toy_dataset` does.
    Labels: the spiral each point lies on.
    """
    rng, labels = _start(n_samples, noise, seed)
    r = rng.uniform(0.0, 1.0, size=n_samples)
    theta = 3 * np.pi * r + np.pi * labels
    points = r * np.stack([np.cos(theta), np.sin(theta)])
    return _finish(points, labels, noise, rng)


def make_blobs(n_samples=200, noise=0.3, seed=0):
    """Two gaussian blobs: class 0 around (-0.5, -0.5), class 1 around (0.5, 0.5).

    ``noise`` is the standard deviation of each blob; with ``noise=0`` every point sits
    on its class centre. With the default noise the points lie roughly in [-1.5, 1.5]^2
    and the two classes overlap a little (the centres are 2.4 standard deviations from
    the boundary x1 + x2 = 0).

    Takes and returns what :func:`make_toy_dataset` does.
    """
    rng, labels = _start(n_samples, noise, seed)
    centres = np.stack([labels, labels]) - 0.5  # (-0.5, -0.5) for class 0, (0.5, 0.5) for 1
    return _finish(centres, labels, noise, rng)


TOY_DATASETS = {
    "xor": make_xor,
    "circles": make_circles,
    "moons": make_moons,
    "spirals": make_spirals,
    "blobs": make_blobs,
}


def make_toy_dataset(name, n_samples=200, noise=None, seed=0):
    """Make one of the toy data sets of `TOY_DATASETS` by name.

    Parameters
    ----------
    name : str
        One of ``"xor"``, ``"circles"``, ``"moons"``, ``"spirals"``, ``"blobs"``.
    n_samples : int, default 200
        Number of points m (>= 2); class 0 gets m // 2, class 1 the rest.
    noise : float or None, default None
        Standard deviation of the gaussian noise added to each coordinate; None uses the
        generator's default.
    seed : int, default 0
        Seed for ``np.random.default_rng``.

    Returns
    -------
    X : ndarray of shape (2, n_samples), float64
        The points, one per column, in shuffled order.
    Y : ndarray of shape (1, n_samples), float64
        Labels 0 or 1 (each generator says which class is which).
    """
    if name not in TOY_DATASETS:
        raise ValueError(
            f"unknown toy data set {name!r}; valid names are {', '.join(TOY_DATASETS)}"
        )
    make = TOY_DATASETS[name]
    if noise is None:
        return make(n_samples=n_samples, seed=seed)
    return make(n_samples=n_samples, noise=noise, seed=seed)
