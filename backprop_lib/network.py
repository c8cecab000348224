r"""A multilayer perceptron built only from the formula functions of this package.

Layer l = 1..L computes z^l = W^l a^{l-1} + b^l and a^l = g(z^l), with a^0 = X of shape
(n_0, m) (columns are examples). ``weights[l - 1]`` is W^l, of shape (n_l, n_{l-1}), and
``biases[l - 1]`` is b^l, of shape (n_l, 1). Notebook 04 derives every line; notebook 08 the
softmax output, which changes only the output delta.
"""

import math

import numpy as np

from .activations import get_activation, softmax
from .backprop import (
    bias_gradient,
    hidden_delta,
    l2_gradient,
    l2_penalty,
    linear_forward,
    output_delta,
    weight_gradient,
)
from .initialisation import BY_ACTIVATION, initial_weights
from .losses import (
    FUSED_DELTAS,
    LOGIT_LOSSES,
    categorical_cross_entropy,
    categorical_cross_entropy_prime,
    check_targets,
    get_loss,
    mean_cost,
)
from .optimizers import SGD, TrainingDiverged, check_cost, optimizer_for
from .validation import check_matrix, check_real, check_whole, is_whole

__all__ = ["MLP", "TrainingDiverged"]  # TrainingDiverged: also here, where fit raises it


def _output_layer(output_activation, loss, n_L):
    """(g_out, g_out_prime, C, dC/da) by name, or a ValueError if the two do not fit."""
    if output_activation == "softmax" or loss == "categorical_cross_entropy":
        if (output_activation, loss) != ("softmax", "categorical_cross_entropy") or n_L < 2:
            raise ValueError(
                "a softmax output needs loss='categorical_cross_entropy' (and that loss a softmax"
                f" output) and n_L >= 2 classes; got output_activation={output_activation!r}, "
                f"loss={loss!r} and n_L = {n_L}"
            )
        # No g_out_prime: the softmax's derivative is a Jacobian, which the fused delta avoids.
        return softmax, None, categorical_cross_entropy, categorical_cross_entropy_prime
    g_out, g_out_prime = get_activation(output_activation)
    if loss == "cross_entropy" and output_activation != "sigmoid":
        raise ValueError(
            "cross_entropy needs outputs in (0, 1): use output_activation='sigmoid' "
            f"(got {output_activation!r}), or another loss"
        )
    return g_out, g_out_prime, *get_loss(loss)


class MLP:
    r"""A fully connected network trained by gradient descent on the cost J.

    Parameters
    ----------
    layer_sizes : sequence of int
        [n_0, n_1, ..., n_L]: the input size, the hidden layer sizes, the output size.
    hidden_activation, output_activation : str
        Names in :data:`backprop_lib.ACTIVATIONS`; the output may also be "softmax", whose
        loss must be "categorical_cross_entropy", with one-hot Y (n_L classes >= 2).
    loss : str
        A name in :data:`backprop_lib.LOSSES`, or "categorical_cross_entropy" (softmax
        output only); "cross_entropy" needs a sigmoid output.
    l2_lambda : float
        The regularisation strength lambda >= 0 of the L2 penalty on the weights (not the
        biases).
    init : str
        A name in :data:`backprop_lib.INITIALISATIONS`, or the default "by_activation": W^l from
        N(0, 2/n_{l-1}) (He) where layer l is ReLU or leaky ReLU, N(0, 1/n_{l-1}) elsewhere.
    seed : int
        Seeds the initial weights and the order of mini-batches.

    Attributes
    ----------
    weights : list of ndarray
        ``weights[l - 1]`` is W^l, shape (n_l, n_{l-1}).
    biases : list of ndarray
        ``biases[l - 1]`` is b^l, shape (n_l, 1).
    """

    def __init__(
        self,
        layer_sizes,
        hidden_activation="relu",
        output_activation="sigmoid",
        loss="cross_entropy",
        l2_lambda=0.0,
        init=BY_ACTIVATION,
        seed=0,
    ):
        sizes = list(layer_sizes)
        if len(sizes) < 2 or not all(is_whole(n) and n >= 1 for n in sizes):
            raise ValueError(
                "layer_sizes must list at least two whole numbers >= 1 "
                f"(input size, ..., output size); got {layer_sizes!r}"
            )
        self.l2_lambda = check_real("l2_lambda", l2_lambda, low=0.0)
        self.g, self.g_prime = get_activation(hidden_activation)
        self.g_out, self.g_out_prime, self.loss, self.loss_prime = _output_layer(
            output_activation, loss, sizes[-1]
        )
        self._softmax = output_activation == "softmax"
        self.layer_sizes = tuple(int(n) for n in sizes)
        self.hidden_activation = hidden_activation
        self.output_activation = output_activation
        self.loss_name = loss
        self.init = init
        self.seed = seed
        self._fused_delta = FUSED_DELTAS.get((output_activation, loss))  # or None
        self._logit_loss = LOGIT_LOSSES.get((output_activation, loss))  # or None
        rng = np.random.default_rng(seed)
        activations = [hidden_activation] * (len(sizes) - 2) + [output_activation]
        self.weights = initial_weights(self.layer_sizes, activations, init, rng)
        self.biases = [np.zeros((n, 1)) for n in self.layer_sizes[1:]]
        self._batch_rng = rng

    def __repr__(self):
        return (
            f"MLP({list(self.layer_sizes)}, hidden_activation={self.hidden_activation!r}, "
            f"output_activation={self.output_activation!r}, loss={self.loss_name!r}, "
            f"l2_lambda={self.l2_lambda}, init={self.init!r}, seed={self.seed!r})"
        )

    # ----- checks, done once at each entry point -----------------------------------------

    def _check_parameters(self):
        for l, (W, b) in enumerate(zip(self.weights, self.biases, strict=True), start=1):
            expected_W = (self.layer_sizes[l], self.layer_sizes[l - 1])
            if np.shape(W) != expected_W or np.shape(b) != (self.layer_sizes[l], 1):
                raise ValueError(
                    f"layer {l}: W^{l} must be {expected_W} and b^{l} ({self.layer_sizes[l]}, 1)"
                    f" for layer sizes {list(self.layer_sizes)}; got {np.shape(W)} and "
                    f"{np.shape(b)}"
                )

    def _check_X(self, X):
        X = check_matrix("X", X)
        n_0 = self.layer_sizes[0]
        if X.shape[0] != n_0:
            hint = " (examples must be columns: pass X.T)" if X.shape[1] == n_0 else ""
            raise ValueError(
                f"X must have shape ({n_0}, m) for this network's {n_0} inputs; got {X.shape}{hint}"
            )
        self._check_parameters()
        return X

    def check_data(self, X, Y):
        """X (n_0, m) and Y (n_L, m) as float arrays this network can take, or a ValueError
        that says what is wrong (every public method checks its data with it, once)."""
        X = self._check_X(X)
        Y = check_matrix("Y", Y)
        expected = (self.layer_sizes[-1], X.shape[1])
        if Y.shape != expected:
            labels = f"; for labels pass one_hot(labels, {expected[0]})" if self._softmax else ""
            raise ValueError(
                f"Y must have shape {expected} (n_L outputs, one column per example of X); "
                f"got {Y.shape}{labels}"
            )
        return X, check_targets(self.loss_name, Y)

    # ----- the algorithm, unchecked -------------------------------------------------------

    def _forward(self, X):
        Zs, As = [], [X]
        L = len(self.weights)
        for l in range(1, L + 1):
            z = linear_forward(self.weights[l - 1], As[-1], self.biases[l - 1])
            Zs.append(z)
            As.append(self.g_out(z) if l == L else self.g(z))
        return Zs, As

    # m is the number of examples of the cost J, which sets the L2 term's lambda / m. It is
    # the batch's size, except in a mini-batch step, where the data term is averaged over the
    # batch but the L2 term keeps the m of the whole training set: so the step follows an
    # unbiased estimate of the gradient of the J the notebooks write down.

    def _data_cost(self, Zs, As, Y):
        if self._logit_loss is not None:  # from z^L: exact where a^L rounds to 0 or 1
            return mean_cost(self._logit_loss(Zs[-1], Y))
        return mean_cost(self.loss(As[-1], Y))

    def _cost(self, Zs, As, Y, m):
        J = self._data_cost(Zs, As, Y)
        if self.l2_lambda > 0:
            J += l2_penalty(self.weights, self.l2_lambda, m)
        return J

    def _backward(self, Zs, As, Y, m):
        L = len(self.weights)
        if self._fused_delta is not None:
            delta = self._fused_delta(As[L], Y)
        else:
            delta = output_delta(self.loss_prime(As[L], Y), self.g_out_prime(Zs[L - 1]))
        dWs, dbs = [None] * L, [None] * L
        for l in range(L, 0, -1):
            dW = weight_gradient(delta, As[l - 1])
            if self.l2_lambda > 0:
                dW = dW + l2_gradient(self.weights[l - 1], self.l2_lambda, m)
            dWs[l - 1], dbs[l - 1] = dW, bias_gradient(delta)
            if l > 1:  # the input layer needs no delta
                delta = hidden_delta(self.weights[l - 1], delta, self.g_prime(Zs[l - 2]))
        return dWs, dbs

    def _step(self, X, Y, optimizer, m):
        Zs, As = self._forward(X)
        cost = self._cost(Zs, As, Y, m)
        dWs, dbs = self._backward(Zs, As, Y, m)
        optimizer.step(self.weights + self.biases, dWs + dbs)
        return cost

    def _epoch(self, X, Y, optimizer, batch_size, m):
        """One pass over the m examples; its cost, the batch costs weighted by their sizes."""
        if batch_size is None or batch_size == m:
            return self._step(X, Y, optimizer, m)
        order = self._batch_rng.permutation(m)
        cost = 0.0
        for start in range(0, m, batch_size):
            batch = order[start : start + batch_size]
            cost += self._step(X[:, batch], Y[:, batch], optimizer, m) * len(batch)
        return cost / m

    def _own_parameters(self):
        # Optimizers update in place: copies, so that arrays a caller kept stay as they were.
        self.weights = [np.array(W, dtype=float) for W in self.weights]
        self.biases = [np.array(b, dtype=float) for b in self.biases]

    # ----- the public interface -----------------------------------------------------------

    def forward(self, X):
        """Forward pass keeping every layer's values.

        Parameters
        ----------
        X : ndarray of shape (n_0, m)

        Returns
        -------
        Zs : list of ndarray
            ``Zs[l - 1]`` is z^l, shape (n_l, m), for l = 1..L.
        As : list of ndarray
            ``As[l]`` is a^l, shape (n_l, m), for l = 0..L (``As[0]`` is X).
        """
        return self._forward(self._check_X(X))

    def predict_proba(self, X):
        """The network's output a^L, shape (n_L, m)."""
        return self._forward(self._check_X(X))[1][-1]

    def predict(self, X):
        """Labels 0.0/1.0 (a^L >= 0.5) for a sigmoid output; for a softmax, each column's class
        index (its largest a^L; ties: the first), ints of shape (1, m); else a^L itself."""
        A = self.predict_proba(X)
        if self._softmax:
            return np.argmax(A, axis=0, keepdims=True)
        return (A >= 0.5).astype(float) if self.output_activation == "sigmoid" else A

    def accuracy(self, X, Y):
        """Fraction of examples whose predicted labels all equal Y (sigmoid output), or whose
        predicted class is the 1 of their one-hot column of Y (softmax output)."""
        X, Y = self.check_data(X, Y)
        target = np.argmax(Y, axis=0, keepdims=True) if self._softmax else Y
        return float(np.mean(np.all(self.predict(X) == target, axis=0)))

    def cost(self, X, Y):
        r"""The cost :math:`J = \frac1m \sum_i C^{(i)}` (+ the L2 term when l2_lambda > 0)."""
        X, Y = self.check_data(X, Y)
        return self._cost(*self._forward(X), Y, X.shape[1])

    def data_cost(self, X, Y):
        r"""The cost without the L2 term, :math:`\frac1m \sum_i C^{(i)}`.

        The L2 term :math:`\frac{\lambda}{2m}\sum_l \lVert W^l \rVert^2` depends on the
        number of examples m, so only this part compares between a training and a test set.
        """
        X, Y = self.check_data(X, Y)
        return self._data_cost(*self._forward(X), Y)

    def gradients(self, X, Y):
        """Backpropagation: the gradients of the cost J.

        Parameters
        ----------
        X : ndarray of shape (n_0, m)
        Y : ndarray of shape (n_L, m)

        Returns
        -------
        dWs : list of ndarray
            ``dWs[l - 1]`` is dJ/dW^l, shape (n_l, n_{l-1}).
        dbs : list of ndarray
            ``dbs[l - 1]`` is dJ/db^l, shape (n_l, 1).
        """
        X, Y = self.check_data(X, Y)
        Zs, As = self._forward(X)
        return self._backward(Zs, As, Y, X.shape[1])

    def gradient_norms(self, X, Y):
        r"""Each layer's weight-gradient size :math:`\lVert \partial J/\partial W^l \rVert_F`.

        Parameters
        ----------
        X : ndarray of shape (n_0, m)
        Y : ndarray of shape (n_L, m)

        Returns
        -------
        ndarray of shape (L,)
            Entry l - 1 is the Frobenius norm of dJ/dW^l.
        """
        dWs, _ = self.gradients(X, Y)
        return np.array([np.linalg.norm(dW) for dW in dWs])

    def step(self, X, Y, learning_rate):
        """One gradient-descent step W^l <- W^l - learning_rate dJ/dW^l (and the same for b^l).

        Returns the cost J before the step.
        """
        X, Y = self.check_data(X, Y)
        check_real("learning_rate", learning_rate, positive=True)
        self._own_parameters()
        return self._step(X, Y, SGD(learning_rate), X.shape[1])

    def fit(
        self,
        X,
        Y,
        learning_rate=None,
        epochs=None,
        batch_size=None,
        callback=None,
        optimizer=None,
        max_cost=math.inf,
    ):
        """Train by gradient descent, or with an optimizer.

        Parameters
        ----------
        X : ndarray of shape (n_0, m)
        Y : ndarray of shape (n_L, m)
        learning_rate : float > 0 (or a schedule of the step), or None with an optimizer
        epochs : int >= 1
            Passes over the training set.
        batch_size : int, optional
            Examples per step, in a seeded shuffled order each epoch, every example once (the
            last batch may be smaller); None: all m in one step. A mini-batch step averages the
            data term over its batch and keeps the L2 term's lambda / m of the whole set.
        callback : callable, optional
            Called as ``callback(epoch, cost)`` after each epoch, epoch counting from 1; if it
            returns a number (a cost measured after the epoch), the divergence rule judges it.
        optimizer : backprop_lib.optimizers.Optimizer, optional
            SGD, RMSProp or Adam, whose state goes on from call to call; None is plain
            gradient descent, ``SGD(learning_rate)``.
        max_cost : float > 0, optional
            The divergence rule, checked once per epoch: an epoch whose cost is not a finite
            number <= max_cost raises TrainingDiverged (by default, a non-finite cost), and
            the network keeps the weights it has then.

        Returns
        -------
        costs : ndarray of shape (epochs,)
            The cost of each epoch, measured before each step (with mini-batches, the
            batch costs averaged with their sizes as weights).
        """
        X, Y = self.check_data(X, Y)
        optimizer = optimizer_for(learning_rate, optimizer)
        check_whole("epochs", epochs, 1)
        m = X.shape[1]
        if batch_size is not None:
            check_whole("batch_size", batch_size, 1, m, "or None for all m examples")
        if max_cost != math.inf:
            check_real("max_cost", max_cost, positive=True)
        costs = np.empty(epochs)
        self._own_parameters()
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # judged below
            for epoch in range(1, epochs + 1):
                costs[epoch - 1] = cost = self._epoch(X, Y, optimizer, batch_size, m)
                measured = None if callback is None else callback(epoch, cost)
                judged = cost if measured is None else measured
                check_cost(epoch, judged, optimizer, costs, max_cost)
        return costs
