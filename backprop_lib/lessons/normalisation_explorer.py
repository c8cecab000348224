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
from .normalisation_lesson import (
    BATCH_SIZES,
    EXPLORER_DEFAULTS,
    EXPLORER_TRAINING,
    EXPLORER_UNITS,
    HIDDEN_ACTIVATIONS,
    KEEP_PROB_MIN,
    explorer_run,
)
from .normalisation_views import TrainingPanels


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
    :func:`~backprop_lib.lessons.normalisation_lesson.explorer_run` from seed 0 and draws it
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
        :data:`~backprop_lib.lessons.normalisation_lesson.EXPLORER_DEFAULTS`.

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
