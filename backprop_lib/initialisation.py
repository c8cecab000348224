r"""How a network's weights start: W^l drawn at random, at a scale that suits its activation.

The scale matters: too small and the signal, and with it every gradient, shrinks layer by
layer; too large and sigmoid and tanh units saturate. Notebook 05 measures both.
"""

import numpy as np

SMALL_INIT_SCALE = 0.01
"""Standard deviation of the "small_normal" initialisation (the course notes' choice)."""

INITIALISATIONS = {
    # N(0, 0.01^2): the notes' choice; fine for shallow nets, vanishing signal in deep ones.
    "small_normal": lambda rng, n_out, n_in: SMALL_INIT_SCALE * rng.standard_normal((n_out, n_in)),
    # N(0, 1/n_in): keeps the variance of z about that of a^{l-1} from layer to layer when the
    # activation is about linear near 0 (tanh, sigmoid, identity).
    "scaled_normal": lambda rng, n_out, n_in: rng.standard_normal((n_out, n_in)) / np.sqrt(n_in),
    # He: N(0, 2/n_in). ReLU zeroes about half of its inputs, halving the variance of a^l; the
    # factor 2 gives it back, so the signal keeps its size through a deep ReLU network.
    "he_normal": lambda rng, n_out, n_in: rng.standard_normal((n_out, n_in)) * np.sqrt(2 / n_in),
}
"""Name -> function(rng, n_l, n_{l-1}) returning W^l. Biases always start at zero."""

BY_ACTIVATION = "by_activation"
"""The default init: "he_normal" for a layer whose activation is in :data:`HE_ACTIVATIONS`,
"scaled_normal" for the others (notebook 05 shows why)."""

HE_ACTIVATIONS = ("relu", "leaky_relu")
"""The activations that zero (or nearly zero) half of their inputs, and so want He's factor 2."""


def layer_init(init, activation):
    """The name in :data:`INITIALISATIONS` that ``init`` means for a layer with ``activation``."""
    if init != BY_ACTIVATION:
        return init
    return "he_normal" if activation in HE_ACTIVATIONS else "scaled_normal"


def initial_weights(layer_sizes, activations, init, rng):
    """The weights [W^1, ..., W^L] of a new network, drawn from ``rng`` in layer order.

    Parameters
    ----------
    layer_sizes : sequence of int
        [n_0, ..., n_L].
    activations : sequence of str
        The activation of each layer 1..L.
    init : str
        :data:`BY_ACTIVATION` or a name in :data:`INITIALISATIONS`.
    rng : numpy.random.Generator

    Returns
    -------
    list of ndarray
        W^l of shape (n_l, n_{l-1}).
    """
    if init != BY_ACTIVATION and init not in INITIALISATIONS:
        names = ", ".join([BY_ACTIVATION, *sorted(INITIALISATIONS)])
        raise ValueError(f"unknown init {init!r}; expected one of {names}")
    return [
        INITIALISATIONS[layer_init(init, activation)](rng, n_out, n_in)
        for n_in, n_out, activation in zip(
            layer_sizes[:-1], layer_sizes[1:], activations, strict=True
        )
    ]
