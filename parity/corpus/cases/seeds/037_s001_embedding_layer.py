"""Source: ../shared/seeds/001_80200108b67a727c.txt, cell/section "使用嵌入编码分类特征"
Adapted: the embedding's initial vectors are random, so the case prints the output's shape and that repeated ids get the same vector.
"""
import numpy as np
import tensorflow as tf

embedding_layer = tf.keras.layers.Embedding(input_dim=5, output_dim=2)
out = embedding_layer(np.array([2, 4, 2]))
print(out.shape, out.dtype, bool(tf.reduce_all(out[0] == out[2])))
print([w.shape for w in embedding_layer.weights])
