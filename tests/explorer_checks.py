"""Checks the explorer tests share: move a control as a student would, and what must follow."""

import pytest

from backprop_lib.display.explorer import ERROR_COLOUR, message_html

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def move(explorer, name, value):
    """Set a slider as a student would; return the figure's PNG bytes before the change."""
    before = explorer.image.value
    explorer.controls[name].value = value
    assert explorer.controls[name].value == pytest.approx(value)
    return before


def assert_redrawn_without_message(explorer, before):
    assert explorer.message.value == ""
    assert explorer.image.value[:8] == PNG_SIGNATURE
    assert explorer.image.value != before


def assert_slider_range(control, low, high, log=False):
    if log:
        assert 10**control.min == pytest.approx(low)
        assert 10**control.max == pytest.approx(high)
    else:
        assert (control.min, control.max) == (low, high)
    assert control.continuous_update is False


def cost_went_up(costs):
    """The note :func:`cost_rise_note` must give for ``costs``, written out."""
    return (
        f"The cost went up, from {costs[0]:.4g} to {costs[-1]:.4g}: gradient descent is "
        "overshooting. Try a smaller learning rate."
    )


def assert_divergence_shown(explorer, rate, epoch):
    """Move the learning rate to ``rate`` with training patched to diverge at ``epoch``: the
    whole error shows in red (what happened, with which rate, what to try), and the figure and
    the result stay those of the last good run."""
    good_result, good_image = explorer.result, explorer.image.value
    explorer.controls["learning_rate"].value = rate
    assert explorer.message.value == message_html(
        f"training diverged at epoch {epoch}: the cost blew up with learning rate {rate:g}. "
        f"Try a smaller learning rate, for example {rate / 10:g}, and train a new model (this "
        "one's weights have blown up).",
        ERROR_COLOUR,
    )
    assert explorer.image.value == good_image
    assert explorer.result is good_result
