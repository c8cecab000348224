"""Tests of batch normalisation and dropout (backprop_lib.normalisation): the forward passes
against the formulas written out unit by unit, the backward passes against central
differences on random shapes (n = 1, m = 2 and a large m), the gradient's sum over the batch,
dropout's mask and scaling, and the errors for bad input."""

import math

import numpy as np
import pytest

import backprop_lib as bp

SHAPES = [(1, 2), (3, 2), (1, 7), (4, 50)]
"""(n, m): one unit, the smallest batch, and a large one."""


def reference_batchnorm(z, gamma, beta, epsilon):
    """The forward pass written out unit by unit, with Python's own sums."""
    out = np.empty_like(z)
    for j, row in enumerate(z):
        mean = sum(row) / len(row)
        variance = sum((x - mean) ** 2 for x in row) / len(row)  # biased: divided by m
        for i, x in enumerate(row):
            out[j, i] = gamma[j, 0] * (x - mean) / math.sqrt(variance + epsilon) + beta[j, 0]
    return out


def draw(shape, seed=0):
    rng = np.random.default_rng(seed)
    n = shape[0]
    z = rng.normal(1.0, 2.0, shape)
    return z, rng.uniform(0.5, 2.0, (n, 1)), rng.normal(size=(n, 1)), rng.normal(size=shape)


@pytest.mark.parametrize("shape", SHAPES)
def test_batchnorm_forward_is_the_formula_written_out(shape):
    z, gamma, beta, _ = draw(shape)
    for epsilon in (1e-5, 0.5):
        np.testing.assert_allclose(
            bp.batchnorm_forward(z, gamma, beta, epsilon),
            reference_batchnorm(z, gamma, beta, epsilon),
            rtol=1e-12,
            atol=1e-12,
        )


def numerical(f, x, epsilon=1e-6):
    """Central differences of the number f() in every entry of x (changed in place and put
    back)."""
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + epsilon
        up = f()
        x[index] = saved - epsilon
        down = f()
        x[index] = saved
        grad[index] = (up - down) / (2 * epsilon)
    return grad


@pytest.mark.parametrize("shape", SHAPES)
def test_batchnorm_backward_matches_central_differences(shape):
    z, gamma, beta, weights = draw(shape, seed=1)

    def cost():  # J = sum of weights * out: its gradient in out is the weights
        return float(np.sum(weights * bp.batchnorm_forward(z, gamma, beta)))

    dz, dgamma, dbeta = bp.batchnorm_backward(weights, z, gamma)
    # With m = 2 every z_hat is nearly +-1 whatever z is, so dz is tiny (about 1e-5) and
    # central differences of an O(1) cost carry a round-off near 1e-10: compare absolutely too.
    for analytic, x in [(dz, z), (dgamma, gamma), (dbeta, beta)]:
        np.testing.assert_allclose(analytic, numerical(cost, x), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("shape", SHAPES)
def test_each_units_dz_sums_to_zero_over_the_batch(shape):
    # Adding one number to every example of a unit changes neither z_hat nor the output.
    z, gamma, _, d_out = draw(shape, seed=2)
    dz, _, _ = bp.batchnorm_backward(d_out, z, gamma)
    np.testing.assert_allclose(dz.sum(axis=1), 0.0, atol=1e-12)


def test_each_examples_dz_depends_on_the_others():
    z, gamma, _, d_out = draw((2, 5), seed=3)
    dz, _, _ = bp.batchnorm_backward(d_out, z, gamma)
    moved = z.copy()
    moved[:, 4] += 1.0  # another example only
    assert not np.allclose(bp.batchnorm_backward(d_out, moved, gamma)[0][:, 0], dz[:, 0])


def test_batchnorm_refuses_a_batch_of_one_and_wrong_shapes():
    z, gamma, beta, d_out = draw((3, 4))
    with pytest.raises(ValueError, match="at least 2 examples"):
        bp.batchnorm_forward(z[:, :1], gamma, beta)
    with pytest.raises(ValueError, match=r"gamma must have shape \(3, 1\)"):
        bp.batchnorm_forward(z, gamma.T, beta)
    with pytest.raises(ValueError, match="d_out must have the shape of z"):
        bp.batchnorm_backward(d_out[:, :3], z, gamma)
    with pytest.raises(ValueError, match="epsilon"):
        bp.batchnorm_forward(z, gamma, beta, epsilon=0.0)


@pytest.mark.parametrize("shape", SHAPES)
def test_batch_statistics_are_the_mean_and_biased_variance_written_out(shape):
    z, *_ = draw(shape, seed=11)
    mean, variance = bp.batch_statistics(z)
    assert mean.shape == variance.shape == (shape[0], 1)
    for j, row in enumerate(z):
        row_mean = sum(row) / len(row)
        assert mean[j, 0] == pytest.approx(row_mean, rel=1e-12)
        biased = sum((x - row_mean) ** 2 for x in row) / len(row)  # divided by m, not m - 1
        assert variance[j, 0] == pytest.approx(biased, rel=1e-12)
    with pytest.raises(ValueError, match="at least 2 examples"):
        bp.batch_statistics(z[:, :1])


def test_batchnorm_forward_with_statistics_given_normalises_with_them():
    z, gamma, beta, _ = draw((3, 5), seed=12)
    np.testing.assert_array_equal(
        bp.batchnorm_forward(z, gamma, beta, statistics=bp.batch_statistics(z)),
        bp.batchnorm_forward(z, gamma, beta),
    )
    rng = np.random.default_rng(13)
    mean, variance = rng.normal(size=(3, 1)), rng.uniform(0.5, 2.0, (3, 1))
    out = bp.batchnorm_forward(z, gamma, beta, 0.5, statistics=(mean, variance))
    np.testing.assert_allclose(out, gamma * (z - mean) / np.sqrt(variance + 0.5) + beta)
    alone = bp.batchnorm_forward(z[:, 2:3], gamma, beta, 0.5, statistics=(mean, variance))
    np.testing.assert_array_equal(alone, out[:, 2:3])  # one example: each column on its own
    with pytest.raises(ValueError, match=r"statistics must be a pair \(mean, variance\)"):
        bp.batchnorm_forward(z, gamma, beta, statistics=mean)
    with pytest.raises(ValueError, match=r"variance must have shape \(3, 1\)"):
        bp.batchnorm_forward(z, gamma, beta, statistics=(mean, variance.T))
    with pytest.raises(ValueError, match="variance must be >= 0 in every unit"):
        bp.batchnorm_forward(z, gamma, beta, statistics=(mean, -variance))


def test_dropout_keeps_about_keep_prob_and_scales_the_kept_units():
    a = np.random.default_rng(4).normal(size=(50, 400))
    out, mask = bp.dropout_forward(a, 0.8, np.random.default_rng(5))
    assert mask.dtype == bool and mask.shape == a.shape
    assert abs(mask.mean() - 0.8) < 0.01
    np.testing.assert_array_equal(out[mask], a[mask] / 0.8)
    assert np.all(out[~mask] == 0)
    _, same = bp.dropout_forward(a, 0.8, np.random.default_rng(5))  # seeded: the same mask
    np.testing.assert_array_equal(same, mask)
    ones = np.ones((50, 400))
    assert abs(bp.dropout_forward(ones, 0.8, np.random.default_rng(6))[0].mean() - 1) < 0.01
    kept, everything = bp.dropout_forward(a, 1.0, np.random.default_rng(7))
    assert everything.all()
    np.testing.assert_array_equal(kept, a)


def test_dropout_backward_matches_central_differences_with_the_mask_fixed():
    rng = np.random.default_rng(8)
    a, weights = rng.normal(size=(3, 6)), rng.normal(size=(3, 6))
    _, mask = bp.dropout_forward(a, 0.5, np.random.default_rng(9))

    def cost():  # the same mask at every evaluation, as a gradient check needs
        return float(np.sum(weights * a * mask / 0.5))

    da = bp.dropout_backward(weights, mask, 0.5)
    assert bp.relative_error(da, numerical(cost, a)) < 1e-7


@pytest.mark.parametrize("keep_prob", [0.0, -0.1, 1.5, float("nan")])
def test_dropout_refuses_a_keep_prob_outside_0_to_1(keep_prob):
    with pytest.raises(ValueError, match="keep_prob"):
        bp.dropout_forward(np.ones((2, 2)), keep_prob, np.random.default_rng(0))


def test_dropout_needs_a_generator_and_its_own_mask():
    with pytest.raises(ValueError, match=r"numpy\.random\.Generator"):
        bp.dropout_forward(np.ones((2, 2)), 0.5, 0)
    with pytest.raises(ValueError, match="boolean mask"):
        bp.dropout_backward(np.ones((2, 2)), np.ones((2, 2)), 0.5)
    with pytest.raises(ValueError, match="boolean mask"):
        bp.dropout_backward(np.ones((2, 2)), np.ones((2, 3), dtype=bool), 0.5)


def test_batchnorm_built_from_scalar_values_gives_the_compact_gradients():
    # The graph of notebook 10: mean, centred values, variance, normalised values, scale and
    # shift, each a Value; the engine's backward sweep against the compact formula.
    z, gamma, beta, weights = draw((2, 4), seed=10)
    epsilon = bp.normalisation.DEFAULT_EPSILON
    zs = [[bp.Value(x) for x in row] for row in z]
    gammas, betas = [bp.Value(g) for g in gamma[:, 0]], [bp.Value(b) for b in beta[:, 0]]
    cost = bp.Value(0.0)
    for row, g, b, w_row in zip(zs, gammas, betas, weights, strict=True):
        mean = sum(row, bp.Value(0.0)) / len(row)
        centred = [x - mean for x in row]
        variance = sum((c**2 for c in centred), bp.Value(0.0)) / len(row)
        for c, w in zip(centred, w_row, strict=True):
            cost = cost + w * (g * c / (variance + epsilon) ** 0.5 + b)
    cost.backward()
    dz, dgamma, dbeta = bp.batchnorm_backward(weights, z, gamma)
    np.testing.assert_allclose([[x.grad for x in row] for row in zs], dz, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose([[g.grad] for g in gammas], dgamma, rtol=1e-10)
    np.testing.assert_allclose([[b.grad] for b in betas], dbeta, rtol=1e-10)
