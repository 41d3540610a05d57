"""``keras.layers``."""
from .core import (Activation, AlphaDropout, Dense, Dropout, Embedding, Flatten,  # noqa: F401
                   GaussianNoise, Input, InputLayer, Lambda, Reshape)
from .layer import KerasTensor, Layer  # noqa: F401
from .merging import (Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply,  # noqa: F401
                      Subtract, add, average, concatenate, dot, maximum, minimum, multiply,
                      subtract)
from .activations import ELU, LeakyReLU, PReLU, ReLU, Softmax  # noqa: F401
from .group_normalization import GroupNormalization  # noqa: F401
from .layer_normalization import LayerNormalization  # noqa: F401
from .masking import Masking  # noqa: F401
from .permute import Permute  # noqa: F401
from .repeat_vector import RepeatVector  # noqa: F401
from .unit_normalization import UnitNormalization  # noqa: F401
from .normalization import BatchNormalization, Normalization  # noqa: F401
from .convolutional import (Conv1D, Conv2D, Conv2DTranspose, Conv3D,  # noqa: F401
                            Convolution1D, Convolution2D, Convolution2DTranspose,
                            Convolution3D, DepthwiseConv2D, SeparableConv2D,
                            SeparableConvolution2D)
from .pooling import (AveragePooling1D, AveragePooling2D, AvgPool1D, AvgPool2D,  # noqa: F401
                      GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalAvgPool1D,
                      GlobalAvgPool2D, GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPooling1D,
                      GlobalMaxPooling2D, MaxPool1D, MaxPool2D, MaxPooling1D, MaxPooling2D)
from .preprocessing import (CenterCrop, RandomCrop, RandomFlip, Rescaling,  # noqa: F401
                            Resizing)
from .reshaping import Cropping2D, SpatialDropout2D, UpSampling2D, ZeroPadding2D  # noqa: F401
from .rnn import (GRU, LSTM, RNN, Bidirectional, GRUCell, LSTMCell, SimpleRNN,  # noqa: F401
                  SimpleRNNCell, StackedRNNCells, TimeDistributed)
