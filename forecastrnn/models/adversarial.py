"""Adversarial training on word embeddings (Miyato, Dai & Goodfellow, ICLR 2017).

Each training step adds, to the usual loss, the loss of the same batch with its embedded
reviews pushed a small distance ``epsilon`` in the direction that hurts the prediction most
(the gradient of the loss with respect to the embeddings, L2-normalised over each review's
real steps). The network has to give the same answer for every review within that distance,
which regularises it far better than dropout does on IMDB (see benchmarks/BENCHMARKS.md).
Prediction is unchanged: the trained network is the plain token model.
"""

from __future__ import annotations

import inspect

from forecastrnn._tf import tensorflow

tf = tensorflow()
import keras  # noqa: E402  (after the quiet TensorFlow import)


def _unit_per_sequence(grad, mask):
    """``grad`` (batch, steps, dim) scaled to L2 norm 1 per sequence over its unmasked steps."""
    grad = grad * tf.cast(mask, grad.dtype)[:, :, None]
    norm = tf.sqrt(tf.reduce_sum(tf.square(grad), axis=[1, 2], keepdims=True))
    return grad / (norm + 1e-12)


class AdversarialEmbeddingTrainer(keras.Model):
    """Train ``model`` adversarially on its embedded inputs.

    ``model`` is a chain ``Input -> Embedding(mask_zero=True) -> layers...`` as
    :func:`~forecastrnn.models.builders.build_recurrent_model` makes it for token input.
    ``fit``, ``evaluate`` and ``predict`` of this wrapper run ``model`` itself; only the
    training step differs. The wrapper shares ``model``'s weights, so ``model`` is the result
    (save and load ``model``, not the wrapper). Compile the wrapper like the model.

    The first ``plain_steps`` training steps are plain (no push): a network at chance level
    gives the push nothing to resist, and a push from the first step can keep it there for
    several epochs.
    """

    def __init__(self, model, epsilon, plain_steps=0, **kwargs):
        super().__init__(**kwargs)
        if not epsilon > 0:
            raise ValueError(f"`epsilon` must be positive. Received: epsilon={epsilon!r}")
        self.net = model
        self.epsilon = float(epsilon)
        self.plain_steps = int(plain_steps)
        self.embedding = model.layers[1]
        if not isinstance(self.embedding, keras.layers.Embedding):
            raise ValueError("AdversarialEmbeddingTrainer needs a model whose first layer is an "
                             f"Embedding. Received: {type(self.embedding).__name__}")
        # The same layers (and weights) after the embedding, as a model of (embedded, mask).
        embedded = keras.Input((None, self.embedding.output_dim))
        mask = keras.Input((None,), dtype="bool")
        x = embedded
        for layer in model.layers[2:]:
            takes_mask = "mask" in inspect.signature(layer.call).parameters
            x = layer(x, mask=mask) if takes_mask else layer(x)
        self.body = keras.Model([embedded, mask], x)

    def call(self, ids, training=False):
        return self.net(ids, training=training)

    def train_step(self, data):
        ids, y = data
        mask = tf.not_equal(ids, 0)
        with tf.GradientTape() as tape:
            embedded = tf.gather(self.embedding.embeddings, ids)  # no mask attached
            with tf.GradientTape() as inner:
                inner.watch(embedded)
                y_pred = self.body([embedded, mask], training=True)
                loss = self.compute_loss(x=ids, y=y, y_pred=y_pred)

            def adversarial_loss():
                push = tf.stop_gradient(_unit_per_sequence(inner.gradient(loss, embedded), mask))
                y_adv = self.body([embedded + self.epsilon * push, mask], training=True)
                return self.compute_loss(x=ids, y=y, y_pred=y_adv)

            total = loss + tf.cond(self.optimizer.iterations >= self.plain_steps, adversarial_loss,
                                   lambda: tf.zeros_like(loss))
        self.optimizer.apply(tape.gradient(total, self.trainable_variables), self.trainable_variables)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
        return self.compute_metrics(ids, y, y_pred)
