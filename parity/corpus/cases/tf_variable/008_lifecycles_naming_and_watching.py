"""Source: https://www.tensorflow.org/guide/variable, cell/section "Lifecycles, naming, and watching"
Adapted: the 1 earlier cell(s) defining names this cell uses are repeated first as setup.
"""
import tensorflow as tf

# Uncomment to see where your variables get placed (see below)
# tf.debugging.set_log_device_placement(True)

step_counter = tf.Variable(1, trainable=False)
