"""Source: https://www.tensorflow.org/guide/function, cell/section "Obtaining concrete functions"
Adapted: the 4 earlier cell(s) defining names this cell uses are repeated first as setup; the setup cells' prints are left out.
"""
SCOPE = "later: string tensors (tf.string)"

import tensorflow as tf

import traceback
import contextlib

# Some helper code to demonstrate the kinds of errors you might encounter.
@contextlib.contextmanager
def assert_raises(error_class):
  try:
    yield
  except error_class as e:
    print('Caught expected exception \n  {}:'.format(error_class))
    traceback.print_exc(limit=2)
  except Exception as e:
    raise e
  else:
    raise Exception('Expected {} to be raised but no error was raised!'.format(
        error_class))

@tf.function
def double(a):
  print("Tracing with", a)
  return a + a

double_strings = double.get_concrete_function(tf.constant("a"))

with assert_raises(tf.errors.InvalidArgumentError):
  double_strings(tf.constant(1))
