r"""A multilayer perceptron built only from the formula functions of this package.

Layer l = 1..L computes z^l = W^l a^{l-1} + b^l and a^l = g(z^l), with a^0 = X of shape
(n_0, m) (columns are examples). ``weights[l - 1]`` is W^l, of shape (n_l, n_{l-1}), and
``biases[l - 1]`` is b^l, of shape (n_l, 1). Notebook 04 derives every line; notebook 08 the
softmax output, which changes only the output delta; notebook 10 the options of batch
normalisation and dropout in the hidden layers. The passes themselves are in propagation.py,
the checks of the data in network_checks.py.
"""

import math

import numpy as np

from . import network_checks, propagation
from .activations import get_activation
from .initialisation import BY_ACTIVATION, initial_weights
from .losses import FUSED_DELTAS, LOGIT_LOSSES, output_layer
from .normalisation import check_keep_prob
from .optimizers import SGD, TrainingDiverged, check_cost, optimizer_for
from .validation import NonFiniteError, check_fraction, check_real, check_whole, is_whole

__all__ = ["MLP", "TrainingDiverged"]  # TrainingDiverged: also here, where fit raises it


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
        Seeds the initial weights, the order of mini-batches and, from a stream of their own
        (the first child of the seed's ``numpy.random.SeedSequence``), the dropout masks.
    batchnorm : bool
        Normalise every hidden layer's z^l over the batch, then scale by gamma^l and shift by
        beta^l (learned like W and b, from ones and zeros), before its activation; the output
        layer is never normalised.
    keep_prob : float in (0, 1]
        Inverted dropout of every hidden layer's activation a^l in training mode: each unit is
        kept with probability keep_prob (never an input or output unit); 1 drops nothing.
    running_decay : float in [0, 1)
        d of the running averages that prediction mode normalises with, updated once per
        training step: :math:`\bar\mu \leftarrow d \bar\mu + (1 - d) \mu`, the same for
        sigma^2 (PyTorch's ``momentum`` is 1 - d). sigma^2 is the biased batch variance, the one
        training mode normalises with (as in Keras; PyTorch averages the unbiased one, m/(m - 1)
        times larger): after steps on one fixed batch, both modes normalise it alike.
    l1_lambda : float
        The strength lambda_1 >= 0 of the L1 penalty on the weights (:func:`l1_penalty`),
        which pulls every weight toward 0 by the same amount a step.

    Training mode (each batch's statistics, seeded dropout masks): :meth:`fit`, :meth:`step`,
    :meth:`cost`, :meth:`gradients`, :meth:`gradient_norms`. Prediction mode (the running
    statistics, no dropout; deterministic): :meth:`forward`, :meth:`predict_proba`,
    :meth:`predict`, :meth:`accuracy`, :meth:`data_cost`. They differ only with these options.

    Attributes
    ----------
    weights : list of ndarray
        ``weights[l - 1]`` is W^l, shape (n_l, n_{l-1}).
    biases : list of ndarray
        ``biases[l - 1]`` is b^l, shape (n_l, 1).
    gammas, betas : list of ndarray
        With batchnorm, ``gammas[l - 1]`` and ``betas[l - 1]`` are gamma^l and beta^l of hidden
        layer l = 1..L-1, shape (n_l, 1); else empty.
    running_means, running_vars : list of ndarray
        With batchnorm, each hidden layer's running mean and variance of z^l, shape (n_l, 1),
        from zeros and ones; not parameters: no optimizer updates them.
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
        batchnorm=False,
        keep_prob=1.0,
        running_decay=0.9,
        l1_lambda=0.0,
    ):
        sizes = list(layer_sizes)
        if len(sizes) < 2 or not all(is_whole(n) and n >= 1 for n in sizes):
            raise ValueError(
                "layer_sizes must list at least two whole numbers >= 1 "
                f"(input size, ..., output size); got {layer_sizes!r}"
            )
        self.l2_lambda = check_real("l2_lambda", l2_lambda, low=0.0)
        self.l1_lambda = check_real("l1_lambda", l1_lambda, low=0.0)
        if not isinstance(batchnorm, bool):
            raise ValueError(f"batchnorm must be True or False; got {batchnorm!r}")
        self.batchnorm = batchnorm
        self.keep_prob = check_keep_prob(keep_prob)
        self.running_decay = check_fraction("running_decay", running_decay)
        self.g, self.g_prime = get_activation(hidden_activation)
        self.g_out, self.g_out_prime, self.loss, self.loss_prime = output_layer(
            output_activation, loss, sizes[-1]
        )
        self._softmax = output_activation == "softmax"
        self.layer_sizes = tuple(int(n) for n in sizes)
        self.hidden_activation = hidden_activation
        self.output_activation = output_activation
        self.loss_name = loss
        self.init = init
        self.seed = seed
        self.fused_delta = FUSED_DELTAS.get((output_activation, loss))  # or None
        self.logit_loss = LOGIT_LOSSES.get((output_activation, loss))  # or None
        rng = np.random.default_rng(seed)
        activations = [hidden_activation] * (len(sizes) - 2) + [output_activation]
        self.weights = initial_weights(self.layer_sizes, activations, init, rng)
        self.biases = [np.zeros((n, 1)) for n in self.layer_sizes[1:]]
        normalised = self.layer_sizes[1:-1] if batchnorm else ()
        self.gammas = [np.ones((n, 1)) for n in normalised]
        self.betas = [np.zeros((n, 1)) for n in normalised]
        self.running_means = [np.zeros((n, 1)) for n in normalised]
        self.running_vars = [np.ones((n, 1)) for n in normalised]
        self._batch_rng = rng
        # The masks' own stream of the seed, apart from the weights' and the batch order's.
        self._mask_seed = rng.bit_generator.seed_seq.spawn(1)[0]
        self._mask_rng = np.random.default_rng(self._mask_seed)

    def __repr__(self):
        options = ""
        if self.batchnorm or self.keep_prob < 1:
            options = (
                f", batchnorm={self.batchnorm}, keep_prob={self.keep_prob}, "
                f"running_decay={self.running_decay}"
            )
        if self.l1_lambda > 0:
            options += f", l1_lambda={self.l1_lambda}"
        return (
            f"MLP({list(self.layer_sizes)}, hidden_activation={self.hidden_activation!r}, "
            f"output_activation={self.output_activation!r}, loss={self.loss_name!r}, "
            f"l2_lambda={self.l2_lambda}, init={self.init!r}, seed={self.seed!r}{options})"
        )

    def check_data(self, X, Y):
        """X (n_0, m) and Y (n_L, m) as float arrays this network can take, or a ValueError
        that says what is wrong (every public method checks its data with it, once)."""
        return network_checks.check_data(self, X, Y)

    # ----- the algorithm, unchecked: the passes of propagation.py --------------------------

    def _forward(self, X, training=True, rng=None):
        """The forward pass (a propagation.Pass): in training mode with the dropout masks of
        the Generator ``rng`` (None: the fixed masks of the model's seed), or in prediction mode."""
        if training and rng is None and self.keep_prob < 1:  # a new Generator: the same masks
            rng = np.random.default_rng(self._mask_seed)
        return propagation.forward_pass(self, X, training, rng)

    def _backward(self, Zs, As, Y, m, normalised=None, masks=()):
        """The gradients from a training pass's z^l and a^l (and its activations' inputs with
        batchnorm, its masks with dropout)."""
        return propagation.back_propagate(self, Zs, As, Y, m, normalised, masks)

    def _step(self, X, Y, optimizer, m):
        try:
            passed = self._forward(X, rng=self._mask_rng)  # new masks at each step
            cost = propagation.cost(self, passed, Y, m)
            grads = self._backward(passed.Zs, passed.As, Y, m, passed.normalised, passed.masks)
        except NonFiniteError:  # batchnorm or dropout met inf or NaN: the values blew up,
            return math.nan  # and fit's divergence rule judges the NaN
        params = self.weights + self.biases + self.gammas + self.betas
        optimizer.step(params, [g for group in grads for g in group])
        if self.batchnorm:
            propagation.update_running_statistics(self, passed)
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
        self.gammas = [np.array(gamma, dtype=float) for gamma in self.gammas]
        self.betas = [np.array(beta, dtype=float) for beta in self.betas]

    # ----- the public interface: prediction mode -------------------------------------------

    def forward(self, X):
        """Forward pass keeping every layer's values, in prediction mode.

        Parameters
        ----------
        X : ndarray of shape (n_0, m)

        Returns
        -------
        Zs : list of ndarray
            ``Zs[l - 1]`` is z^l = W^l a^{l-1} + b^l, shape (n_l, m), for l = 1..L.
        As : list of ndarray
            ``As[l]`` is a^l, shape (n_l, m), for l = 0..L (``As[0]`` is X).
        """
        passed = self._forward(network_checks.check_inputs(self, X), training=False)
        return passed.Zs, passed.As

    def predict_proba(self, X):
        """The network's output a^L, shape (n_L, m)."""
        return self.forward(X)[1][-1]

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

    def data_cost(self, X, Y):
        r"""The cost without the L2 term, :math:`\frac1m \sum_i C^{(i)}`, in prediction mode.

        The L2 term :math:`\frac{\lambda}{2m}\sum_l \lVert W^l \rVert^2` depends on the
        number of examples m, so only this part compares between a training and a test set.
        With batchnorm or dropout it is not :meth:`cost` less that term: :meth:`cost` is in
        training mode.
        """
        X, Y = self.check_data(X, Y)
        return propagation.data_cost(self, self._forward(X, training=False), Y)

    # ----- the public interface: training mode ---------------------------------------------

    def cost(self, X, Y):
        r"""The cost :math:`J = \frac1m \sum_i C^{(i)}` (+ the L2 and L1 terms when their lambdas
        are > 0), in training mode.

        Its dropout masks are fixed: drawn on each call from the start of the masks' stream
        (see ``seed``), they are those of :meth:`gradients` and of the first training step, so
        central differences of the cost check the gradients.
        """
        X, Y = self.check_data(X, Y)
        network_checks.check_batches(self, X)
        return propagation.cost(self, self._forward(X), Y, X.shape[1])

    def gradients(self, X, Y):
        """Backpropagation: the gradients of :meth:`cost` (training mode, the same masks).

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
        dgammas, dbetas : list of ndarray
            With batchnorm only: ``dgammas[l - 1]`` and ``dbetas[l - 1]`` are dJ/dgamma^l and
            dJ/dbeta^l of hidden layer l, shape (n_l, 1).
        """
        X, Y = self.check_data(X, Y)
        network_checks.check_batches(self, X)
        passed = self._forward(X)
        return self._backward(passed.Zs, passed.As, Y, X.shape[1], passed.normalised, passed.masks)

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
        dWs = self.gradients(X, Y)[0]
        return np.array([np.linalg.norm(dW) for dW in dWs])

    def step(self, X, Y, learning_rate):
        """One gradient-descent step W^l <- W^l - learning_rate dJ/dW^l (and the same for b^l,
        gamma^l and beta^l), with new dropout masks; it updates the running statistics.

        Returns the cost J before the step.
        """
        X, Y = self.check_data(X, Y)
        network_checks.check_batches(self, X)
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
            batch costs averaged with their sizes as weights), in training mode: each step
            draws new dropout masks and updates the running statistics.
        """
        X, Y = self.check_data(X, Y)
        optimizer = optimizer_for(learning_rate, optimizer)
        check_whole("epochs", epochs, 1)
        m = X.shape[1]
        if batch_size is not None:
            check_whole("batch_size", batch_size, 1, m, "or None for all m examples")
        network_checks.check_batches(self, X, batch_size)
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
