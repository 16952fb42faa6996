"""``SentimentClassifier``: binary sequence classification of token ids (IMDB reviews).

It uses the same :func:`~forecastrnn.models.builders.build_recurrent_model` as the
forecaster, with token input: ``Embedding(num_words, embedding_dim, mask_zero=True)`` ->
recurrent layer(s) -> one sigmoid unit. Id 0 is padding and is masked, so padded steps do not
change the prediction; post-padded inputs keep the cuDNN kernel usable on GPU.

Training and prediction feed the network batches of reviews of similar length, each cut to
its longest review (:func:`~forecastrnn.data.masking.length_batches`): most IMDB reviews are
far shorter than the 500 padded steps, and steps that are never computed cost nothing.
"""

from __future__ import annotations

import os

import numpy as np
from sklearn.base import BaseEstimator

from forecastrnn._tf import compile_built
from forecastrnn.data.masking import length_batches, pad_sequences
from forecastrnn.data.windows import check_positive_int
from forecastrnn.persistence import Persistent


class SentimentClassifier(Persistent, BaseEstimator):
    """Recurrent binary classifier of padded token id sequences.

    Parameters
    ----------
    cell : {"gru", "lstm", "simplernn"}
    units : int or list of int
        Units per recurrent layer; a list stacks layers.
    bidirectional : bool
    embedding_dim : int
    pooling : {"last", "mean", "max"}
        Classify from the final state, or from the mean or maximum of the outputs over the
        real (unmasked) steps (see benchmarks/BENCHMARKS.md for IMDB figures of each).
    dropout, recurrent_dropout : float in [0, 1)
    adversarial : float
        Size ``epsilon`` of the adversarial push on the embedded reviews during training
        (:class:`~forecastrnn.models.adversarial.AdversarialEmbeddingTrainer`), after a first
        plain epoch (so ``epochs=1`` trains plainly); 0 trains plainly. 0.3 (with
        ``epochs=10, patience=3, validation_size=0.1``) takes an LSTM from 86.8 % to 89.5 %
        test accuracy on IMDB, each adversarial epoch taking about twice as long
        (benchmarks/BENCHMARKS.md). It does not suit ``cell="simplernn"`` (84 % -> 77 %).
    num_words : int
        Vocabulary size: ids must be below it (``load_imdb(num_words=...)``).
    maxlen : int
        Length that ``predict_text`` pads/truncates raw reviews to.
    epochs, batch_size, learning_rate, patience : training settings (Adam, EarlyStopping on the
        validation accuracy with the best weights restored).
    validation_size : float
        Share of the training reviews held out (after a seeded shuffle) for early stopping
        (the forecasters' name for the same idea; there the rows are the last ones in time).
    random_state : int or None
    verbose : "auto", 0, 1 or 2

    Attributes
    ----------
    model_ : keras.Model
    history_ : dict of per-epoch metrics
    word_index_ : dict or None
        The words (rank < ``num_words - 3``) used by :meth:`predict_text`.

    Examples
    --------
    >>> from forecastrnn.datasets import load_imdb  # doctest: +SKIP
    >>> (x, y), (x_test, y_test) = load_imdb(source="aclImdb_v1.tar.gz")  # doctest: +SKIP
    >>> clf = SentimentClassifier(cell="lstm", epochs=3).fit(x, y)  # doctest: +SKIP
    >>> clf.evaluate(x_test, y_test)["accuracy"]  # doctest: +SKIP
    """

    def __init__(self, cell="lstm", units=32, bidirectional=False, embedding_dim=32, pooling="last",
                 dropout=0.0, recurrent_dropout=0.0, adversarial=0.0, num_words=10000, maxlen=500,
                 epochs=3, batch_size=64, learning_rate=1e-3, patience=2, validation_size=0.2,
                 random_state=None, verbose="auto"):
        self.cell = cell
        self.units = units
        self.bidirectional = bidirectional
        self.embedding_dim = embedding_dim
        self.pooling = pooling
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout
        self.adversarial = adversarial
        self.num_words = num_words
        self.maxlen = maxlen
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.patience = patience
        self.validation_size = validation_size
        self.random_state = random_state
        self.verbose = verbose

    @property
    def name(self) -> str:
        return f"{'bi' if self.bidirectional else ''}{self.cell}"

    def _ids(self, x) -> np.ndarray:
        """Validated int32 array (n, length); ragged lists are post-padded to ``maxlen``."""
        if isinstance(x, np.ndarray) and x.ndim == 2:
            ids = x.astype("int32", copy=False)
        else:
            ids, _ = pad_sequences(list(x), maxlen=self.maxlen, padding="post")
        if ids.size and (ids.min() < 0 or ids.max() >= self.num_words):
            raise ValueError(f"Token ids must lie in [0, num_words={self.num_words}). "
                             f"Received: ids from {ids.min()} to {ids.max()}")
        return ids

    def fit(self, x, y, word_index=None):
        """Train on token ids ``x`` (n, length) and labels ``y`` (n,) in {0, 1}.

        ``word_index`` (a dict or the path of ``imdb_word_index.json``) enables
        :meth:`predict_text`. Returns ``self``.
        """
        from forecastrnn._tf import tensorflow

        tensorflow()
        import keras

        from forecastrnn.models.builders import build_recurrent_model

        ids, labels = self._ids(x), np.asarray(y)
        if len(ids) != len(labels) or not np.isin(labels, (0, 1)).all():
            raise ValueError(f"`y` must hold one 0/1 label per sequence. Received: {len(labels)} labels "
                             f"with values {np.unique(labels)[:5].tolist()} for {len(ids)} sequences")
        for arg in ("epochs", "batch_size", "num_words"):
            check_positive_int(getattr(self, arg), arg)
        if isinstance(self.adversarial, bool) or not isinstance(self.adversarial, (int, float)) \
                or not self.adversarial >= 0:
            raise ValueError("`adversarial` must be a number >= 0 (0: no adversarial training). "
                             f"Received: adversarial={self.adversarial!r}")
        if self.random_state is not None:
            keras.utils.set_random_seed(int(self.random_state))
        order = np.random.default_rng(self.random_state).permutation(len(ids))
        n_val = int(round(len(ids) * self.validation_size))
        val, train = order[:n_val], order[n_val:]
        self.model_ = build_recurrent_model(
            vocab_size=self.num_words, cell=self.cell, units=self.units,
            bidirectional=self.bidirectional, embedding_dim=self.embedding_dim, pooling=self.pooling,
            dropout=self.dropout,
            recurrent_dropout=self.recurrent_dropout, head="binary", seed=self.random_state,
            name=self.name)
        rng = np.random.default_rng(self.random_state)
        targets = labels.astype("float32")
        train_data = _dataset(ids[train], targets[train], self.batch_size, rng)
        trainer = self.model_
        if self.adversarial:
            from forecastrnn.models.adversarial import AdversarialEmbeddingTrainer

            trainer = AdversarialEmbeddingTrainer(self.model_, self.adversarial,
                                                  plain_steps=int(train_data.cardinality()))
        compile_built(trainer, keras.optimizers.Adam(self.learning_rate), loss="binary_crossentropy",
                      metrics=["accuracy"])
        monitor = "val_accuracy" if n_val else "accuracy"
        stop = keras.callbacks.EarlyStopping(monitor=monitor, mode="max", patience=self.patience,
                                             restore_best_weights=True)
        history = trainer.fit(
            train_data, epochs=self.epochs, shuffle=False, callbacks=[stop], verbose=self.verbose,
            validation_data=_dataset(ids[val], targets[val], 256) if n_val else None)
        self.history_ = {k: [float(v) for v in vals] for k, vals in history.history.items()}
        self.word_index_ = None
        if word_index is not None:
            from forecastrnn.datasets import INDEX_FROM, load_word_index

            index = load_word_index(word_index) if isinstance(word_index, (str, os.PathLike)) else word_index
            self.word_index_ = {w: int(r) for w, r in index.items() if int(r) + INDEX_FROM < self.num_words}
        return self

    def predict_proba(self, x) -> np.ndarray:
        """Probability of a positive review for each sequence; shape (n,)."""
        self._check_fitted()
        ids = self._ids(x)
        proba = np.empty(len(ids), dtype="float32")
        for rows, end in length_batches(ids, 256):
            proba[rows] = np.asarray(self.model_.predict_on_batch(ids[rows, :end]))[:, 0]
        return proba

    def predict(self, x) -> np.ndarray:
        """Labels 1 (positive) or 0 (negative); shape (n,)."""
        return (self.predict_proba(x) >= 0.5).astype("int64")

    def evaluate(self, x, y) -> dict:
        """``{"accuracy": .., "loss": ..}`` (binary cross-entropy) on labelled sequences."""
        self._check_fitted()
        proba = np.clip(self.predict_proba(x).astype("float64"), 1e-7, 1 - 1e-7)
        y = np.asarray(y)
        loss = -np.mean(y * np.log(proba) + (1 - y) * np.log(1 - proba))
        return {"accuracy": float(np.mean((proba >= 0.5) == y)), "loss": float(loss)}

    def predict_text(self, texts) -> np.ndarray:
        """Positive-review probabilities of raw texts, tokenised like IMDB (see ``tokenize``)."""
        self._check_fitted()
        if self.word_index_ is None:
            raise ValueError("predict_text needs the word index. Received: none; pass "
                             "word_index=... to fit (e.g. the path of imdb_word_index.json)")
        if isinstance(texts, str):
            texts = [texts]
        from forecastrnn.datasets import encode_reviews

        ids, _ = pad_sequences(encode_reviews(texts, self.word_index_, self.num_words),
                               maxlen=self.maxlen, padding="post")
        return self.predict_proba(ids)

    _format_version = 2

    @staticmethod
    def _load_network(file):
        from forecastrnn.models.builders import load_network

        return load_network(file)

    def _get_state(self) -> dict:
        return {"history": self.history_, "word_index": self.word_index_}

    def _set_state(self, state: dict) -> None:
        self.history_ = dict(state["history"])
        self.word_index_ = None if state["word_index"] is None else dict(state["word_index"])


def _dataset(ids, labels, batch_size, rng=None):
    """tf.data batches of ``length_batches``, each cut to its longest review.

    With ``rng`` the batches are reshuffled at every epoch (training); without, they come in
    the fixed order of ``length_batches(ids, batch_size)`` (validation).
    """
    from forecastrnn._tf import tensorflow

    tf = tensorflow()

    def batches():
        for rows, end in length_batches(ids, batch_size, shuffle=rng is not None, rng=rng):
            yield ids[rows, :end], labels[rows]

    signature = (tf.TensorSpec((None, None), tf.int32), tf.TensorSpec((None,), tf.float32))
    n_batches = -(-len(ids) // batch_size)
    return (tf.data.Dataset.from_generator(batches, output_signature=signature)
            .apply(tf.data.experimental.assert_cardinality(n_batches)).prefetch(2))
