"""Source: ../shared/seeds/001_80200108b67a727c.txt, cell/section "文本预处理"
Adapted: the displayed cell values are printed.
"""
SCOPE = "later: string tensors and the TextVectorization preprocessing layer"

import numpy as np
import tensorflow as tf

train_data = ["To be", "!(to be)", "That's the question", "Be, be, be."]
text_vec_layer = tf.keras.layers.TextVectorization()
text_vec_layer.adapt(train_data)
print(text_vec_layer(["Be good!", "Question: be or be?"]))
text_vec_layer = tf.keras.layers.TextVectorization(output_mode="tf_idf")
text_vec_layer.adapt(train_data)
print(text_vec_layer.get_vocabulary())
print(text_vec_layer(["Be good!", "Question: be or be?"]))
print(2 * np.log(1 + 4 / (1 + 3)), 1 * np.log(1 + 4 / (1 + 1)))
