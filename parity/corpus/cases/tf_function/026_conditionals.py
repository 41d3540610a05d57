"""Source: https://www.tensorflow.org/guide/function, cell/section "Conditionals"
Adapted: the 1 earlier cell(s) defining names this cell uses are repeated first as setup; the displayed value of a cell's last expression is printed.
"""
import tensorflow as tf

@tf.function
def fizzbuzz(n):
  for i in tf.range(1, n + 1):
    print('Tracing for loop')
    if i % 15 == 0:
      print('Tracing fizzbuzz branch')
      tf.print('fizzbuzz')
    elif i % 3 == 0:
      print('Tracing fizz branch')
      tf.print('fizz')
    elif i % 5 == 0:
      print('Tracing buzz branch')
      tf.print('buzz')
    else:
      print('Tracing default branch')
      tf.print(i)

fizzbuzz(tf.constant(5))
print(fizzbuzz(tf.constant(20)))
