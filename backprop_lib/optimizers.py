r"""How a training step moves the parameters: optimizers, learning-rate schedules, divergence.

Each optimizer's :meth:`~Optimizer.step` takes the parameters theta (a list of arrays, for
:class:`~backprop_lib.MLP` ``[W^1, ..., W^L, b^1, ..., b^L]``) and the gradients g = dJ/dtheta
of the same shapes, and updates theta in place, keeping its own state (a velocity, averages of
g and g^2) per array. The rules are those of ``torch.optim``, with t the step count from 1.
A schedule is a plain function of the step t = 0, 1, ... that gives the learning rate; pass
one (for example ``lambda t: cosine_decay(t, 0.01, 1000)``) as an optimizer's learning_rate.
"""

import math
import numbers

import numpy as np

from .validation import check_fraction, check_real, check_whole, is_real


class TrainingDiverged(RuntimeError):
    """Raised when an epoch's cost is not a finite number, or above the limit the training
    was given (:meth:`MLP.fit`'s ``max_cost``; notebook 06's playground sets one).

    Attributes
    ----------
    epoch : int
        The epoch (counting from 1) whose cost blew up.
    learning_rate : float
        The learning rate of its last step.
    costs : ndarray
        The costs of the epochs before it, so nothing is lost.
    advice : str
        What to do next; by default, train a new model with a smaller learning rate.
    """

    def __init__(self, epoch, learning_rate, costs, advice=None):
        self.epoch = epoch
        self.learning_rate = learning_rate
        self.costs = np.asarray(costs, dtype=float)
        if advice is None:
            advice = (
                f"Try a smaller learning rate, for example {learning_rate / 10:g}, and train "
                "a new model (this one's weights have blown up)."
            )
        self.advice = advice
        super().__init__(
            f"training diverged at epoch {epoch}: the cost blew up with learning rate "
            f"{learning_rate:g}. {advice}"
        )


def check_cost(epoch, cost, optimizer, costs, max_cost=math.inf):
    """The divergence rule, checked once per epoch: an epoch's cost must be a finite number
    <= ``max_cost``, else TrainingDiverged(epoch, the last step's learning rate, the costs
    ``costs[: epoch - 1]`` of the epochs before)."""
    try:
        fine = math.isfinite(cost) and cost <= max_cost
    except TypeError:  # not a number: said below
        fine = False
    if fine and not isinstance(cost, bool):
        return
    if not isinstance(cost, numbers.Real) or isinstance(cost, bool):
        raise ValueError(
            "the cost to judge (the epoch's, or the number a callback returned) must be a "
            f"number; got {cost!r}"
        )
    raise TrainingDiverged(epoch, optimizer.rate(max(optimizer.t - 1, 0)), costs[: epoch - 1])


class Optimizer:
    """What the optimizers share: the learning rate, the step count t and the state per array.

    Attributes
    ----------
    learning_rate : float or callable
        A number > 0, or a schedule ``learning_rate(t) -> float >= 0`` of the step t = 0, 1, ...;
        it may be changed between steps (the state is kept).
    t : int
        Steps taken so far.
    state : list or None
        One tuple of arrays per array of ``params`` (None before the first step).
    """

    def __init__(self, learning_rate):
        self.learning_rate = learning_rate
        self.t = 0
        self.state = None
        self._shapes = None

    @property
    def learning_rate(self):
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        if not callable(value):
            try:
                value = check_real("learning_rate", value, positive=True)
            except ValueError as error:
                raise ValueError(f"{error} (or a schedule: a function of the step t)") from None
        self._learning_rate = value

    def rate(self, t=None):
        """The learning rate at step t (default: the next step's, t = ``self.t``)."""
        t = self.t if t is None else t
        if not callable(self.learning_rate):
            return self.learning_rate
        rate = self.learning_rate(t)
        if not (is_real(rate) and rate >= 0):
            raise ValueError(
                f"a learning-rate schedule must return a finite number >= 0; at step t = {t} "
                f"it returned {rate!r}"
            )
        return float(rate)

    def step(self, params, grads):
        """Update each array of ``params`` (float64, any shapes) in place from the array of
        ``grads`` of the same shape."""
        if not self._same_shapes(params, grads):  # checked in full only when they change
            self._check(params, grads)
        rate = self.learning_rate
        if callable(rate):
            rate = self.rate()
        self._update_all(params, grads, rate)
        self.t += 1

    def _same_shapes(self, params, grads):
        try:
            shapes = [p.shape for p in params]
            return shapes == self._shapes == [g.shape for g in grads]
        except AttributeError:  # not arrays: the full check says what is wrong
            return False

    def _check(self, params, grads):
        if len(params) != len(grads):
            raise ValueError(
                f"params and grads must list the same number of arrays; got {len(params)} and "
                f"{len(grads)}"
            )
        for i, (p, g) in enumerate(zip(params, grads, strict=True)):
            if not (isinstance(p, np.ndarray) and p.dtype == np.float64):
                kind = f"array of {p.dtype}" if isinstance(p, np.ndarray) else type(p).__name__
                raise ValueError(
                    f"params[{i}] must be a float64 NumPy array (it is updated in place); "
                    f"got a {kind}"
                )
            if np.shape(g) != p.shape:
                raise ValueError(
                    f"grads[{i}] must have the shape of params[{i}], {p.shape}; got {np.shape(g)}"
                )
        shapes = [p.shape for p in params]
        if self.state is not None and shapes != self._shapes:
            raise ValueError(
                f"this {type(self).__name__} keeps state for arrays of shapes {self._shapes}; got "
                f"{shapes}: use a new optimizer for another network"
            )
        if self.state is None:
            self.state = [self._new_state(p) for p in params]
            self._shapes = shapes

    def _update_all(self, params, grads, rate):
        for p, g, state in zip(params, grads, self.state, strict=True):
            self._update(p, g, state, rate)

    def _new_state(self, p):
        return ()

    def _update(self, p, g, state, rate):
        raise NotImplementedError


def optimizer_for(learning_rate, optimizer):
    """What :meth:`MLP.fit` steps with: ``optimizer``, or with None plain gradient descent,
    ``SGD(learning_rate)``."""
    if optimizer is None:
        return SGD(learning_rate)
    if not isinstance(optimizer, Optimizer):
        raise ValueError(
            "optimizer must be an SGD, RMSProp or Adam of backprop_lib.optimizers, or None for "
            f"plain gradient descent at learning_rate; got {optimizer!r}"
        )
    if learning_rate is not None:
        raise ValueError(
            f"give the learning rate once: the optimizer holds it ({optimizer!r}), so pass "
            f"learning_rate=None; got learning_rate={learning_rate!r}"
        )
    return optimizer


class SGD(Optimizer):
    r"""Gradient descent with momentum mu: :math:`b \leftarrow \mu b + g`,
    :math:`\theta \leftarrow \theta - \eta b` (Nesterov: :math:`\theta \leftarrow \theta -
    \eta (g + \mu b)`); b = g at the first step, and mu = 0 is plain gradient descent.

    Parameters
    ----------
    learning_rate : float > 0 or callable
        eta, or a schedule of the step t.
    momentum : float in [0, 1)
    nesterov : bool
        Needs momentum > 0.
    """

    def __init__(self, learning_rate, momentum=0.0, nesterov=False):
        super().__init__(learning_rate)
        self.momentum = check_fraction("momentum", momentum)
        if not isinstance(nesterov, bool):
            raise ValueError(f"nesterov must be True or False; got {nesterov!r}")
        if nesterov and self.momentum == 0:
            raise ValueError("nesterov=True needs a momentum > 0; got momentum=0")
        self.nesterov = nesterov

    def __repr__(self):
        return f"SGD({self.learning_rate!r}, momentum={self.momentum}, nesterov={self.nesterov})"

    def _new_state(self, p):
        return (np.zeros_like(p),) if self.momentum else ()

    def _update_all(self, params, grads, rate):
        if self.momentum:
            super()._update_all(params, grads, rate)
        else:  # plain gradient descent, as fast as a loop written out
            for p, g in zip(params, grads, strict=True):
                p -= rate * g

    def _update(self, p, g, state, rate):
        (b,) = state
        if self.t == 0:
            b[...] = g
        else:
            b *= self.momentum
            b += g
        if self.nesterov:
            p -= rate * (g + self.momentum * b)
        else:
            p -= rate * b


class RMSProp(Optimizer):
    r"""RMSProp: :math:`v \leftarrow \rho v + (1 - \rho) g^2`,
    :math:`\theta \leftarrow \theta - \eta g / (\sqrt{v} + \epsilon)`, from v = 0.

    Parameters
    ----------
    learning_rate : float > 0 or callable
    decay : float in [0, 1)
        rho (torch's alpha).
    epsilon : float > 0
    """

    def __init__(self, learning_rate, decay=0.99, epsilon=1e-8):
        super().__init__(learning_rate)
        self.decay = check_fraction("decay", decay)
        self.epsilon = check_real("epsilon", epsilon, positive=True)

    def __repr__(self):
        return f"RMSProp({self.learning_rate!r}, decay={self.decay}, epsilon={self.epsilon})"

    def _new_state(self, p):
        return np.zeros_like(p), np.empty_like(p)  # v, and room for one temporary

    def _update(self, p, g, state, rate):
        v, work = state
        np.multiply(g, g, out=work)
        work *= 1 - self.decay
        v *= self.decay
        v += work
        np.sqrt(v, out=work)
        work += self.epsilon
        np.divide(g, work, out=work)
        work *= rate
        p -= work


class Adam(Optimizer):
    r"""Adam: :math:`m \leftarrow \beta_1 m + (1 - \beta_1) g`,
    :math:`v \leftarrow \beta_2 v + (1 - \beta_2) g^2`,
    :math:`\theta \leftarrow \theta - \eta \hat m / (\sqrt{\hat v} + \epsilon)` with
    :math:`\hat m = m / (1 - \beta_1^t)`, :math:`\hat v = v / (1 - \beta_2^t)`, from m = v = 0.

    A weight decay lambda_w > 0 first shrinks :math:`\theta \leftarrow (1 - \eta \lambda_w)
    \theta`, apart from the gradient (AdamW); an MLP's ``l2_lambda`` is in g instead.

    Parameters
    ----------
    learning_rate : float > 0 or callable
    beta1, beta2 : float in [0, 1)
    epsilon : float > 0
    weight_decay : float >= 0
    """

    def __init__(self, learning_rate, beta1=0.9, beta2=0.999, epsilon=1e-8, weight_decay=0.0):
        super().__init__(learning_rate)
        self.beta1 = check_fraction("beta1", beta1)
        self.beta2 = check_fraction("beta2", beta2)
        self.epsilon = check_real("epsilon", epsilon, positive=True)
        self.weight_decay = check_real("weight_decay", weight_decay, low=0.0)

    def __repr__(self):
        return (
            f"Adam({self.learning_rate!r}, beta1={self.beta1}, beta2={self.beta2}, "
            f"epsilon={self.epsilon}, weight_decay={self.weight_decay})"
        )

    def _new_state(self, p):
        return np.zeros_like(p), np.zeros_like(p), np.empty_like(p)  # m, v, a temporary

    def _update(self, p, g, state, rate):
        m, v, work = state
        t = self.t + 1
        if self.weight_decay:
            p *= 1 - rate * self.weight_decay
        np.multiply(g, 1 - self.beta1, out=work)
        m *= self.beta1
        m += work
        np.multiply(g, g, out=work)
        work *= 1 - self.beta2
        v *= self.beta2
        v += work
        np.sqrt(v, out=work)  # sqrt(v_hat) + epsilon, then the step
        work /= math.sqrt(1 - self.beta2**t)
        work += self.epsilon
        np.divide(m, work, out=work)
        work *= rate / (1 - self.beta1**t)
        p -= work


# ----- learning-rate schedules: plain functions of the step t = 0, 1, ... ----------------------


def step_decay(t, learning_rate, every, drop=0.1):
    r""":math:`\eta_t = \eta \, \mathrm{drop}^{\lfloor t / E \rfloor}`, E = ``every``.

    The learning rate times ``drop`` every E steps (torch's StepLR).
    """
    check_whole("t", t, 0)
    check_whole("every", every, 1)
    check_real("drop", drop, low=0.0, high=1.0)
    return learning_rate * drop ** (t // every)


def cosine_decay(t, learning_rate, total, final=0.0):
    r""":math:`\eta_t = f + (\eta - f)(1 + \cos(\pi \min(t, T) / T)) / 2`, T = ``total``.

    Half a cosine from eta down to f = ``final`` over T steps, then flat (torch's
    CosineAnnealingLR).
    """
    check_whole("t", t, 0)
    check_whole("total", total, 1)
    check_real("final", final, low=0.0)
    return final + (learning_rate - final) * (1 + math.cos(math.pi * min(t, total) / total)) / 2


def linear_warmup(t, learning_rate, warmup):
    r""":math:`\eta_t = \eta \min(1, (t + 1) / W)`, W = ``warmup``.

    A linear rise over the first W steps, then flat; pass another schedule's rate as
    ``learning_rate`` to warm it up.
    """
    check_whole("t", t, 0)
    check_whole("warmup", warmup, 1)
    return learning_rate * min(1.0, (t + 1) / warmup)
