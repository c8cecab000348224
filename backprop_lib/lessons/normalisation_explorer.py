"""Notebook 10's explorer: batch size, keep probability, depth, batch normalisation and the
hidden activation, each change retraining on the ten digits and drawn on
:class:`~backprop_lib.lessons.normalisation_views.TrainingPanels`, with notes on what went wrong
and how to fix it."""

from types import SimpleNamespace

import ipywidgets as widgets
import numpy as np

from ..display.explorer import Explorer, join_notes, slider
from ..display.figures import new_figure
from ..network import TrainingDiverged
from .deep_mlp import same_answer_note
from .deep_mlp_views import starting_values
from .gradient_checking import HIDDEN_LAYERS_MAX, zero_gradient_note
from .normalisation_lesson import train_network
from .normalisation_views import TrainingPanels

EXPLORER_DEFAULTS = {
    "batch_size": 32,
    "keep_prob": 1.0,
    "hidden_layers": 3,
    "batchnorm": False,
    "activation": "sigmoid",
}
"""The explorer's starting settings: notebook 04's three hidden layers, with sigmoid units and
neither option, whose first layer gets about 1/40 of the last layer's gradient and which is
still at a validation cost of 1.3 after :data:`EXPLORER_TRAINING`; batch normalisation takes
it to 0.13. One run, trained and recorded, takes 0.30 s on a two-core machine, and 0.41 s
with its figure drawn; with batch normalisation 0.76 s and 0.90 s."""

EXPLORER_TRAINING = {"learning_rate": 0.3, "epochs": 40, "curve_points": None}
"""How the explorer trains: plain gradient descent at one learning rate for every setting
(momentum or Adam would hide part of the vanishing gradient: Adam divides each step by the
gradient's own size), 40 epochs recorded after each (28 steps of 32 per epoch on 881 images),
enough for the three-layer ReLU network to overfit (training cost 0.001, validation 0.27).
The slowest setting, 10 layers with batch normalisation in mini-batches of 32, takes 2.4 s."""

EXPLORER_UNITS = 32
"""Units per hidden layer in the explorer: half of notebook 08's 64, for speed."""

BATCH_SIZES = (32, 64, 128, 256)
"""The explorer's mini-batch sizes, besides all the training images in one batch. Not 8 or
16: 881 images leave a last batch of one, which batch normalisation cannot normalise (and
they are slow)."""

KEEP_PROB_MIN = 0.2
"""The smallest keep probability of the explorer: four units in five dropped, each kept one
scaled by 5; ten such ReLU layers without batch normalisation blow up."""

HIDDEN_ACTIVATIONS = ("sigmoid", "relu")
"""The explorer's hidden activations: sigmoid, whose gradients vanish (notebook 05), and
ReLU, whose gradients start the same size in every layer (He's initialisation)."""


def explorer_run(
    X,
    Y,
    X_val,
    Y_val,
    batch_size,
    keep_prob,
    hidden_layers,
    batchnorm,
    activation,
    epochs=EXPLORER_TRAINING["epochs"],
):
    """What the explorer computes: :func:`train_network` with :data:`EXPLORER_UNITS` units a
    layer, trained as :data:`EXPLORER_TRAINING` says (for ``epochs``), from seed 0.

    Returns
    -------
    SimpleNamespace
        The :func:`record_training` result.
    """
    return train_network(
        X,
        Y,
        X_val,
        Y_val,
        training={**EXPLORER_TRAINING, "batch_size": batch_size, "epochs": epochs},
        hidden_layers=hidden_layers,
        units=EXPLORER_UNITS,
        activation=activation,
        batchnorm=batchnorm,
        keep_prob=keep_prob,
    )


def settings_text(batch_size, keep_prob, hidden_layers, batchnorm, activation, m):
    """The explorer's settings in words, for the figure's heading (``m`` training images)."""
    batches = f"all {m} images in one batch" if batch_size >= m else f"mini-batches of {batch_size}"
    if hidden_layers == 0:
        return f"No hidden layer, {batches}"
    options = "with" if batchnorm else "without"
    return (
        f"{hidden_layers} hidden {activation} layer{'s' if hidden_layers > 1 else ''} of "
        f"{EXPLORER_UNITS} units, {options} batch normalisation, keep probability "
        f"{keep_prob:g}, {batches}"
    )


NO_HIDDEN_LAYER_NOTE = (
    "No hidden layer: there is nothing to normalise, drop or activate, so the keep "
    "probability, batch normalisation and the activation are switched off."
)
"""The explorer's note while there is no hidden layer, saying why three controls are off."""

DIVERGED_ADVICE = {
    "dropout": (
        "Dropout scales every kept unit by 1 / p, layer after layer, and deep ReLU layers let "
        "that grow: raise the keep probability, use fewer hidden layers or turn batch "
        "normalisation on."
    ),
    "no dropout": (
        "The activations grew layer after layer until the cost blew up: use fewer hidden "
        "layers or turn batch normalisation on."
    ),
}
"""What to do when a run of the explorer diverges, with and without dropout: the explorer
has no learning-rate control, so TrainingDiverged's own advice does not apply."""


def same_class_note(predictions, activation):
    """A note when the network gives every training image the same class, else None: for
    ReLU, :func:`~backprop_lib.lessons.deep_mlp.same_answer_note`'s; for sigmoid units,
    whose gradients vanish, what to change in this explorer."""
    note = same_answer_note(predictions)
    if note is None or activation == "relu":
        return note
    return (
        "The network gives every training image the same class: the gradient that reaches "
        "the first layers is too small to train them in these epochs (see the left panel). "
        "Turn batch normalisation on, or use fewer hidden layers."
    )


def options_follow_the_depth(controls):
    """Disable the keep probability, batch normalisation and the activation while there is
    no hidden layer, now and whenever the depth changes."""

    def enable(change=None):
        for name in ("keep_prob", "batchnorm", "activation"):
            controls[name].disabled = controls["hidden_layers"].value == 0

    enable()
    controls["hidden_layers"].observe(enable, names="value")


def explorer_controls(start, m):
    """The explorer's controls at the ``start`` settings, for ``m`` training images."""
    sizes = [(str(size), size) for size in BATCH_SIZES if size < m] + [(f"all {m}", m)]
    return {
        "batch_size": widgets.SelectionSlider(
            options=sizes,
            value=min(start["batch_size"], m),
            description="batch size",
            continuous_update=False,
            style={"description_width": "initial"},
        ),
        "keep_prob": slider("keep probability p", start["keep_prob"], KEEP_PROB_MIN, 1.0, 0.05),
        "hidden_layers": slider("hidden layers", start["hidden_layers"], 0, HIDDEN_LAYERS_MAX, 1),
        "batchnorm": widgets.Checkbox(
            value=start["batchnorm"], description="batch normalisation", indent=False
        ),
        "activation": widgets.Dropdown(
            options=list(HIDDEN_ACTIVATIONS), value=start["activation"], description="activation"
        ),
    }


def normalisation_explorer(X, Y, X_val, Y_val, epochs=EXPLORER_TRAINING["epochs"], **settings):
    """Controls for the batch size, the keep probability, the hidden layers, batch
    normalisation on or off and the hidden activation; each change retrains
    :func:`explorer_run` from seed 0 and draws it
    on :class:`TrainingPanels`. Without a hidden layer the controls that act on hidden
    layers are disabled (:func:`options_follow_the_depth`).

    Parameters
    ----------
    X, Y, X_val, Y_val
        Training and validation images as columns, with one-hot classes (or 0/1 labels).
    epochs : int
        Epochs of every run.
    **settings
        Starting values overriding
        :data:`EXPLORER_DEFAULTS`.

    Returns
    -------
    Explorer
        Its ``result`` holds ``run`` (the ``record_training`` result) and ``note``.
    """
    start = starting_values(EXPLORER_DEFAULTS, settings)
    m = np.shape(X)[1]
    controls = explorer_controls(start, m)
    options_follow_the_depth(controls)
    figure, axes = new_figure(width=10.0, height=4.2, ncols=2)
    panels = TrainingPanels(axes)

    def update(**values):
        try:
            run = explorer_run(X, Y, X_val, Y_val, **values, epochs=epochs)
        except TrainingDiverged as diverged:
            advice = DIVERGED_ADVICE["dropout" if values["keep_prob"] < 1 else "no dropout"]
            raise TrainingDiverged(
                diverged.epoch, diverged.learning_rate, diverged.costs, advice
            ) from None
        panels.update(run, settings_text(**values, m=m))
        notes = (
            NO_HIDDEN_LAYER_NOTE if values["hidden_layers"] == 0 else None,
            same_class_note(run.model.predict(X), values["activation"]),
            zero_gradient_note(run.norms[0]) or zero_gradient_note(run.norms[-1]),
        )
        return SimpleNamespace(run=run, note=join_notes(*notes))

    explorer = Explorer(controls, update, figure, TrainingPanels.WHAT)
    figure.set_layout_engine("none")  # keep the first layout: working it out again is slow
    return explorer
