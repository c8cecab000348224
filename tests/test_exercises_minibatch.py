"""The mini-batch check of notebook 06: right answers written two ways pass, each mistake of
its catalogue gets its diagnosis, and a bad answer gets a message."""

import numpy as np
import pytest

from backprop_lib import exercises


def corrected_library(model, X, Y, m):
    """MLP.gradients on the batch divides lambda by b: move its L2 term to lambda / m."""
    dWs, dbs = model.gradients(X, Y)
    b, lam = X.shape[1], model.l2_lambda
    return [dW - (lam / b - lam / m) * W for dW, W in zip(dWs, model.weights, strict=True)], dbs


def example_by_example(model, X, Y, m):
    """The four equations, one example at a time, then the means and the L2 term."""
    L, b = len(model.weights), X.shape[1]
    dWs = [model.l2_lambda / m * W for W in model.weights]
    dbs = [np.zeros_like(bias) for bias in model.biases]
    for i in range(b):
        Zs, As = model.forward(X[:, i : i + 1])
        if model.loss_name == "cross_entropy":
            delta = As[L] - Y[:, i : i + 1]
        else:
            delta = model.loss_prime(As[L], Y[:, i : i + 1]) * model.g_out_prime(Zs[L - 1])
        for l in range(L, 0, -1):
            dWs[l - 1] = dWs[l - 1] + np.outer(delta, As[l - 1]) / b
            dbs[l - 1] = dbs[l - 1] + delta / b
            if l > 1:
                delta = model.g_prime(Zs[l - 2]) * (model.weights[l - 1].T @ delta)
    return dWs, dbs


def with_l2(scale):
    """The library's gradients with the L2 term changed to scale(b, m) * lambda * W."""

    def answer(model, X, Y, m):
        dWs, dbs = model.gradients(X, Y)
        b, lam = X.shape[1], model.l2_lambda
        new = scale(b, m)
        return [dW + (new - 1 / b) * lam * W for dW, W in zip(dWs, model.weights, strict=True)], dbs

    return answer


def summed_over_the_batch(model, X, Y, m):
    dWs, dbs = corrected_library(model, X, Y, m)
    b, lam = X.shape[1], model.l2_lambda
    summed = [
        b * (dW - lam / m * W) + lam / m * W for dW, W in zip(dWs, model.weights, strict=True)
    ]
    return summed, [b * db for db in dbs]


@pytest.mark.parametrize("fn", [corrected_library, example_by_example])
@pytest.mark.parametrize("seed", [0, 20])
def test_right_answers_written_two_ways_pass(fn, seed):
    result = exercises.check("minibatch_gradients", fn, seed=seed)
    assert result.passed, result.message


@pytest.mark.parametrize(
    ("fn", "words"),
    [
        (with_l2(lambda b, m: 1 / b), "with b = 4 the batch's size"),
        (with_l2(lambda b, m: 0.0), "you left out the L2 term"),
        (with_l2(lambda b, m: 1.0), "your L2 term is lambda W^l"),
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

    assert exercises.check("minibatch_gradients", stub).status == "not done"
    result = exercises.check("minibatch_gradients", lambda *args: None)
    assert result.status == "wrong" and "None" in result.message


def test_an_answer_that_changes_the_model_is_told_so():
    def changes_weights(model, X, Y, m):
        answer = corrected_library(model, X, Y, m)
        model.weights[0] += 1.0
        return answer

    result = exercises.check("minibatch_gradients", changes_weights)
    assert result.status == "wrong"
    assert "model.weights[0]" in result.message, result.message
