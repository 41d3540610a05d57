"""Source: ../shared/seeds/001_80200108b67a727c.txt, cell/section "离散化层 / 类别编码层"
Adapted: the displayed cell values are printed.
"""
SCOPE = "later: the Discretization and CategoryEncoding preprocessing layers"

import numpy as np
import tensorflow as tf

age = tf.constant([[10.], [93.], [57.], [18.], [37.], [5.]])
discretize_layer = tf.keras.layers.Discretization(bin_boundaries=[18., 50.])
age_categories = discretize_layer(age)
print(age_categories)
discretize_layer = tf.keras.layers.Discretization(num_bins=3)
discretize_layer.adapt(age)
age_categories = discretize_layer(age)
print(age_categories)
onehot_layer = tf.keras.layers.CategoryEncoding(num_tokens=3)
print(onehot_layer(age_categories))
two_age_categories = np.array([[1, 1], [2, 2], [2, 1]])
print(onehot_layer(two_age_categories))
onehot_layer = tf.keras.layers.CategoryEncoding(num_tokens=3, output_mode="count")
print(onehot_layer(two_age_categories))
onehot_layer = tf.keras.layers.CategoryEncoding(num_tokens=3 + 3)
print(onehot_layer(two_age_categories + [0, 3]))
onehot_layer = tf.keras.layers.CategoryEncoding(num_tokens=3, output_mode="one_hot")
print(tf.keras.layers.concatenate([onehot_layer(cat) for cat in tf.transpose(two_age_categories)]))
print(tf.keras.layers.Flatten()(tf.one_hot(two_age_categories, depth=3)))
