"""IMDB sentiment with variable-length reviews: masking makes padded steps invisible.

Reviews are post-padded with id 0 and the Embedding layer masks that id (mask_zero=True), so
the recurrent layer skips padding: the same review gives the same prediction whether it is
padded with 0 or with hundreds of steps. Post-padding keeps masks right-padded, which is what
the cuDNN kernel needs on GPU.

    python examples/imdb_masking.py --data ../shared/data/aclImdb_v1_train_test.tar.gz
"""

import numpy as np
from _imdb import run_example

from forecastrnn import SentimentClassifier
from forecastrnn.data import pad_sequences

if __name__ == "__main__":
    clf = run_example(lambda args: SentimentClassifier(
        cell="lstm", units=32, embedding_dim=32, num_words=args.num_words, maxlen=args.maxlen,
        epochs=args.epochs, adversarial=args.adversarial,
        random_state=0), __doc__.splitlines()[0])
    from forecastrnn.datasets import encode_reviews

    review = encode_reviews(["A clever, funny and touching film with a great cast."],
                            clf.word_index_, clf.num_words)[0]
    lengths = [len(review), len(review) + 10, 200, clf.maxlen]
    print(f"\nOne review of {len(review)} tokens, padded to different lengths:")
    probabilities = []
    for length in lengths:
        padded, mask = pad_sequences([review], maxlen=length, padding="post")
        p = float(clf.predict_proba(padded)[0])
        probabilities.append(p)
        print(f"  length {length:4d}: {int((~mask).sum()):4d} padded steps masked -> P(positive) = {p:.6f}")
    print(f"largest difference: {np.ptp(probabilities):.2e} (padding is skipped)")
    mask = clf.model_.get_layer("embedding").compute_mask(pad_sequences([review], maxlen=20)[0])
    print(f"Keras mask of the first 20 steps (True = real token): {np.asarray(mask)[0].astype(int).tolist()}")
