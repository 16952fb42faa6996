import json

import numpy as np
import pytest

from conftest import WORDS
from forecastrnn.datasets import encode_reviews, load_imdb, tokenize
from forecastrnn.models.text import SentimentClassifier


def test_tokenize_lowercases_and_drops_markup():
    assert tokenize("Don't<br />miss it, GREAT film!") == ["don't", "miss", "it", "great", "film"]


def test_encoding_follows_keras_conventions():
    index = {w: i + 1 for i, w in enumerate(WORDS)}  # "the" has rank 1 -> id 4
    (ids,) = encode_reviews(["The film was unknownword"], index, num_words=10)
    # start=1, the -> 1+3, film -> 4+3, was -> rank 23 + 3 >= num_words -> oov 2, unknown -> oov 2
    assert ids.tolist() == [1, 4, 7, 2, 2]


@pytest.mark.parametrize("kind", ["folder", "archive"])
def test_load_imdb_from_folder_and_archive(imdb_tree, kind):
    (x_train, y_train), (x_test, y_test) = load_imdb(num_words=20, maxlen=8, source=imdb_tree[kind])
    assert x_train.shape == (24, 8) and x_test.shape == (24, 8) and x_train.dtype == np.int32
    assert sorted(np.bincount(y_train).tolist()) == [12, 12]
    assert (x_train[:, 0] == 1).sum() >= 12  # short reviews start with the start id
    assert x_train.max() < 20 and (x_train == 2).any()  # num_words cut -> oov ids
    lengths = (x_train > 0).sum(axis=1)
    for row, n in zip(x_train, lengths):  # post-padding: real ids first, zeros after
        assert (row[:n] > 0).all() and (row[n:] == 0).all()


def test_same_reviews_from_folder_and_archive(imdb_tree):
    a = load_imdb(num_words=30, maxlen=12, source=imdb_tree["folder"])
    b = load_imdb(num_words=30, maxlen=12, source=imdb_tree["archive"])
    for (xa, ya), (xb, yb) in zip(a, b):
        assert sorted(map(tuple, xa)) == sorted(map(tuple, xb)) and ya.sum() == yb.sum()


def test_truncation_and_max_samples(imdb_tree):
    (x_pre, _), _ = load_imdb(num_words=30, maxlen=3, source=imdb_tree["folder"], seed=0)
    (x_post, _), _ = load_imdb(num_words=30, maxlen=3, source=imdb_tree["folder"], seed=0,
                               truncating="post")
    assert (x_post[:, 0] == 1).all() and not (x_pre[:, 0] == 1).all()
    (x, y), (xt, yt) = load_imdb(source=imdb_tree["archive"], max_samples=5)
    assert len(x) == len(y) == len(xt) == 5


def test_loader_errors(imdb_tree, tmp_path):
    with pytest.raises(FileNotFoundError, match="IMDB data not found"):
        load_imdb(source=tmp_path / "nope")
    broken = tmp_path / "broken"
    (broken / "train" / "pos").mkdir(parents=True)
    with pytest.raises(ValueError, match="without train/neg"):
        load_imdb(source=broken, word_index=imdb_tree["word_index"])
    not_archive = tmp_path / "reviews.txt"
    not_archive.write_text("hello")
    with pytest.raises(ValueError, match="Expected an aclImdb folder"):
        load_imdb(source=not_archive, word_index=imdb_tree["word_index"])


def separable(n=400, length=12, seed=0):
    """Sequences of ids 3..19 with a marker id: 20 means positive, 21 negative; variable length."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    x = np.zeros((n, length), dtype="int32")
    for i in range(n):
        k = rng.integers(3, length + 1)
        x[i, :k] = rng.integers(3, 20, k)
        x[i, rng.integers(0, k)] = 20 if y[i] else 21
    return x, y


@pytest.mark.slow
@pytest.mark.parametrize("cell, bidirectional, adversarial",
                         [("lstm", False, 0.0), ("gru", True, 0.0), ("simplernn", False, 0.0), ("lstm", False, 0.3)])
def test_classifier_learns_a_separable_task(cell, bidirectional, adversarial):
    x, y = separable()
    clf = SentimentClassifier(cell=cell, units=8, bidirectional=bidirectional, embedding_dim=8,
                              adversarial=adversarial, num_words=22, maxlen=12, epochs=15, learning_rate=0.01,
                              patience=5, random_state=0, verbose=0).fit(x, y)
    x_test, y_test = separable(200, seed=1)
    scores = clf.evaluate(x_test, y_test)
    assert scores["accuracy"] > 0.9, scores
    labels = clf.predict(x_test)
    assert labels.dtype == np.int64 and (labels == y_test).mean() > 0.9
    # predictions come back in input order although batches are grouped by review length,
    # and equal those of the full-width padded reviews (padding is masked)
    full = clf.model_.predict(x_test, verbose=0)[:, 0]
    np.testing.assert_allclose(clf.predict_proba(x_test), full, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("adversarial", [0.0, 0.3])
def test_same_random_state_gives_the_same_classifier(adversarial):
    x, y = separable(96)
    params = dict(units=4, embedding_dim=4, adversarial=adversarial, num_words=22, maxlen=12, epochs=2,
                  batch_size=16, verbose=0)
    first, again = (SentimentClassifier(random_state=3, **params).fit(x, y).predict_proba(x) for _ in range(2))
    np.testing.assert_array_equal(first, again)
    other = SentimentClassifier(random_state=4, **params).fit(x, y).predict_proba(x)
    assert not np.array_equal(first, other)


@pytest.mark.slow
def test_predict_text_save_and_load(imdb_tree, tmp_path):
    (x, y), _ = load_imdb(num_words=30, maxlen=12, source=imdb_tree["archive"])
    clf = SentimentClassifier(units=4, embedding_dim=4, num_words=30, maxlen=12, epochs=1,
                              random_state=0, verbose=0).fit(x, y, word_index=imdb_tree["word_index"])
    texts = ["Great wonderful film", "awful boring movie"]
    proba = clf.predict_text(texts)
    assert proba.shape == (2,) and ((proba > 0) & (proba < 1)).all()
    clf.save(tmp_path / "clf")
    state = json.loads((tmp_path / "clf" / "state.json").read_text())
    assert state["params"]["num_words"] == 30 and "great" in state["state"]["word_index"]
    loaded = SentimentClassifier.load(tmp_path / "clf")
    np.testing.assert_allclose(loaded.predict_text(texts), proba, rtol=1e-6)
    with pytest.raises(FileExistsError):
        clf.save(tmp_path / "clf")


def test_classifier_errors():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        SentimentClassifier().predict_proba(np.ones((1, 3), "int32"))
    clf = SentimentClassifier(num_words=10)
    with pytest.raises(ValueError, match=r"Token ids must lie in \[0, num_words=10\). Received: ids from 0 to 12"):
        clf.fit(np.array([[1, 12, 0]]), [1])
    with pytest.raises(ValueError, match="one 0/1 label per sequence"):
        clf.fit(np.array([[1, 2, 0]]), [3])
    with pytest.raises(ValueError, match=r"`adversarial` must be a number >= 0.*Received: adversarial=-0.1"):
        SentimentClassifier(num_words=10, adversarial=-0.1).fit(np.array([[1, 2, 0]]), [1])
