"""What an MLP takes: its data and its parameters, checked, each with an error that says what
is wrong.

:class:`~backprop_lib.MLP` checks once at each public entry point, with these; its passes
(propagation.py) then run unchecked.
"""

import numpy as np

from .losses import check_targets
from .validation import check_matrix


def check_parameters(net):
    """W^l (n_l, n_{l-1}) and b^l (n_l, 1) in every layer, and gamma^l and beta^l (n_l, 1) in
    every normalised one, or a ValueError."""
    sizes = net.layer_sizes
    for l, (W, b) in enumerate(zip(net.weights, net.biases, strict=True), start=1):
        expected_W = (sizes[l], sizes[l - 1])
        if np.shape(W) != expected_W or np.shape(b) != (sizes[l], 1):
            raise ValueError(
                f"layer {l}: W^{l} must be {expected_W} and b^{l} ({sizes[l]}, 1) for layer "
                f"sizes {list(sizes)}; got {np.shape(W)} and {np.shape(b)}"
            )
    for l, (gamma, beta) in enumerate(zip(net.gammas, net.betas, strict=True), start=1):
        if np.shape(gamma) != (sizes[l], 1) or np.shape(beta) != (sizes[l], 1):
            raise ValueError(
                f"layer {l}: gamma^{l} and beta^{l} must be ({sizes[l]}, 1); got "
                f"{np.shape(gamma)} and {np.shape(beta)}"
            )


def check_inputs(net, X):
    """X as a float array of shape (n_0, m), the network's parameters checked, or a ValueError."""
    X = check_matrix("X", X)
    n_0 = net.layer_sizes[0]
    if X.shape[0] != n_0:
        hint = " (examples must be columns: pass X.T)" if X.shape[1] == n_0 else ""
        raise ValueError(
            f"X must have shape ({n_0}, m) for this network's {n_0} inputs; got {X.shape}{hint}"
        )
    check_parameters(net)
    return X


def check_data(net, X, Y):
    """X (n_0, m) and Y (n_L, m) as float arrays the network can take, the targets its loss
    can take, or a ValueError."""
    X = check_inputs(net, X)
    Y = check_matrix("Y", Y)
    expected = (net.layer_sizes[-1], X.shape[1])
    if Y.shape != expected:
        softmax = net.output_activation == "softmax"
        labels = f"; for labels pass one_hot(labels, {expected[0]})" if softmax else ""
        raise ValueError(
            f"Y must have shape {expected} (n_L outputs, one column per example of X); "
            f"got {Y.shape}{labels}"
        )
    return X, check_targets(net.loss_name, Y)


def check_batches(net, X, batch_size=None):
    """With batchnorm, at least 2 examples in every batch of X that training mode normalises
    (all m, or mini-batches of batch_size), or a ValueError."""
    m = X.shape[1]
    size = m if batch_size is None else batch_size
    smallest = min(size, m % size or size)  # the last batch may be smaller
    if net.batchnorm and smallest < 2:
        last = "" if smallest == size else f", which leaves a last batch of {smallest}"
        got = f"X of shape {X.shape}" if batch_size is None else f"batch_size={size} on m = {m}"
        raise ValueError(
            "batchnorm=True normalises each unit over its batch in training mode, so every "
            f"batch needs at least 2 examples (columns of X); got {got}{last}"
        )
