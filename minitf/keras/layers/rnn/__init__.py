"""Keras 3's recurrent layers: cells (``cells.py``), the generic ``RNN`` loop (``base.py``),
``SimpleRNN``/``LSTM``/``GRU`` (``recurrent.py``), ``StackedRNNCells`` (``stacked.py``),
``Bidirectional`` and ``TimeDistributed``."""
from .base import RNN  # noqa: F401
from .bidirectional import Bidirectional  # noqa: F401
from .cells import GRUCell, LSTMCell, SimpleRNNCell  # noqa: F401
from .recurrent import GRU, LSTM, SimpleRNN  # noqa: F401
from .stacked import StackedRNNCells  # noqa: F401
from .time_distributed import TimeDistributed  # noqa: F401
