"""The mini-batch check of notebook 06: right answers written two ways pass, each mistake of
its catalogue gets its diagnosis, and a bad answer gets a message. The library's own backward
pass (model.gradients, with its L2 term moved) was a right answer: it is now refused."""

import numpy as np
import pytest

from backprop_lib import exercises


def data_terms(model, X, Y):
    """The batch's average of the per-example gradients, without the L2 term."""
    Zs, As = model.forward(X)
    L, b = len(model.weights), X.shape[1]
    delta = model.loss_prime(As[L], Y) * model.g_out_prime(Zs[L - 1])
    dWs, dbs = [None] * L, [None] * L
    for l in range(L, 0, -1):
        dWs[l - 1] = delta @ As[l - 1].T / b
        dbs[l - 1] = delta.mean(axis=1, keepdims=True)
        if l > 1:
            delta = model.g_prime(Zs[l - 2]) * (model.weights[l - 1].T @ delta)
    return dWs, dbs


def vectorised(model, X, Y, m):
    """The four equations on the whole batch, then the L2 term of the training set."""
    dWs, dbs = data_terms(model, X, Y)
    lam = model.l2_lambda
    return [dW + lam / m * W for dW, W in zip(dWs, model.weights, strict=True)], dbs


def example_by_example(model, X, Y, m):
    """The four equations one example at a time (after one forward pass), then the means and
    the L2 term."""
    L, b = len(model.weights), X.shape[1]
    Zs, As = model.forward(X)
    dWs = [model.l2_lambda / m * W for W in model.weights]
    dbs = [np.zeros_like(bias) for bias in model.biases]
    for i in range(b):
        z, a = [Z[:, i : i + 1] for Z in Zs], [A[:, i : i + 1] for A in As]
        if model.loss_name == "cross_entropy":
            delta = a[L] - Y[:, i : i + 1]
        else:
            delta = model.loss_prime(a[L], Y[:, i : i + 1]) * model.g_out_prime(z[L - 1])
        for l in range(L, 0, -1):
            dWs[l - 1] = dWs[l - 1] + np.outer(delta, a[l - 1]) / b
            dbs[l - 1] = dbs[l - 1] + delta / b
            if l > 1:
                delta = model.g_prime(z[l - 2]) * (model.weights[l - 1].T @ delta)
    return dWs, dbs


def corrected_library(model, X, Y, m):
    """MLP.gradients on the batch divides lambda by b: move its L2 term to lambda / m."""
    dWs, dbs = model.gradients(X, Y)
    b, lam = X.shape[1], model.l2_lambda
    return [dW - (lam / b - lam / m) * W for dW, W in zip(dWs, model.weights, strict=True)], dbs


def with_l2(scale):
    """The batch's data terms with the L2 term scale(b, m) * lambda * W."""

    def answer(model, X, Y, m):
        dWs, dbs = data_terms(model, X, Y)
        new = scale(X.shape[1], m) * model.l2_lambda
        return [dW + new * W for dW, W in zip(dWs, model.weights, strict=True)], dbs

    return answer


def summed_over_the_batch(model, X, Y, m):
    dWs, dbs = data_terms(model, X, Y)
    b, lam = X.shape[1], model.l2_lambda
    return [b * dW + lam / m * W for dW, W in zip(dWs, model.weights, strict=True)], [
        b * db for db in dbs
    ]


@pytest.mark.parametrize("fn", [vectorised, example_by_example])
@pytest.mark.parametrize("seed", [0, 20])
def test_right_answers_written_two_ways_pass(fn, seed):
    result = exercises.check("minibatch_gradients", fn, seed=seed)
    assert result.passed, result.message


def test_the_librarys_gradients_corrected_are_rejected_as_a_delegation():
    result = exercises.check("minibatch_gradients", corrected_library)
    assert result.message.startswith(
        "wrong: minibatch_gradients called backprop_lib.network.MLP.gradients, the library's "
        "own answer"
    ), result.message


@pytest.mark.parametrize(
    ("fn", "words"),
    [
        (with_l2(lambda b, m: 1 / b), "with m_B = 4 the batch's size"),
        (with_l2(lambda b, m: 0.0), "you left out the L2 term"),
        (with_l2(lambda b, m: 1.0), "your L2 term is lambda W;"),
        (summed_over_the_batch, "you summed the data term over the batch"),
    ],
)
def test_each_mistake_is_rejected_with_its_diagnosis(fn, words):
    result = exercises.check("minibatch_gradients", fn)
    assert result.status == "wrong"
    assert words in result.message, result.message


def test_a_stub_is_not_done_and_none_is_wrong():
    def stub(model, X, Y, m):
        raise NotImplementedError("Write it.")

    def returns_none(*args):
        return None

    assert exercises.check("minibatch_gradients", stub).status == "not done"
    result = exercises.check("minibatch_gradients", returns_none)
    assert result.status == "wrong" and "None" in result.message


def test_an_answer_that_changes_the_model_is_told_so():
    def changes_weights(model, X, Y, m):
        answer = vectorised(model, X, Y, m)
        model.weights[0] += 1.0
        return answer

    result = exercises.check("minibatch_gradients", changes_weights)
    assert result.status == "wrong"
    assert "model.weights[0]" in result.message, result.message
