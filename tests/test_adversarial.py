"""Adversarial training on embeddings: the push, the re-wired body, and the training step."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from forecastrnn.models.adversarial import AdversarialEmbeddingTrainer, _unit_per_sequence
from forecastrnn.models.builders import build_recurrent_model

IDS = np.array([[5, 3, 9, 2, 0, 0], [7, 1, 0, 0, 0, 0], [4, 4, 8, 6, 3, 1]], dtype="int32")


def test_push_has_unit_norm_per_review_and_skips_padding():
    grad = tf.random.stateless_normal((3, 6, 4), seed=(1, 2))
    push = _unit_per_sequence(grad, tf.not_equal(IDS, 0)).numpy()
    np.testing.assert_allclose(np.sqrt((push ** 2).sum(axis=(1, 2))), 1.0, rtol=1e-5)
    assert (push[IDS == 0] == 0).all()


@pytest.mark.parametrize("options", [dict(cell="lstm"),
                                     dict(cell="gru", units=[4, 3], bidirectional=True, pooling="max"),
                                     dict(cell="simplernn", pooling="mean")])
def test_body_on_the_embeddings_equals_the_model(options):
    model = build_recurrent_model(vocab_size=10, embedding_dim=4, head="binary", seed=0, **options)
    trainer = AdversarialEmbeddingTrainer(model, 0.3)
    embedded = tf.gather(trainer.embedding.embeddings, IDS)
    body = trainer.body([embedded, tf.not_equal(IDS, 0)]).numpy()
    np.testing.assert_allclose(body, model(IDS).numpy(), rtol=1e-5, atol=1e-6)


def test_push_raises_the_loss_and_training_updates_the_shared_model():
    keras.utils.set_random_seed(0)
    model = build_recurrent_model(vocab_size=10, cell="lstm", units=4, embedding_dim=4, head="binary")
    trainer = AdversarialEmbeddingTrainer(model, 0.5)
    y = np.array([1.0, 0.0, 1.0], dtype="float32")
    mask = tf.not_equal(IDS, 0)
    embedded = tf.gather(trainer.embedding.embeddings, IDS)
    loss = keras.losses.BinaryCrossentropy()
    with tf.GradientTape() as tape:
        tape.watch(embedded)
        clean = loss(y, trainer.body([embedded, mask]))
    push = _unit_per_sequence(tape.gradient(clean, embedded), mask)
    assert float(loss(y, trainer.body([embedded + 0.5 * push, mask]))) > float(clean)

    before = [w.copy() for w in model.get_weights()]
    trainer.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
    history = trainer.fit(IDS, y, epochs=2, verbose=0)
    assert set(history.history) == {"loss", "accuracy"} and history.history["loss"][0] > 0
    assert all(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    np.testing.assert_allclose(trainer.predict(IDS, verbose=0), model.predict(IDS, verbose=0))


def test_first_plain_steps_train_exactly_like_the_plain_model():
    y = np.array([1.0, 0.0, 1.0], dtype="float32")

    def trained(plain_steps):
        keras.utils.set_random_seed(0)
        model = build_recurrent_model(vocab_size=10, cell="gru", units=4, embedding_dim=4, head="binary")
        trainer = model if plain_steps is None else AdversarialEmbeddingTrainer(model, 0.5, plain_steps)
        trainer.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
        trainer.fit(IDS, y, epochs=3, batch_size=3, shuffle=False, verbose=0)
        return model.get_weights()

    plain = trained(None)
    for a, b in zip(plain, trained(plain_steps=3)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)
    assert not all(np.allclose(a, b) for a, b in zip(plain, trained(plain_steps=2)))


def test_needs_an_embedding_and_a_positive_epsilon():
    model = build_recurrent_model(input_shape=(5, 1), head="binary")
    with pytest.raises(ValueError, match="first layer is an Embedding. Received: GRU"):
        AdversarialEmbeddingTrainer(model, 0.3)
    token_model = build_recurrent_model(vocab_size=10, head="binary")
    with pytest.raises(ValueError, match="`epsilon` must be positive. Received: epsilon=0"):
        AdversarialEmbeddingTrainer(token_model, 0)
