r"""Notebook 03, computed: the network with one layer of sigmoid hidden units."""

from ..network import MLP


def train_hidden_layer(X, Y, units, learning_rate, epochs, seed=0):
    r"""Train notebook 03's network: one layer of sigmoid hidden units, sigmoid outputs.

    The 2-3-2 network of the course notes, with ``units`` hidden units and as many inputs
    and outputs as X and Y have rows, trained by full-batch gradient descent on the cost
    :math:`J = \frac1m \sum_i \tfrac12 \sum_k (a^{2,(i)}_k - y^{(i)}_k)^2` (half the squared
    error).

    Parameters
    ----------
    X : ndarray of shape (n_0, m)
    Y : ndarray of shape (n_2, m)
    units : int >= 1
        Units in the hidden layer.
    learning_rate : float > 0
    epochs : int >= 1
    seed : int
        Seeds the initial weights, so the same arguments give the same model.

    Returns
    -------
    model : MLP
        The trained network, layer sizes [n_0, units, n_2].
    costs : ndarray of shape (epochs,)
        The cost before each epoch's step.
    """
    model = MLP(
        [X.shape[0], units, Y.shape[0]],
        hidden_activation="sigmoid",
        output_activation="sigmoid",
        loss="half_squared_error",
        seed=seed,
    )
    return model, model.fit(X, Y, learning_rate, epochs)
