"""Source: https://github.com/keras-team/keras-io/blob/master/guides/preprocessing_layers.py, cell/section "The adapt() method" (StringLookup with a vocabulary) and "Encoding string categorical features via one-hot encoding"
Adapted: the two StringLookup cells are merged.
"""
SCOPE = "later: string tensors and the StringLookup preprocessing layer"
import tensorflow as tf
from tensorflow.keras import layers

vocab = ["a", "b", "c", "d"]
data = tf.constant([["a", "c", "d"], ["d", "z", "b"]])
layer = layers.StringLookup(vocabulary=vocab)
vectorized_data = layer(data)
print(vectorized_data)

data = tf.constant([["a"], ["b"], ["c"], ["b"], ["c"], ["a"]])
lookup = layers.StringLookup(output_mode="one_hot")
lookup.adapt(data)
test_data = tf.constant([["a"], ["b"], ["c"], ["d"], ["e"], [""]])
encoded_data = lookup(test_data)
print(encoded_data)
