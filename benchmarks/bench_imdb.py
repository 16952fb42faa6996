"""IMDB sentiment accuracy: train on the 25,000 training reviews, test on the 25,000 test reviews.

Protocol: 10,000 words, reviews post-padded/truncated to 500 tokens, embedding 32, one
recurrent layer of 32 units (per direction), adversarial training on the embeddings
(epsilon 0.3; ``--adversarial 0`` trains plainly), Adam 1e-3, batch 128, up to 10 epochs, 10%
of the training reviews held out for early stopping (best validation accuracy restored,
patience 3).
Prints test accuracy and training time for LSTM, GRU, SimpleRNN and bidirectional LSTM.

    python benchmarks/bench_imdb.py --data ../shared/data/aclImdb_v1_train_test.tar.gz
    python benchmarks/bench_imdb.py --data aclImdb_v1.tar.gz --quick    # 500 reviews, 1 epoch
"""

import argparse
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from forecastrnn.datasets import load_imdb  # noqa: E402
from forecastrnn.models.text import SentimentClassifier  # noqa: E402

MODELS = {"lstm": ("lstm", False), "gru": ("gru", False), "simplernn": ("simplernn", False),
          "bilstm": ("lstm", True)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None, help="aclImdb folder or archive, or imdb.npz")
    parser.add_argument("--word-index", default=None)
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--pooling", default="last", choices=["last", "mean", "max"])
    parser.add_argument("--units", type=int, default=32)
    parser.add_argument("--dropout", type=float, default=0.0)
    parser.add_argument("--embedding-dim", type=int, default=32)
    parser.add_argument("--adversarial", type=float, default=0.3,
                        help="epsilon of adversarial training on the embeddings (0: plain)")
    parser.add_argument("--patience", type=int, default=3,
                        help="epochs without a better validation accuracy before stopping")
    parser.add_argument("--validation-size", type=float, default=0.1)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", default=None, help="also write the results here")
    args = parser.parse_args()
    start = time.perf_counter()
    (x, y), (x_test, y_test) = load_imdb(num_words=10000, maxlen=500, source=args.data,
                                         word_index=args.word_index,
                                         max_samples=500 if args.quick else None)
    print(f"loaded {len(x)} + {len(x_test)} reviews in {time.perf_counter() - start:.0f} s")
    results = {}
    for name in args.models.split(","):
        cell, bidirectional = MODELS[name]
        clf = SentimentClassifier(
            cell=cell, units=args.units, bidirectional=bidirectional, embedding_dim=args.embedding_dim,
            pooling=args.pooling, dropout=args.dropout, adversarial=args.adversarial, num_words=10000,
            maxlen=500, epochs=1 if args.quick else args.epochs, batch_size=128, patience=args.patience,
            validation_size=args.validation_size, random_state=0, verbose=2)
        start = time.perf_counter()
        clf.fit(x, y)
        seconds = time.perf_counter() - start
        scores = clf.evaluate(x_test, y_test)
        results[name] = {"test_accuracy": scores["accuracy"], "test_loss": scores["loss"],
                         "train_seconds": seconds, "epochs_run": len(clf.history_["loss"]),
                         "best_val_accuracy": max(clf.history_.get("val_accuracy", [float("nan")]))}
        print(f"{name:10s} test accuracy {scores['accuracy']:.4f}  trained {seconds:.0f} s "
              f"({results[name]['epochs_run']} epochs)", flush=True)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(results, fh, indent=2)


if __name__ == "__main__":
    main()
