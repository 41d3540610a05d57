"""Source: https://github.com/tensorflow/tensorflow/blob/master/tensorflow/python/autograph/g3doc/reference/limitations.md, cell/section "Variables closed over by lambda functions"
Adapted: the snippets run inside tf.functions: a nested function sees the loop's last value, a lambda the value from before the loop.
"""
import tensorflow as tf


@tf.function
def nested_function():
  a = 0
  def f():
    tf.print(a)
  for i in tf.range(3):
    a = i
  f()


@tf.function
def lambda_closure():
  a = 0
  l = lambda: tf.print(a)
  for i in tf.range(3):
    a = i
  l()

nested_function()
lambda_closure()
