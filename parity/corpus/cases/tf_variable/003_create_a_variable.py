"""Source: https://www.tensorflow.org/guide/variable, cell/section "Create a variable"
Adapted: the 2 earlier cell(s) defining names this cell uses are repeated first as setup, without
the setup lines this cell does not use (the bool and complex Variables).
"""
import tensorflow as tf

# Uncomment to see where your variables get placed (see below)
# tf.debugging.set_log_device_placement(True)

my_tensor = tf.constant([[1.0, 2.0], [3.0, 4.0]])
my_variable = tf.Variable(my_tensor)

print("Shape: ", my_variable.shape)
print("DType: ", my_variable.dtype)
print("As NumPy: ", my_variable.numpy())
