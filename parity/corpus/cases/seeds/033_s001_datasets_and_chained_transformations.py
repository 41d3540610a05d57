"""Source: ../shared/seeds/001_80200108b67a727c.txt, cell/section "tf.data API / 链式转换"
Adapted: the displayed dataset is printed.
"""
import tensorflow as tf

X = tf.range(10)
dataset = tf.data.Dataset.from_tensor_slices(X)
print(dataset)
for item in dataset:
    print(item)
d = tf.data.Dataset.range(10)
for item in d:
    print(item)
X_nested = {"a": ([1, 2, 3], [4, 5, 6], [2, 3, 0]), "b": [7, 8, 9]}
dataset = tf.data.Dataset.from_tensor_slices(X_nested)
for item in dataset:
    print(item)
dataset = tf.data.Dataset.from_tensor_slices({
    "feature": tf.constant([1, 2, 3]),
    "label": tf.constant([10, 20, 30])
})
for element in dataset:
    print(element)

dataset = tf.data.Dataset.from_tensor_slices(tf.range(10))
dataset = dataset.repeat(3).batch(7)
for item in dataset:
    print(item)
dataset = dataset.map(lambda x: x * 2)
for item in dataset:
    print(item)
dataset = dataset.filter(lambda x: tf.reduce_sum(x) > 50)
for item in dataset:
    print(item)
for item in dataset.take(2):
    print(item)
