r"""The catalogue of notebook 10's capstone check: capstone_backward written step by step from
the mathematics (:func:`planted`), and the known mistakes, each that function with one thing
changed and told at the first gradient it gets wrong.
"""

from ..lessons.capstone import ORDER
from .checking import Mistake


def planted(change=""):
    """capstone_backward written step by step, with the one ``change`` named (none: right)."""

    def capstone_backward(cache, params, Y):
        c, m = cache, Y.shape[1]
        per = change.removeprefix("per example ").split(",") if "per example" in change else ()

        def total(x, name):
            return x if name in per else x.sum(axis=1, keepdims=True)

        mean = 1 if change in ("no 1/m", "no 1/m in z2") else m
        g = {"p": -Y / (mean * c["p"]), "z2": (c["p"] - Y) / mean}
        if change == "p is z2":
            g["p"] = g["z2"]
        if change == "softmax diagonal":
            g["z2"] = -Y * (1 - c["p"]) / m
        if change == "no 1/m in z2":
            g["p"] = -Y / (m * c["p"])
        g["W2"], g["b2"] = g["z2"] @ c["h"].T, total(g["z2"], "b2")
        if change == "W2 averaged":
            g["W2"], g["b2"] = g["W2"] / m, g["b2"] / m
        if change == "W2 transposed":
            g["W2"] = c["h"] @ g["z2"].T
        g["h"] = (params["W2"] if change == "no W2 transpose" else params["W2"].T) @ g["z2"]
        slope = {"1 - h": 1 - c["h"], "1 - u^2": 1 - c["u"] ** 2}.get(change, 1 - c["h"] ** 2)
        g["u"] = g["h"] * slope
        g["gamma"], g["beta"] = total(g["u"] * c["z_hat"], "gamma"), total(g["u"], "beta")
        g["z_hat"] = g["u"] if change == "no gamma" else g["u"] * params["gamma"]
        g["variance"] = total(g["z_hat"] * c["centred"], "variance") * -0.5 * c["inv_std"] ** 3
        ddof = 1 if change == "unbiased" else 0
        through_variance = g["variance"] * 2 * c["centred"] / (m - ddof)
        centred = g["z_hat"] * c["inv_std"] + (
            0 if change == "no variance path" else through_variance
        )
        g["mu"] = -total(centred, "mu")
        g["z1"] = centred + (0 if change == "no mean path" else g["mu"] / m)
        if change == "no statistics paths":
            g["z1"] = g["z_hat"] * c["inv_std"]
        g["W1"], g["b1"] = g["z1"] @ c["X"].T, total(g["z1"], "b1")
        if change == "W1 transposed":
            g["W1"] = c["X"] @ g["z1"].T
        return {name: g[name] for name in ORDER}

    return capstone_backward


def so_far(name):
    """How a message names the gradients before ``name``, all right."""
    before = ORDER[: ORDER.index(name)]
    return f" ({', '.join(before)} right)" if before else ""


def _told(name, change, explanation):
    """A Mistake whose first wrong gradient is dJ/d``name``."""
    return Mistake(planted(change), f"wrong: dJ/d{name}{so_far(name)}: {explanation}")


def _shared(what, shape="({n_1}, 1)"):
    return (
        f"yours has one column per example, a sum over the batch left out: {what} is shared by "
        f"the whole batch, so sum over it (axis=1, keepdims=True), shape {shape}."
    )


PER_EXAMPLE = {
    "b2": _shared("b2 is added to every example's logits, and", "({K}, 1)"),
    "gamma": _shared("gamma multiplies every example's z_hat, and"),
    "beta": _shared("beta is added to every example's z_hat, and"),
    "variance": _shared("each unit's variance is used by every example, and"),
    "mu": _shared("each unit's mean is subtracted from every example, and"),
    "b1": _shared("b1 is added to every example's z1, and"),
}
"""What to say of a gradient of something shared by the batch returned per example."""

MISTAKES = (
    _told(
        "p",
        "no 1/m",
        "yours is m = {m} times too large: J is the mean of the cross-entropy "
        "over the batch, so dJ/dp = -Y / (m p), and dJ/dz2 = (p - Y) / m.",
    ),
    _told(
        "p",
        "p is z2",
        "you returned (p - Y) / m, the gradient of the logits z2 through the "
        "softmax; p as a node has dJ/dp = -Y / (m p).",
    ),
    _told(
        "z2",
        "no 1/m in z2",
        "yours is m = {m} times too large: you left out the 1/m of the "
        "mean cost; dJ/dz2 = (p - Y) / m.",
    ),
    _told(
        "z2",
        "softmax diagonal",
        "you used only the diagonal of the softmax's Jacobian, "
        "p_k (1 - p_k); every p_j depends on every logit, and the sum over them gives "
        "dJ/dz2 = (p - Y) / m.",
    ),
    _told(
        "W2",
        "W2 averaged",
        "yours is m = {m} times too small: dJ/dz2 holds the mean's 1/m "
        "already, so dJ/dW2 = dJ/dz2 h^T and dJ/db2 the sum of dJ/dz2 over the batch, "
        "without another 1/m.",
    ),
    _told(
        "W2",
        "W2 transposed",
        "yours is the transpose: dJ/dW2 = dJ/dz2 h^T, shaped like W2, (K, n_1).",
    ),
    *(_told(name, f"per example {name}", PER_EXAMPLE[name]) for name in PER_EXAMPLE),
    _told(
        "h",
        "no W2 transpose",
        "you multiplied by W2 where the chain rule takes its "
        "transpose: dJ/dh = W2^T dJ/dz2, (n_1, m).",
    ),
    _told(
        "u",
        "1 - h",
        "you wrote tanh'(u) as 1 - h; it is 1 - tanh(u)^2 = 1 - h^2, so dJ/du = dJ/dh (1 - h^2).",
    ),
    _told(
        "u",
        "1 - u^2",
        "you wrote tanh'(u) as 1 - u^2, the slope at the wrong variable; "
        "tanh'(u) = 1 - tanh(u)^2 = 1 - h^2.",
    ),
    _told(
        "z_hat",
        "no gamma",
        "you left out gamma: u = gamma z_hat + beta, so dJ/dz_hat = gamma dJ/du.",
    ),
    _told(
        "z1",
        "no variance path",
        "you left out the path through the variance: each z1 moves "
        "sigma^2, so dJ/dz1 also gets dJ/dvariance 2 (z1 - mu) / m.",
    ),
    _told(
        "z1",
        "no mean path",
        "you left out the path through the mean: each z1 moves mu, so dJ/dz1 also gets dJ/dmu / m.",
    ),
    _told(
        "z1",
        "no statistics paths",
        "you treated the batch's mean and variance as constants: "
        "add the paths through them, dJ/dvariance 2 (z1 - mu) / m and dJ/dmu / m.",
    ),
    _told(
        "z1",
        "unbiased",
        "you divided by m - 1 in the variance's path, the unbiased "
        "estimate; batch normalisation's variance divides by m, so the path brings "
        "dJ/dvariance 2 (z1 - mu) / m.",
    ),
    _told(
        "W1",
        "W1 transposed",
        "yours is the transpose: dJ/dW1 = dJ/dz1 X^T, shaped like W1, (n_1, n_0).",
    ),
)
"""The known mistakes, each told at the first gradient it gets wrong."""
