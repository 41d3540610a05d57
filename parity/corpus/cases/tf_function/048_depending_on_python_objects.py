"""Source: https://www.tensorflow.org/guide/function, cell/section "Depending on Python objects"
Adapted: the 2 earlier cell(s) defining names this cell uses are repeated first as setup; the setup cells' prints are left out.
"""
import tensorflow as tf

class SimpleModel(tf.Module):
  def __init__(self):
    # These values are *not* tf.Variables.
    self.bias = 0.
    self.weight = 2.

@tf.function
def evaluate(model, x):
  return model.weight * x + model.bias

simple_model = SimpleModel()
x = tf.constant(10.)

print("Adding bias!")
simple_model.bias += 5.0
print(evaluate(simple_model, x))  # Didn't change :(
