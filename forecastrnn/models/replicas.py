"""Training across machines: a training step inside ``strategy.run``, for the strategies under
which Keras 3's ``model.fit`` fails.

With TensorFlow 2.21 / Keras 3.15, ``fit`` and ``evaluate`` under
``MultiWorkerMirroredStrategy`` fail (keras-team/keras#20585; measured here: Keras' symbolic
build reduces a ``PerReplica`` batch it cannot convert, and past that Adam's update step runs
outside the strategy's scope), while ``predict`` works. :class:`ReplicaTrainer` trains the
compiled model with the same loss, optimizer, epochs, validation loss and callbacks (early
stopping, learning-rate schedule, backups) through a step of its own that the strategy runs
on every replica: still the TensorFlow engine, still Keras' optimizer and callbacks.

Only imported inside ``fit`` (it imports TensorFlow).
"""

from __future__ import annotations

import keras
import tensorflow as tf


class ReplicaTrainer:
    """Trains and evaluates ``model`` (compiled under ``strategy.scope()``) as ``fit`` and
    ``evaluate`` would: the compiled loss (mean over the non-batch axes, times the sample
    weight when the batches carry one), the compiled optimizer, Keras callbacks.

    Batches are ``(x, y)`` or ``(x, y, sample_weight)`` global batches, which the strategy
    splits over its replicas.
    """

    def __init__(self, model, strategy):
        self.model, self.strategy = model, strategy
        self.loss_fn = keras.losses.get(model.loss)
        with strategy.scope():
            model.optimizer.build(model.trainable_variables)
        self._train_step = tf.function(lambda batch: self._sum(self._replica_train_step, batch))
        self._eval_step = tf.function(lambda batch: self._sum(self._replica_losses, batch))

    def _replica_losses(self, x, y, *weight):
        """Per-example losses (b,) and the replica's batch size."""
        loss = self.loss_fn(y, self.model(x, training=False))
        return self._per_example(loss, weight)

    def _per_example(self, loss, weight):
        if weight:
            loss = loss * weight[0]
        return tf.reduce_mean(tf.reshape(loss, (tf.shape(loss)[0], -1)), axis=1)

    def _replica_train_step(self, x, y, *weight):
        variables = self.model.trainable_variables
        with tf.GradientTape() as tape:
            losses = self._per_example(self.loss_fn(y, self.model(x, training=True)), weight)
            loss = tf.nn.compute_average_loss(losses)  # divided by the global batch
        self.model.optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return losses

    def _sum(self, replica_fn, batch):
        """(sum of the per-example losses, number of examples) over every replica."""
        def step(*batch):
            losses = replica_fn(*batch)
            return tf.reduce_sum(losses), tf.cast(tf.size(losses), tf.float32)

        total, count = self.strategy.run(step, args=tuple(batch))
        add = tf.distribute.ReduceOp.SUM
        return self.strategy.reduce(add, total, axis=None), self.strategy.reduce(add, count, axis=None)

    @staticmethod
    def _mean(step_fn, batches) -> float:
        total = count = 0.0
        for batch in batches:
            t, c = step_fn(batch)
            total, count = total + float(t), count + float(c)
        return total / max(count, 1.0)

    def evaluate(self, ds) -> float:
        """The mean loss over the examples of ``ds`` (Keras' ``evaluate``)."""
        return self._mean(self._eval_step, self.strategy.experimental_distribute_dataset(ds))

    def fit(self, train_ds, val_ds, epochs, steps_per_epoch, callbacks, verbose=0) -> dict:
        """``model.fit`` for ``epochs`` epochs of ``steps_per_epoch`` batches from ``train_ds``
        (every epoch's batches one after the other: ``make_dataset(epochs=...)``). The loss is
        the mean over the epoch's examples, each measured in its training step, as Keras
        reports it. Returns the history ``{"loss", "val_loss", "learning_rate"}``."""
        model = self.model
        listed = keras.callbacks.CallbackList(callbacks, add_progbar=verbose != 0, model=model, epochs=epochs,
                                              steps=steps_per_epoch, verbose=verbose)
        model.stop_training = False
        listed.on_train_begin()
        first = getattr(model, "_initial_epoch", None) or 0  # BackupAndRestore sets it on a resumed run
        batches = iter(self.strategy.experimental_distribute_dataset(train_ds))
        history: dict[str, list[float]] = {}
        for epoch in range(first, epochs):
            listed.on_epoch_begin(epoch)
            logs = {"loss": self._mean(self._train_step, _take(batches, steps_per_epoch))}
            if val_ds is not None:
                logs["val_loss"] = self.evaluate(val_ds)
            logs["learning_rate"] = float(model.optimizer.learning_rate.numpy())
            for key, value in logs.items():
                history.setdefault(key, []).append(value)
            listed.on_epoch_end(epoch, logs)
            if model.stop_training:
                break
        listed.on_train_end()
        return history


def _take(batches, n):
    """The next ``n`` batches, raising a Ctrl-C or SIGTERM that arrived meanwhile between them."""
    from forecastrnn import interrupts

    for _ in range(n):
        interrupts.check()
        yield next(batches)
