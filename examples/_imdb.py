"""Shared command line and reporting for the IMDB example scripts."""

import argparse
import time

from forecastrnn.datasets import load_imdb

REVIEWS = [
    "This movie was wonderful: brilliant acting, a moving story, and I loved every minute of it.",
    "A boring, terrible film. The plot made no sense and I wanted my two hours back.",
]


def parse_args(description):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--data", default=None,
                        help="aclImdb folder, aclImdb_v1.tar.gz or imdb.npz "
                             "[default: $FORECASTRNN_IMDB, else Keras' download]")
    parser.add_argument("--word-index", default=None,
                        help="imdb_word_index.json [default: beside --data, or Keras' download]")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--adversarial", type=float, default=0.0,
                        help="adversarial training on the embeddings, epsilon (0: plain, faster; "
                             "0.3 with --epochs 10: about 2 points more test accuracy, see "
                             "benchmarks/BENCHMARKS.md)")
    parser.add_argument("--max-samples", type=int, default=None,
                        help="reviews per split, for a quick run")
    parser.add_argument("--num-words", type=int, default=10000)
    parser.add_argument("--maxlen", type=int, default=500)
    return parser.parse_args()


def run_example(make_classifier, description):
    """Load IMDB, train ``make_classifier(args)``, print test accuracy and two predictions."""
    args = parse_args(description)
    (x_train, y_train), (x_test, y_test) = load_imdb(
        num_words=args.num_words, maxlen=args.maxlen, source=args.data, word_index=args.word_index,
        max_samples=args.max_samples)
    print(f"{len(x_train)} training and {len(x_test)} test reviews, padded to {x_train.shape[1]} tokens")
    clf = make_classifier(args)
    start = time.perf_counter()
    clf.fit(x_train, y_train, word_index=_word_index(args))
    print(f"trained {clf.name} in {time.perf_counter() - start:.0f} s")
    scores = clf.evaluate(x_test, y_test)
    print(f"test accuracy: {scores['accuracy']:.4f}  (loss {scores['loss']:.4f})")
    for review, p in zip(REVIEWS, clf.predict_text(REVIEWS)):
        print(f"{'positive' if p >= 0.5 else 'negative'} ({p:.2f}): {review}")
    return clf


def _word_index(args):
    import os

    from forecastrnn.datasets import load_word_index

    if args.word_index:
        return args.word_index
    if args.data and not str(args.data).endswith(".npz"):
        beside = os.path.join(os.path.dirname(os.path.abspath(args.data)), "imdb_word_index.json")
        if os.path.isfile(beside):
            return beside
    return load_word_index()
