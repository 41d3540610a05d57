"""Source: https://github.com/keras-team/keras-io/blob/master/guides/preprocessing_layers.py, cell/section "The adapt() method" (Normalization)
Adapted: none; the case also prints the adapted mean and variance.
"""
import numpy as np
import tensorflow as tf
from tensorflow.keras import layers

data = np.array(
    [
        [0.1, 0.2, 0.3],
        [0.8, 0.9, 1.0],
        [1.5, 1.6, 1.7],
    ]
)
layer = layers.Normalization()
layer.adapt(data)
normalized_data = layer(data)

print("Features mean: %.2f" % (normalized_data.numpy().mean()))
print("Features std: %.2f" % (normalized_data.numpy().std()))
print(layer.mean.numpy(), layer.variance.numpy(), normalized_data.dtype)
