"""Source: ../shared/seeds/002_63faa5af172a0a21.txt, cell/section "待整理" (函数式API)
Adapted: the note only builds the model; the case prints its summary numbers (parameter count,
output shape) and the shape of a prediction on fixed input.
"""
import numpy as np
import tensorflow as tf

Model = tf.keras.models.Model
layers = tf.keras.layers
Input = tf.keras.Input
input_tensor = Input(shape=(64,))
x = layers.Dense(32, activation='relu')(input_tensor)
x = layers.Dense(32, activation='relu')(x)
output_tensor = layers.Dense(10, activation='softmax')(x)
model = Model(input_tensor, output_tensor)
print(model.count_params(), model.output_shape, len(model.layers))
print(model.predict(np.ones((3, 64)), verbose=0).shape)
