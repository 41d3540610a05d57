"""IMDB movie reviews, sentiment labelled, as word-id lists (``keras.datasets.imdb``)."""
import json

import numpy as np

from . import _common, _sequences

_NPZ_SHA256 = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
_INDEX_MD5 = "bfafd718b763782e994055a2d397834f"


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113,
              start_char=1, oov_char=2, index_from=3, **kwargs):
    """Return ``(x_train, y_train), (x_test, y_test)``: 25,000 reviews each, as Keras does.

    Each review is a list of word ids, ids ranked by frequency (1 = most common word) and
    then shifted by ``index_from`` (3), each review starting with ``start_char`` (1).  Ids
    below ``skip_top`` or not below ``num_words`` become ``oov_char`` (2; dropped if None).
    With ``maxlen``, reviews of ``maxlen`` ids or more are left out.  Train and test are
    each shuffled with ``np.random.RandomState(seed)``.  ``x_*`` are 1-D object arrays of
    lists, ``y_*`` int64 arrays of 0 (negative) / 1 (positive).  Word for id ``i``:
    ``{v + index_from: k for k, v in get_word_index().items()}[i]``.
    """
    del kwargs  # Keras 3 accepts and ignores extra keywords (old nb_words etc.)
    f = _common.load_npz(_common.fetch("imdb.npz", _NPZ_SHA256, path=path))
    # Keras shuffles train then test with the SAME RandomState, so test's permutation is
    # the generator's second draw: reproduce that order exactly.
    rng = np.random.RandomState(seed)
    x_train, y_train = _permute(rng, f["x_train"], f["y_train"])
    x_test, y_test = _permute(rng, f["x_test"], f["y_test"])
    x_train = _sequences.offset(x_train, start_char, index_from)
    x_test = _sequences.offset(x_test, start_char, index_from)
    if maxlen:
        x_train, y_train = _sequences.drop_long(maxlen, x_train, y_train)
        x_test, y_test = _sequences.drop_long(maxlen, x_test, y_test)
        if not x_train or not x_test:
            raise ValueError(f"After filtering for sequences shorter than maxlen={maxlen}, no "
                             "sequence was kept. Increase maxlen.")
    xs = _sequences.limit_vocabulary(x_train + x_test, num_words, skip_top, oov_char)
    labels = np.concatenate([y_train, y_test])
    n = len(x_train)
    return ((_sequences.object_array(xs[:n]), labels[:n]),
            (_sequences.object_array(xs[n:]), labels[n:]))


def _permute(rng, x, y):
    indices = np.arange(len(x))
    rng.shuffle(indices)
    return x[indices], y[indices]


def get_word_index(path="imdb_word_index.json"):
    """The dict ``word -> rank`` (1 = most frequent) behind the ids, before ``index_from``."""
    with open(_common.fetch("imdb_word_index.json", _INDEX_MD5, path=path)) as f:
        return json.load(f)
