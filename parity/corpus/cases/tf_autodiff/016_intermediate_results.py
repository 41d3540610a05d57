"""Source: https://www.tensorflow.org/guide/autodiff, cell/section "Intermediate results"
Adapted: the earlier cell creating the persistent `tape` is repeated first as setup (without its
prints), and the import it needs.
"""
import tensorflow as tf

x = tf.constant([1, 3.0])
with tf.GradientTape(persistent=True) as tape:
  tape.watch(x)
  y = x * x
  z = y * y

del tape   # Drop the reference to the tape
