"""Boston housing prices: 506 rows of 13 features (``keras.datasets.boston_housing``)."""
import numpy as np

from . import _common

_SHA256 = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """Return ``(x_train, y_train), (x_test, y_test)``, as Keras does.

    Rows are shuffled with ``np.random.RandomState(seed)``; the first
    ``int(506 * (1 - test_split))`` (404) are train.  ``x`` float64 (N, 13), ``y`` float64
    (N,) median prices in k$.

    >>> load_data(test_split=1)
    Traceback (most recent call last):
    ValueError: Invalid `test_split` argument: 1. It must be between 0 and 1 (exclusive of 1).
    """
    _common.check_test_split(test_split)
    with np.load(_common.fetch("boston_housing.npz", _SHA256, path=path),
                 allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    return _common.split(*_common.shuffled(seed, x, y), test_split)
