"""The SimpleRNN recurrence in numpy, checked against keras.layers.SimpleRNN.

For one sequence x_1..x_T the layer computes h_t = tanh(W x_t + U h_{t-1} + b), h_0 = 0, and
returns h_T (or every h_t with return_sequences=True). Keras stores W as ``kernel`` with shape
(input_dim, units), U as ``recurrent_kernel`` (units, units) and b as ``bias`` (units,).

    python examples/numpy_rnn.py
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402


def simple_rnn(x, kernel, recurrent_kernel, bias):
    """All hidden states of a SimpleRNN over ``x`` of shape (timesteps, input_dim)."""
    h = np.zeros(recurrent_kernel.shape[0])
    states = []
    for x_t in x:
        h = np.tanh(x_t @ kernel + h @ recurrent_kernel + bias)
        states.append(h)
    return np.stack(states)


def main():
    rng = np.random.default_rng(0)
    timesteps, input_dim, units = 12, 5, 8
    x = rng.normal(size=(timesteps, input_dim)).astype("float32")
    layer = keras.layers.SimpleRNN(units, return_sequences=True)
    layer.build((None, timesteps, input_dim))
    kernel = rng.normal(scale=0.4, size=(input_dim, units)).astype("float32")
    recurrent = rng.normal(scale=0.4, size=(units, units)).astype("float32")
    bias = rng.normal(scale=0.1, size=units).astype("float32")
    layer.set_weights([kernel, recurrent, bias])

    ours = simple_rnn(x, kernel, recurrent, bias)
    theirs = np.asarray(layer(x[None]))[0]
    diff = np.abs(ours - theirs).max()
    print(f"numpy hidden states {ours.shape}, Keras {theirs.shape}; largest difference {diff:.2e}")
    print("last hidden state (numpy):", np.round(ours[-1], 4))
    assert np.allclose(ours, theirs, atol=1e-5), "numpy and Keras disagree"
    print("numpy and keras.layers.SimpleRNN agree to float tolerance")


if __name__ == "__main__":
    main()
