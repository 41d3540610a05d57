"""Source: ../shared/seeds/001_80200108b67a727c.txt, cell/section "StringLookup层 / 哈希层"
Adapted: the displayed cell values are printed.
"""
SCOPE = "later: string tensors and the StringLookup, IntegerLookup and Hashing preprocessing layers"

import tensorflow as tf

cities = ["Auckland", "Paris", "Paris", "San Francisco"]
str_lookup_layer = tf.keras.layers.StringLookup()
str_lookup_layer.adapt(cities)
print(str_lookup_layer([["Paris"], ["Auckland"], ["Auckland"], ["Beijing"]]))
str_lookup_layer = tf.keras.layers.StringLookup(output_mode="one_hot")
str_lookup_layer.adapt(cities)
print(str_lookup_layer([["Paris"], ["Auckland"], ["Auckland"], ["Beijing"], ["Tianjin"]]))
str_lookup_layer = tf.keras.layers.StringLookup(num_oov_indices=5)
str_lookup_layer.adapt(cities)
print(str_lookup_layer([["Paris"], ["Auckland"], ["Foo"], ["Bar"], ["Baz"]]))
ids = [123, 456, 789, 123, 123, 456]
int_lookup_layer = tf.keras.layers.IntegerLookup()
int_lookup_layer.adapt(ids)
print(int_lookup_layer([[123], [456], [123], [111]]))
hashing_layer = tf.keras.layers.Hashing(num_bins=10)
print(hashing_layer([["Paris"], ["Tokyo"], ["Auckland"], ["Montreal"]]))
