"""Reuters newswires, 46 topics, as word-id lists (``keras.datasets.reuters``)."""
import json

import numpy as np

from . import _common, _sequences

_NPZ_SHA256 = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
_INDEX_MD5 = "4d44cc38712099c9e383dc6e5f11a921"


def load_data(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2,
              seed=113, start_char=1, oov_char=2, index_from=3):
    """Return ``(x_train, y_train), (x_test, y_test)`` of the 11,228 newswires, as Keras does.

    Word ids and the ``num_words``/``skip_top``/``maxlen``/``start_char``/``oov_char``/
    ``index_from`` options work as in :func:`minitf.keras.datasets.imdb.load_data`.  All
    wires are shuffled with ``np.random.RandomState(seed)``, then the first
    ``int(n * (1 - test_split))`` are train.  Labels are int64 topic indices 0..45 (see
    :func:`get_label_names`).
    """
    f = _common.load_npz(_common.fetch("reuters.npz", _NPZ_SHA256, path=path))
    xs, labels = _common.shuffled(seed, f["x"], f["y"])
    xs = _sequences.offset(xs, start_char, index_from)
    if maxlen:
        xs, labels = _sequences.drop_long(maxlen, xs, labels)
    xs = _sequences.limit_vocabulary(xs, num_words, skip_top, oov_char)
    n = int(len(xs) * (1 - test_split))
    return ((_sequences.object_array(xs[:n]), np.array(labels[:n])),
            (_sequences.object_array(xs[n:]), np.array(labels[n:])))


def get_word_index(path="reuters_word_index.json"):
    """The dict ``word -> rank`` (1 = most frequent) behind the ids, before ``index_from``."""
    with open(_common.fetch("reuters_word_index.json", _INDEX_MD5, path=path)) as f:
        return json.load(f)


def get_label_names():
    """The 46 topic names, indexed by label.

    >>> get_label_names()[:4]
    ('cocoa', 'grain', 'veg-oil', 'earn')
    """
    return _LABEL_NAMES


_LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply",
    "coffee", "sugar", "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas",
    "cpi", "money-fx", "interest", "gnp", "meal-feed", "alum", "oilseed", "gold", "tin",
    "strategic-metal", "livestock", "retail", "ipi", "iron-steel", "rubber", "heat", "jobs",
    "lei", "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog", "lead",
)
