"""IMDB sentiment: Embedding -> SimpleRNN -> sigmoid.

    python examples/imdb_simplernn.py --data ../shared/data/aclImdb_v1_train_test.tar.gz
    python examples/imdb_simplernn.py --data aclImdb_v1.tar.gz --max-samples 2000 --epochs 1
"""

from _imdb import run_example

from forecastrnn import SentimentClassifier

if __name__ == "__main__":
    run_example(lambda args: SentimentClassifier(
        cell="simplernn", units=32, bidirectional=False, embedding_dim=32, num_words=args.num_words,
        maxlen=args.maxlen, epochs=args.epochs, adversarial=args.adversarial,
        random_state=0), __doc__.splitlines()[0])
