"""Source: https://www.tensorflow.org/guide/tensor, cell/section "Basics"
Adapted: the 1 earlier cell(s) defining names this cell uses are repeated first as setup; the displayed value of a cell's last expression is printed.
"""
import tensorflow as tf
import numpy as np

print(tf.convert_to_tensor([1,2,3]))
