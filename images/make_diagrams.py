r"""Draw the diagrams that the notebooks show.

Run ``python images/make_diagrams.py`` from anywhere: the PNGs are written next to this
script. Labels are matplotlib mathtext ($...$), so no LaTeX installation is needed.
Coordinates are in inches (one data unit is one inch), so font sizes and node sizes
can be compared directly.
"""

import io
from itertools import pairwise
from math import hypot
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch
from matplotlib.transforms import Bbox

from backprop_lib.display.figures import compact_png
from backprop_lib.display.palette import BLACK, BLUE, SKY_BLUE, VERMILLION, distinct

HERE = Path(__file__).parent
DPI = 150
FS = 14  # node labels and formulas
FS_SMALL = 12  # edge labels and captions
R = 0.38  # node radius, inches

INK = "#333333"
# Colours that mean different things in one diagram stay apart in every colour vision
# (tests/test_colours.py): the forward and the backward pass, and the kinds of node by their
# edge (the fills are tints, too light to tell apart for everyone).
FORWARD, BACKWARD = distinct("diagram passes", ("#34495e", VERMILLION))
PALETTE = {  # kind: (fill, edge)
    "input": ("#dcebf7", BLUE),
    "hidden": ("#ddf0fb", SKY_BLUE),
    "output": ("#fde7d3", BLACK),
    "loss": ("#f7dde1", VERMILLION),
    "param": ("#eeeeee", "0.6"),
}
distinct("diagram node kinds", [edge for _, edge in PALETTE.values()])
HIGHLIGHT = ("#fff7d6", "#d9b44a", "#8a6d1a")  # fill, edge, text
LABEL_BOX = {"boxstyle": "round,pad=0.12", "facecolor": "white", "edgecolor": "none"}

plt.rcParams.update({"mathtext.fontset": "cm", "font.size": FS, "text.color": INK})


def new_figure(width, height):
    """A white figure whose single axes spans it, with data units in inches."""
    fig = plt.figure(figsize=(width, height), facecolor="white")
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


def node(ax, xy, label, kind, r=R, fontsize=FS, dashed=False):
    """A circle of the kind's colours with a centred label."""
    fill, edge = PALETTE[kind]
    ls = (0, (3, 2)) if dashed else "-"
    ax.add_patch(Circle(xy, r, facecolor=fill, edgecolor=edge, lw=1.6, ls=ls, zorder=3))
    ax.text(*xy, label, ha="center", va="center", fontsize=fontsize, zorder=4)


def box(ax, xy, label, kind, width, height=0.8, fontsize=FS):
    """A rounded box of the kind's colours, centred on xy, with an optional label."""
    fill, edge = PALETTE[kind]
    x, y = xy
    style = "round,pad=0,rounding_size=0.15"
    patch = FancyBboxPatch(
        (x - width / 2, y - height / 2),
        width,
        height,
        boxstyle=style,
        lw=1.6,
        facecolor=fill,
        edgecolor=edge,
        zorder=3,
    )
    ax.add_patch(patch)
    if label:
        ax.text(x, y, label, ha="center", va="center", fontsize=fontsize, zorder=4)


def arrow(
    ax,
    start,
    end,
    label=None,
    *,
    trim=(R, R),
    at=0.5,
    offset=0.0,
    color=FORWARD,
    lw=1.4,
    head=True,
    fontsize=FS_SMALL,
):
    """An arrow from start to end, shortened by trim at each end, with an optional label.

    The label sits at fraction ``at`` along the arrow, ``offset`` inches to its left
    (above, for an arrow pointing right); offset 0 puts it on the line, on white.
    """
    (x0, y0), (x1, y1) = start, end
    n = hypot(x1 - x0, y1 - y0)
    ux, uy = (x1 - x0) / n, (y1 - y0) / n
    a = (x0 + ux * trim[0], y0 + uy * trim[0])
    b = (x1 - ux * trim[1], y1 - uy * trim[1])
    style = "-|>" if head else "-"
    ax.add_patch(
        FancyArrowPatch(
            a,
            b,
            arrowstyle=style,
            mutation_scale=13,
            lw=lw,
            color=color,
            shrinkA=0,
            shrinkB=0,
            zorder=2,
        )
    )
    if label:
        lx = a[0] + at * (b[0] - a[0]) - uy * offset
        ly = a[1] + at * (b[1] - a[1]) + ux * offset
        on_line = LABEL_BOX if offset == 0 else None
        ax.text(
            lx,
            ly,
            label,
            ha="center",
            va="center",
            fontsize=fontsize,
            color=color,
            bbox=on_line,
            zorder=5,
        )


def text(ax, xy, s, fontsize=FS_SMALL, color=INK, **kwargs):
    """Centred text, the figure's captions and layer names."""
    ax.text(*xy, s, ha="center", va="center", fontsize=fontsize, color=color, **kwargs)


def highlight(ax, x0, y0, x1, y1, title):
    """A pale dashed panel behind part of a drawing, with a title along its top."""
    style = "round,pad=0,rounding_size=0.2"
    ax.add_patch(
        FancyBboxPatch(
            (x0, y0),
            x1 - x0,
            y1 - y0,
            boxstyle=style,
            lw=1.4,
            ls=(0, (4, 3)),
            facecolor=HIGHLIGHT[0],
            edgecolor=HIGHLIGHT[1],
            zorder=1,
        )
    )
    text(ax, ((x0 + x1) / 2, y1 - 0.22), title, color=HIGHLIGHT[2])


def neuron_chain():
    """Four single neurons in a chain; the last two, which notebook 01 studies, highlighted."""
    fig, ax = new_figure(7.4, 3.1)
    xs, y = [0.5, 2.4, 4.6, 6.6], 1.7
    highlight(ax, 3.9, 0.35, 7.3, 2.95, "the last two neurons ($L = 3$)")
    kinds = ["input", "hidden", "hidden", "output"]
    for l, (x, kind) in enumerate(zip(xs, kinds, strict=True)):
        node(ax, (x, y), f"$a^{{({l})}}$", kind)
    for l in range(1, 4):
        arrow(ax, (xs[l - 1], y), (xs[l], y), f"$w^{{({l})}}$", offset=0.25, fontsize=FS)
        text(ax, ((xs[l - 1] + xs[l]) / 2, y - 0.27), f"$+\\,b^{{({l})}}$", color=FORWARD)
    for x, name in zip(xs, ["input", "hidden", "hidden", "output"], strict=True):
        text(ax, (x, y - 0.62), name)
    text(ax, (xs[2], y - 1.0), "$a^{(L-1)}$", fontsize=FS)
    text(ax, (xs[3], y - 1.0), r"$a^{(L)} = \hat{y}$", fontsize=FS)
    text(ax, (3.7, 0.0), r"each neuron:  $a^{(l)} = \sigma(w^{(l)} a^{(l-1)} + b^{(l)})$")
    return fig


def computational_graph():
    """The last neuron's cost for one example, each edge labelled with its local derivative."""
    fig, ax = new_figure(9.6, 4.8)
    w, a_prev, b = (0.5, 4.1), (0.5, 2.4), (0.5, 0.7)
    z, a, c, y = (3.9, 2.4), (6.5, 2.4), (9.1, 2.4), (9.1, 4.1)
    node(ax, w, "$w^{(L)}$", "param")
    node(ax, a_prev, "$a^{(L-1)}$", "hidden", fontsize=FS - 1)
    node(ax, b, "$b^{(L)}$", "param")
    node(ax, z, "$z^{(L)}$", "output")
    node(ax, a, "$a^{(L)}$", "output")
    node(ax, c, "$C$", "loss")
    node(ax, y, "$y$", "input")
    path = {"color": BACKWARD, "lw": 2.2}
    arrow(ax, w, z, r"$\dfrac{\partial z^{(L)}}{\partial w^{(L)}} = a^{(L-1)}$", **path)
    arrow(ax, a_prev, z, r"$\dfrac{\partial z^{(L)}}{\partial a^{(L-1)}} = w^{(L)}$", at=0.45)
    arrow(ax, b, z, r"$\dfrac{\partial z^{(L)}}{\partial b^{(L)}} = 1$")
    label = r"$\dfrac{\partial a^{(L)}}{\partial z^{(L)}} = \sigma'(z^{(L)})$"
    arrow(ax, z, a, label, offset=0.45, **path)
    label = r"$\dfrac{\partial C}{\partial a^{(L)}} = 2(a^{(L)} - y)$"
    arrow(ax, a, c, label, offset=0.45, **path)
    arrow(ax, y, c)
    for (x, _), s in [
        (z, r"$z^{(L)} = w^{(L)} a^{(L-1)} + b^{(L)}$"),
        (a, r"$a^{(L)} = \sigma(z^{(L)})$"),
        (c, r"$C = (a^{(L)} - y)^2$"),
    ]:
        text(ax, (x, 1.6), s, fontsize=FS)
    text(
        ax,
        (4.8, 0.75),
        "chain rule: multiply the labels along the highlighted path",
        color=BACKWARD,
    )
    text(
        ax,
        (4.8, 0.05),
        r"$\dfrac{\partial C}{\partial w^{(L)}} = \dfrac{\partial z^{(L)}}{\partial w^{(L)}}"
        r"\,\dfrac{\partial a^{(L)}}{\partial z^{(L)}}\,\dfrac{\partial C}{\partial a^{(L)}}"
        r" = a^{(L-1)}\,\sigma'(z^{(L)})\,2(a^{(L)} - y)$",
        fontsize=FS,
        color=BACKWARD,
    )
    return fig


def logistic_unit():
    """Logistic regression as one sigmoid unit with three inputs, then its loss."""
    fig, ax = new_figure(8.4, 3.6)
    ys = [3.0, 1.9, 0.8]
    unit, loss, truth, bias = (3.9, 1.9), (7.5, 1.9), (7.5, 0.45), (3.9, 0.45)
    for i, yi in enumerate(ys, start=1):
        node(ax, (0.5, yi), f"$x_{i}$", "input")
        end = (unit[0] - 1.5, unit[1] + 0.25 * (2 - i))
        arrow(ax, (0.5, yi), end, f"$w_{i}$", trim=(R, 0), at=0.45, offset=0.2, fontsize=FS)
    box(ax, unit, None, "output", width=3.0, height=0.9)
    ax.plot(
        [unit[0] + 0.38] * 2,
        [unit[1] - 0.45, unit[1] + 0.45],
        color=PALETTE["output"][1],
        lw=1.2,
        zorder=4,
    )
    text(ax, (unit[0] - 0.55, unit[1]), r"$z = \mathbf{w}^{\mathsf{T}}\mathbf{x} + b$", fontsize=FS)
    text(ax, (unit[0] + 0.94, unit[1]), r"$\hat{y} = \sigma(z)$", fontsize=FS)
    node(ax, bias, "$b$", "param")
    arrow(ax, bias, (bias[0], unit[1] - 0.45), trim=(R, 0))
    box(ax, loss, r"$C(\hat{y}, y)$", "loss", width=1.4)
    arrow(
        ax,
        (unit[0] + 1.5, unit[1]),
        (loss[0] - 0.7, loss[1]),
        r"$\hat{y}$",
        trim=(0, 0),
        offset=0.22,
        fontsize=FS,
    )
    node(ax, truth, "$y$", "input")
    arrow(ax, truth, (loss[0], loss[1] - 0.4), trim=(R, 0))
    text(ax, (unit[0], 3.05), "one logistic unit")
    text(ax, (loss[0], 3.05), "loss")
    text(ax, (truth[0] + 0.95, truth[1]), "true label\n$y \\in \\{0, 1\\}$", linespacing=1.5)
    text(ax, ((unit[0] + 1.5 + loss[0] - 0.7) / 2, unit[1] - 0.27), "prediction")
    text(
        ax,
        (4.0, -0.35),
        r"cross-entropy loss:  $C(\hat{y}, y) = "
        r"-[\,y\,\log \hat{y} + (1 - y)\,\log(1 - \hat{y})\,]$",
        fontsize=FS,
    )
    return fig


def network_2_3_2():
    """The 2-3-2 network: inputs x, hidden h, predictions y-hat, labels y and the loss C.

    Edge labels are entries of W^l, indexed (row, column) = (to, from), as in the text and
    the code of notebook 03.
    """
    fig, ax = new_figure(9.6, 5.2)
    xs = [(0.6, 3.1), (0.6, 1.8)]
    hs = [(3.2, 3.75), (3.2, 2.45), (3.2, 1.15)]
    y_hats = [(5.8, 3.1), (5.8, 1.8)]
    ys = [(7.1, 3.95), (7.1, 0.95)]
    loss = (8.45, 2.45)
    for j, h in enumerate(hs, start=1):
        for i, x in enumerate(xs, start=1):
            label = {(1, 1): "$W^1_{11}$", (3, 2): "$W^1_{32}$"}.get((j, i))
            side = 0.24 if j == 1 else -0.24
            arrow(ax, x, h, label, offset=side, fontsize=FS)
        for k, y_hat in enumerate(y_hats, start=1):
            label = {(1, 1): "$W^2_{11}$", (2, 3): "$W^2_{23}$"}.get((k, j))
            side = 0.24 if k == 1 else -0.24
            arrow(ax, h, y_hat, label, offset=side, fontsize=FS)
    for i, x in enumerate(xs, start=1):
        node(ax, x, f"$x_{i}$", "input")
    for j, h in enumerate(hs, start=1):
        node(ax, h, f"$h_{j}$", "hidden")
    for k, (y_hat, y) in enumerate(zip(y_hats, ys, strict=True), start=1):
        node(ax, y_hat, f"$\\hat{{y}}_{k}$", "output")
        node(ax, y, f"$y_{k}$", "input", dashed=True)
        arrow(ax, y_hat, (loss[0] - 0.55, loss[1] + 0.2 * (1.5 - k)), trim=(R, 0))
        arrow(ax, y, (loss[0] - 0.3, loss[1] + 0.4 * (3 - 2 * k)), trim=(R, 0))
    box(ax, loss, r"$C = \dfrac{1}{2}\sum_k (\hat{y}_k - y_k)^2$", "loss", width=2.1, height=0.8)
    text(ax, (1.9, 4.55), r"$W^{1}$,  $3 \times 2$", fontsize=FS)
    text(ax, (4.5, 4.55), r"$W^{2}$,  $2 \times 3$", fontsize=FS)
    text(ax, (7.1, 4.55), "labels")
    under = {"linespacing": 1.7}
    text(ax, (0.6, 0.25), "inputs\n$x = a^0$", **under)
    text(ax, (3.2, 0.25), "hidden units\n$h = a^1 = \\sigma(W^1 x + b^1)$", **under)
    text(ax, (5.8, 0.25), "predictions\n$\\hat{y} = a^2 = \\sigma(W^2 h + b^2)$", **under)
    caption = (
        r"$W^1$ has shape $(n_1, n_0) = (3, 2)$: entry $W^1_{ji}$ joins input $x_i$ to hidden"
        r" unit $h_j$ (row = to, column = from)." + "\n"
        r"Likewise $W^2_{kj}$ joins $h_j$ to $\hat{y}_k$: $W^2_{23}$ is the edge from $h_3$"
        r" to $\hat{y}_2$."
    )
    text(ax, (4.6, -0.6), caption, linespacing=1.6)
    return fig


def deep_mlp():
    """An L-layer MLP with the forward pass drawn above it and the backward pass below."""
    fig, ax = new_figure(9.0, 6.0)
    r = 0.27
    cols = [0.6, 3.1, 5.6, 8.1]
    layers = [[4.0, 3.3, 1.6], [4.3, 3.55, 2.8, 2.05, 1.3], [4.0, 3.3, 2.6, 1.9], [2.8]]
    for (x0, ys0), (x1, ys1) in pairwise(zip(cols, layers, strict=True)):
        for y0 in ys0:
            for y1 in ys1:
                arrow(ax, (x0, y0), (x1, y1), trim=(r, r), head=False, lw=0.8, color="#9aa5b1")
    for y, label in zip(layers[0], ["$x_1$", "$x_2$", "$x_{n_0}$"], strict=True):
        node(ax, (cols[0], y), label, "input", r=r, fontsize=FS_SMALL)
    text(ax, (cols[0], 2.5), r"$\vdots$", fontsize=FS)
    for x, ys in zip(cols[1:3], layers[1:3], strict=True):
        for y in ys:
            node(ax, (x, y), "", "hidden", r=r)
    node(ax, (cols[3], layers[3][0]), r"$\sigma$", "output", r=r)
    text(ax, (cols[3], layers[3][0] - 0.55), "here $L = 3$")
    text(ax, (cols[0], 0.6), "$n_0$ inputs")
    names = ["$a^{0} = x$", "$a^{1}$", "$a^{2}$", r"$a^{L} = \hat{y}$"]
    deltas = [None, r"$\delta^{1}$", r"$\delta^{2}$", r"$\delta^{L}$"]
    for x, name, delta in zip(cols, names, deltas, strict=True):
        text(ax, (x, 4.95), name, fontsize=FS, color=FORWARD)
        if delta:
            text(ax, (x, 0.6), delta, fontsize=FS, color=BACKWARD)
    for x0, x1 in pairwise(cols):
        arrow(ax, (x0, 4.95), (x1, 4.95), trim=(0.55, 0.55), lw=1.8)
    for x0, x1 in pairwise(cols[1:]):
        arrow(ax, (x1, 0.6), (x0, 0.6), trim=(0.4, 0.4), lw=1.8, color=BACKWARD)
    forward = (
        r"forward, layer $l$:  $a^{l-1} \longrightarrow z^{l} = W^{l} a^{l-1} + b^{l}"
        r" \longrightarrow a^{l} = g(z^{l})$"
    )
    text(ax, (4.35, 5.65), forward, fontsize=FS, color=FORWARD)
    backward = (
        r"backward:  $\delta^{L} = \dfrac{\partial C}{\partial z^{L}} \longrightarrow"
        r" \delta^{l} = g'(z^{l}) \odot (W^{l+1})^{\mathsf{T}} \delta^{l+1}$"
    )
    text(ax, (4.35, -0.15), backward, fontsize=FS, color=BACKWARD)
    text(
        ax,
        (4.35, -0.85),
        r"gradients:  $\dfrac{\partial C}{\partial W^{l}} = \delta^{l} (a^{l-1})^{\mathsf{T}}$,  "
        r"$\dfrac{\partial C}{\partial b^{l}} = \delta^{l}$",
        fontsize=FS,
        color=BACKWARD,
    )
    return fig


def drawn_bbox(fig, pad=0.12):
    """The box in inches around everything drawn, so the PNG has an even white margin.

    ``bbox_inches="tight"`` would also count the empty axes titles at the top edge.
    """
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    boxes = [a.get_window_extent(renderer) for a in [*ax.patches, *ax.texts, *ax.lines]]
    return Bbox.union(boxes).transformed(fig.dpi_scale_trans.inverted()).padded(pad)


def main():
    """Draw every diagram and save it next to this script."""
    diagrams = {
        "neuron_chain.png": neuron_chain,
        "computational_graph.png": computational_graph,
        "logistic_unit.png": logistic_unit,
        "network_2_3_2.png": network_2_3_2,
        "deep_mlp.png": deep_mlp,
    }
    for name, draw in diagrams.items():
        fig = draw()
        png = io.BytesIO()
        fig.savefig(
            png,
            format="png",
            dpi=DPI,
            bbox_inches=drawn_bbox(fig),
            facecolor="white",
            metadata={"Software": None},
        )
        plt.close(fig)
        # stored as small as it goes without a visible change: the notebooks carry it
        (HERE / name).write_bytes(compact_png(png.getvalue()))
        print(f"wrote {HERE / name}")


if __name__ == "__main__":
    main()
