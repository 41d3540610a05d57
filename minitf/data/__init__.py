"""``tf.data``: input pipelines (``Dataset``, ``TextLineDataset``, ``experimental``)."""
from .dataset import INFINITE, UNKNOWN, Dataset  # noqa: F401
from .iterator_ops import Iterator  # noqa: F401
from .readers import TextLineDataset, make_csv_dataset  # noqa: F401

INFINITE_CARDINALITY = INFINITE
UNKNOWN_CARDINALITY = UNKNOWN
AUTOTUNE = -1


class experimental:  # noqa: N801 - TF's namespace name
    """``tf.data.experimental``: ``make_csv_dataset``, ``AUTOTUNE`` and the cardinality
    constants (``INFINITE_CARDINALITY``, ``UNKNOWN_CARDINALITY``)."""
    make_csv_dataset = staticmethod(make_csv_dataset)
    INFINITE_CARDINALITY = INFINITE
    UNKNOWN_CARDINALITY = UNKNOWN
    AUTOTUNE = -1
