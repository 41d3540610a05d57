"""Source: https://github.com/keras-team/keras-io/blob/master/guides/preprocessing_layers.py, cell/section "Encoding integer categorical features via one-hot encoding" and "Applying the hashing trick to an integer categorical feature"
Adapted: the two cells are merged.
"""
SCOPE = "later: IntegerLookup, Hashing and CategoryEncoding preprocessing layers"
import numpy as np
import tensorflow as tf
from tensorflow.keras import layers

data = tf.constant([[10], [20], [20], [10], [30], [0]])
lookup = layers.IntegerLookup(output_mode="one_hot")
lookup.adapt(data)
test_data = tf.constant([[10], [10], [20], [50], [60], [0]])
encoded_data = lookup(test_data)
print(encoded_data)

data = np.random.randint(0, 100000, size=(10000, 1))
hasher = layers.Hashing(num_bins=64, salt=1337)
encoder = layers.CategoryEncoding(num_tokens=64, output_mode="multi_hot")
encoded_data = encoder(hasher(data))
print(encoded_data.shape)
