"""Source: https://www.tensorflow.org/guide/variable, cell/section "Lifecycles, naming, and watching"
Adapted: the 2 earlier cell(s) defining names this cell uses are repeated first as setup, without
the setup lines this cell does not use (the bool and complex Variables).
"""
import tensorflow as tf

# Uncomment to see where your variables get placed (see below)
# tf.debugging.set_log_device_placement(True)

my_tensor = tf.constant([[1.0, 2.0], [3.0, 4.0]])
my_variable = tf.Variable(my_tensor)

# Create a and b; they will have the same name but will be backed by
# different tensors.
a = tf.Variable(my_tensor, name="Mark")
# A new variable with the same name, but different value
# Note that the scalar add is broadcast
b = tf.Variable(my_tensor + 1, name="Mark")

# These are elementwise-unequal, despite having the same name
print(a == b)
