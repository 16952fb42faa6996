"""IMDB sentiment with variable-length reviews: what masking does, on full-width batches.

Reviews are post-padded with id 0 and the Embedding layer masks that id (mask_zero=True), so
the recurrent layer skips the padding. This script feeds one review, padded to several
lengths, to the trained network as full-width batches (``model_.predict`` on the padded
array: every padding step reaches the network), once as trained (with the mask) and once
through a copy with the same weights whose Embedding does not mask. With the mask the
prediction does not depend on the padding; without it, the padding steps run through the
LSTM and move the prediction. (``SentimentClassifier.predict_proba`` also cuts each batch to
its longest review, for speed, so it would never show the difference.) Post-padding keeps
masks right-padded, which is what the cuDNN kernel needs on GPU.

    python examples/imdb_masking.py --data ../shared/data/aclImdb_v1_train_test.tar.gz
"""

import keras
import numpy as np
from _imdb import run_example

from forecastrnn import SentimentClassifier
from forecastrnn.data import pad_sequences


def without_mask(model):
    """The same layers and weights behind an Embedding that does not mask id 0 (a Keras model
    passes the mask to the recurrent layer explicitly, so the graph is rebuilt)."""
    embedding = model.get_layer("embedding")
    tokens = keras.Input(shape=(None,), dtype="int32")
    plain = keras.layers.Embedding(embedding.input_dim, embedding.output_dim, mask_zero=False)
    x = plain(tokens)
    plain.set_weights(embedding.get_weights())
    for layer in model.layers:
        if layer is not embedding and not isinstance(layer, keras.layers.InputLayer):
            x = layer(x)  # shared layer: same weights
    return keras.Model(tokens, x)


if __name__ == "__main__":
    clf = run_example(lambda args: SentimentClassifier(
        cell="lstm", units=32, embedding_dim=32, num_words=args.num_words, maxlen=args.maxlen,
        epochs=args.epochs, adversarial=args.adversarial,
        random_state=0), __doc__.splitlines()[0])
    from forecastrnn.datasets import encode_reviews

    review = encode_reviews(["A clever, funny and touching film with a great cast."],
                            clf.word_index_, clf.num_words)[0]
    unmasked = without_mask(clf.model_)
    lengths = [len(review), len(review) + 10, 200, max(clf.maxlen, 400)]
    print(f"\nOne review of {len(review)} tokens, padded to different lengths (full-width batches):")
    masked_p, unmasked_p = [], []
    for length in lengths:
        padded, mask = pad_sequences([review], maxlen=length, padding="post")
        masked_p.append(float(clf.model_.predict(padded, verbose=0)[0, 0]))
        unmasked_p.append(float(unmasked.predict(padded, verbose=0)[0, 0]))
        print(f"  length {length:4d}, {int((~mask).sum()):4d} padding steps: P(positive) = {masked_p[-1]:.6f} "
              f"with the mask, {unmasked_p[-1]:.6f} without")
    print(f"largest difference: {np.ptp(masked_p):.2e} with the mask (padding skipped), "
          f"{np.ptp(unmasked_p):.2e} without it (padding read)")
    mask = clf.model_.get_layer("embedding").compute_mask(pad_sequences([review], maxlen=20)[0])
    print(f"Keras mask of the first 20 steps (True = real token): {np.asarray(mask)[0].astype(int).tolist()}")
