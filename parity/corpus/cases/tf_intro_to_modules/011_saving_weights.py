"""Source: https://www.tensorflow.org/guide/intro_to_modules, cell/section "Saving weights"
Adapted: the 3 earlier cell(s) defining names this cell uses are repeated first as setup; the displayed value of a cell's last expression is printed; the setup cells' prints are left out; the earlier cells that call
the model and write its checkpoint are repeated as setup; the weights are random, so the case
prints whether the restored model computes what the saved one does rather than the values.
"""
import numpy as np
import tensorflow as tf
import keras
from datetime import datetime

class FlexibleDenseModule(tf.Module):
  # Note: No need for `in_features`
  def __init__(self, out_features, name=None):
    super().__init__(name=name)
    self.is_built = False
    self.out_features = out_features

  def __call__(self, x):
    # Create variables on first call.
    if not self.is_built:
      self.w = tf.Variable(
        tf.random.normal([x.shape[-1], self.out_features]), name='w')
      self.b = tf.Variable(tf.zeros([self.out_features]), name='b')
      self.is_built = True

    y = tf.matmul(x, self.w) + self.b
    return tf.nn.relu(y)

# Used in a module
class MySequentialModule(tf.Module):
  def __init__(self, name=None):
    super().__init__(name=name)

    self.dense_1 = FlexibleDenseModule(out_features=3)
    self.dense_2 = FlexibleDenseModule(out_features=2)

  def __call__(self, x):
    x = self.dense_1(x)
    return self.dense_2(x)

my_model = MySequentialModule(name="the_model")
my_model(tf.constant([[2.0, 2.0, 2.0]]))
checkpoint = tf.train.Checkpoint(model=my_model)
checkpoint.write("my_checkpoint")

new_model = MySequentialModule()
new_checkpoint = tf.train.Checkpoint(model=new_model)
new_checkpoint.restore("my_checkpoint")

# Should be the same result as above
print(np.array_equal(new_model(tf.constant([[2.0, 2.0, 2.0]])),
                     my_model(tf.constant([[2.0, 2.0, 2.0]]))))
