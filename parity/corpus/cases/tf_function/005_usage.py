"""Source: https://www.tensorflow.org/guide/function, cell/section "Usage"
Adapted: the 1 earlier cell(s) defining names this cell uses are repeated first as setup; the
timings differ on every run, so the case prints only that each measured time is positive; the
convolution is made smaller (image 1x20x20x10, 10 filters instead of 1x200x200x100, 100
filters) to keep the corpus fast.
"""
import tensorflow as tf

import timeit
conv_layer = tf.keras.layers.Conv2D(10, 3)

@tf.function
def conv_fn(image):
  return conv_layer(image)

image = tf.zeros([1, 20, 20, 10])
# Warm up
conv_layer(image); conv_fn(image)
print("Eager conv:", timeit.timeit(lambda: conv_layer(image), number=10) > 0)
print("Function conv:", timeit.timeit(lambda: conv_fn(image), number=10) > 0)
print("Note how there's not much difference in performance for convolutions")
