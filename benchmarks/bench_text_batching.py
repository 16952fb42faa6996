"""Text training speed: length-bucketed batches against full-width padded batches.

The same model (Embedding 32 -> one recurrent layer of 32 units -> sigmoid, as
``SentimentClassifier`` builds it) is trained on the same IMDB training reviews (10,000
words, padded to 500 tokens), once from the full-width array with ``model.fit(x, y)`` and
once from ``SentimentClassifier``'s pipeline, where ``length_batches`` groups reviews of
similar length and cuts each batch to its longest review. Reviews per second are taken from
the epochs after the first (which includes tracing); the two alternate.

    python benchmarks/bench_text_batching.py --data ../shared/data/aclImdb_v1_train_test.tar.gz \
        --word-index ../shared/data/imdb_word_index.json
    python benchmarks/bench_text_batching.py --data aclImdb_v1.tar.gz --quick
"""

import argparse

import numpy as np
from _common import epoch_timer, machine

from forecastrnn.datasets import load_imdb


def train(x, y, cell, epochs, bucketed):
    import keras

    from forecastrnn.models.builders import build_recurrent_model
    from forecastrnn.models.text import _dataset

    keras.utils.set_random_seed(0)
    model = build_recurrent_model(vocab_size=10000, cell=cell, units=32, embedding_dim=32, head="binary")
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    timer = epoch_timer()
    if bucketed:
        data = _dataset(x, y.astype("float32"), 128, np.random.default_rng(0))
        model.fit(data, epochs=epochs, shuffle=False, callbacks=[timer], verbose=0)
    else:
        model.fit(x, y, batch_size=128, epochs=epochs, callbacks=[timer], verbose=0)
    return timer.seconds[1:]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None, help="aclImdb folder or archive, or imdb.npz")
    parser.add_argument("--word-index", default=None)
    parser.add_argument("--samples", type=int, default=5000, help="training reviews per epoch")
    parser.add_argument("--cells", default="lstm,gru")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    samples, epochs, repeats = (200, 2, 1) if args.quick else (args.samples, args.epochs, args.repeats)
    (x, y), _ = load_imdb(num_words=10000, maxlen=500, source=args.data, word_index=args.word_index,
                          max_samples=samples)
    lengths = (x != 0).sum(axis=1)
    print(machine())
    print(f"{len(x)} reviews padded to {x.shape[1]} tokens; mean length {lengths.mean():.0f}, "
          f"median {np.median(lengths):.0f}")
    for cell in args.cells.split(","):
        seconds = {False: [], True: []}
        for _ in range(repeats):
            for bucketed in (False, True):
                seconds[bucketed] += train(x, y, cell, epochs, bucketed)
        full, bucketed = (len(x) / np.median(seconds[b]) for b in (False, True))
        print(f"{cell:5s} full width {full:7.0f} reviews/s   length-bucketed {bucketed:7.0f} reviews/s   "
              f"ratio {bucketed / full:.2f}x", flush=True)


if __name__ == "__main__":
    main()
