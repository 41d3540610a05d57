"""Source: https://www.tensorflow.org/guide/function, cell/section "Pass tensors instead of python literals"
Adapted: the 1 earlier cell(s) defining names this cell uses are repeated first as setup; the displayed value of a cell's last expression is printed.
"""
import tensorflow as tf

def train_one_step():
  pass

@tf.function
def train(num_steps):
  print("Tracing with num_steps = ", num_steps)
  tf.print("Executing with num_steps = ", num_steps)
  for _ in tf.range(num_steps):
    train_one_step()

print("Retracing occurs for different Python arguments.")
train(num_steps=10)
train(num_steps=20)

print()
print("Traces are reused for Tensor arguments.")
train(num_steps=tf.constant(10))
print(train(num_steps=tf.constant(20)))
