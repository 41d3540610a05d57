"""Source: ../shared/seeds/001_80200108b67a727c.txt, cell/section "乱序数据"
Adapted: the cells run as written (seeded shuffles).
"""
import tensorflow as tf

dataset = tf.data.Dataset.range(10).repeat(2)
dataset = dataset.shuffle(buffer_size=4, seed=42).batch(7)
for item in dataset:
    print(item)
dataset_test = tf.data.Dataset.range(10).shuffle(buffer_size=4, seed=42).repeat(2).batch(10)
for item in dataset_test:
    print(item)
