"""Source: ../shared/seeds/001_80200108b67a727c.txt, cell/section "自定义指标"
Adapted: the displayed cell values are printed.
"""
import tensorflow as tf

precision = tf.keras.metrics.Precision()
print(precision([0, 1, 1, 1, 0, 1, 0, 1], [1, 1, 0, 1, 0, 1, 0, 1]))
print(precision([0, 1, 0, 0, 1, 0, 1, 1], [1, 0, 1, 1, 0, 0, 0, 0]))
print(precision.result())
print([v.numpy() for v in precision.variables])
precision.reset_state()
print(precision.result())
print([v.numpy() for v in precision.variables])
