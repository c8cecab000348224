"""Notebook 06's controls: one widget per setting of
:class:`~backprop_lib.lessons.playground_settings.Settings`, set to a Settings, their groups on
the screen, which optimizer uses which, and the share box; the explorer
(:mod:`backprop_lib.lessons.playground_explorer`) wires them to a run."""

import ipywidgets as widgets

from ..activations import ACTIVATIONS
from ..display.explorer import Checkboxes, slider
from . import playground_settings

LEARNING_RATE_STEP = 0.1
"""Step of the learning-rate slider, in decades (about 26 % a step)."""

CONTROL_GROUPS = {
    "data": ("dataset", "noise", "train_fraction", "seed"),
    "features": ("features", "thresholded"),
    "network": ("hidden_layers", "units", "activation"),
    "training": ("learning_rate", "l2_lambda", "l1_lambda", "batch_size"),
    "optimizer": ("optimizer", "momentum", "beta1", "beta2"),
}
"""How the controls are arranged: one row per group."""

CONTROL_NAMES = tuple(name for group in CONTROL_GROUPS.values() for name in group)
"""Every control's name: the fields of
:class:`~backprop_lib.lessons.playground_settings.Settings` but ``points``, which clicks on the
map set (:func:`drawing_controls`)."""

DATASET_LABELS = {"spirals-3": "three spirals (3 classes)", "drawn": "your points (click the map)"}
"""The data set menu's entries that are not the data set's name."""


OPTIMIZER_LABELS = {"sgd": "SGD", "momentum": "momentum", "adam": "Adam"}
"""The optimizer menu's entries, for
:data:`backprop_lib.lessons.playground_settings.OPTIMIZERS`."""

USED_BY = {"momentum": ("momentum",), "beta1": ("adam",), "beta2": ("adam",)}
"""The optimizers each hyperparameter's control belongs to: it is disabled for the others."""


def dom_hook(widget, name):
    """Give ``widget`` a DOM class (a stable hook for browser tests) and return it."""
    widget.add_class(name)
    return widget


def playground_controls(settings):
    """One control per field of :class:`Settings`, set to ``settings``, by field name.

    Sliders report on release (``continuous_update=False``): each change retrains.
    """
    ranges = playground_settings.RANGES

    def ranged(name, description, step, log=False):
        low, high = ranges[name]
        return slider(description, getattr(settings, name), low, high, step, log=log)

    def dropdown(description, options, value):
        return widgets.Dropdown(description=description, options=options, value=value)

    def choices(description, options, value):
        labelled = [(f"{choice:g}", choice) for choice in options]
        return widgets.SelectionSlider(
            description=description, options=labelled, value=value, continuous_update=False
        )

    learning_rate = ranged("learning_rate", "learning rate", LEARNING_RATE_STEP, log=True)
    learning_rate.readout_format = ".2g"
    return {
        "dataset": dropdown(
            "data set",
            [(DATASET_LABELS.get(name, name), name) for name in playground_settings.DATASETS],
            settings.dataset,
        ),
        "noise": ranged("noise", "noise", 0.01),
        "train_fraction": ranged("train_fraction", "train share", 0.05),
        "thresholded": widgets.Checkbox(
            description="show the predicted class", value=settings.thresholded, indent=False
        ),
        "features": Checkboxes(
            "input features", tuple(playground_settings.FEATURES), settings.features
        ),
        "hidden_layers": ranged("hidden_layers", "hidden layers", 1),
        "units": ranged("units", "units per layer", 1),
        "activation": dropdown("activation", list(ACTIVATIONS), settings.activation),
        "learning_rate": dom_hook(learning_rate, "bp-learning-rate"),
        "l2_lambda": choices("L2 λ", playground_settings.L2_CHOICES, settings.l2_lambda),
        "l1_lambda": choices("L1 λ₁", playground_settings.L1_CHOICES, settings.l1_lambda),
        "optimizer": dropdown(
            "optimizer",
            [(OPTIMIZER_LABELS[name], name) for name in playground_settings.OPTIMIZERS],
            settings.optimizer,
        ),
        "momentum": ranged("momentum", "momentum μ", 0.01),
        "beta1": ranged("beta1", "Adam β1", 0.01),
        "beta2": choices("Adam β2", playground_settings.BETA2_CHOICES, settings.beta2),
        "batch_size": ranged("batch_size", "batch size", 1),
        "seed": widgets.BoundedIntText(
            description="seed",
            value=settings.seed,
            min=ranges["seed"][0],
            max=ranges["seed"][1],
        ),
    }


def drawing_controls():
    """What a click on the map adds, a point of class 0 or 1, and a button that clears the
    points added (the "drawn" data set keeps its two starting points)."""
    brush = widgets.ToggleButtons(
        description="a click adds",
        options=[("class 0 (●)", 0), ("class 1 (▲)", 1)],
        value=1,
        style={"button_width": "auto"},
    )
    clear = widgets.Button(description="clear your points")
    return dom_hook(brush, "bp-brush"), dom_hook(clear, "bp-clear")


def share_box():
    """The share box: a text field that sends its text on Enter (or when it loses the focus)."""
    return dom_hook(
        widgets.Text(
            description="share",
            placeholder="(the default settings)",
            continuous_update=False,
            layout=widgets.Layout(width="min(100%, 44em)"),
        ),
        "bp-share",
    )
