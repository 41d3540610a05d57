"""``keras.layers``."""
from .core import (Activation, AlphaDropout, Dense, Dropout, Embedding, Flatten,  # noqa: F401
                   GaussianNoise, Input, InputLayer, Lambda, Reshape)
from .layer import KerasTensor, Layer  # noqa: F401
from .merging import Add, Concatenate, add, concatenate  # noqa: F401
from .normalization import BatchNormalization, Normalization  # noqa: F401
