"""California housing prices: 20,640 block groups, 8 features (``keras.datasets.california_housing``)."""
import numpy as np

from . import _common

_SHA256 = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"


def load_data(version="large", path="california_housing.npz", test_split=0.2, seed=113):
    """Return ``(x_train, y_train), (x_test, y_test)``, as Keras does.

    ``version="small"`` keeps the first 600 rows (before shuffling).  Rows are shuffled with
    ``np.random.RandomState(seed)`` and the first ``int(n * (1 - test_split))`` are train.
    ``x`` has 8 features per row; ``y`` is the median house value in dollars.

    >>> load_data(version="tiny")
    Traceback (most recent call last):
    ValueError: Argument `version` must be one of 'small', 'large'. Received: version=tiny
    """
    _common.check_test_split(test_split)
    if version not in ("small", "large"):
        # Checked before downloading (Keras checks after): same error, no wasted download.
        raise ValueError("Argument `version` must be one of 'small', 'large'. "
                         f"Received: version={version}")
    with np.load(_common.fetch("california_housing.npz", _SHA256, path=path),
                 allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    if version == "small":
        x, y = x[:600], y[:600]
    return _common.split(*_common.shuffled(seed, x, y), test_split)
