"""Word-id sequences as Keras's imdb and reuters loaders prepare them."""
import numpy as np


def offset(sequences, start_char, index_from):
    """Shift every id by ``index_from`` and prefix ``start_char`` (when not None)."""
    head = [] if start_char is None else [start_char]
    shift = index_from or 0
    return [head + [w + shift for w in seq] for seq in sequences]


def drop_long(maxlen, sequences, labels):
    """Keep the sequences strictly shorter than ``maxlen`` (Keras's rule), with their labels."""
    kept = [(s, y) for s, y in zip(sequences, labels) if len(s) < maxlen]
    return [s for s, _ in kept], [y for _, y in kept]


def limit_vocabulary(sequences, num_words, skip_top, oov_char):
    """Ids outside ``[skip_top, num_words)`` become ``oov_char``, or are dropped if it is None.

    ``num_words`` None (or 0) means the largest id present, which is itself then out of
    range: Keras's rule, kept for identical arrays.
    """
    if not num_words:
        num_words = max(max(s) for s in sequences)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in s] for s in sequences]
    return [[w for w in s if skip_top <= w < num_words] for s in sequences]


def object_array(sequences):
    """A 1-D object array of lists, one per sequence.

    Keras calls ``np.array(xs, dtype="object")``, which gives the same array for the real
    data (reviews differ in length) but a 2-D array when every sequence has one length;
    here the result is 1-D always.
    """
    out = np.empty(len(sequences), dtype="object")
    for i, seq in enumerate(sequences):
        out[i] = seq
    return out
