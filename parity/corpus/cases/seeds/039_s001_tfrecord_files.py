"""Source: ../shared/seeds/001_80200108b67a727c.txt, cell/section "TFRecord格式"
Adapted: files are written under a temporary directory.
"""
SCOPE = "later: TFRecord files (tf.io.TFRecordWriter, tf.data.TFRecordDataset)"

import os
import tempfile

import tensorflow as tf

d = tempfile.mkdtemp()
path = os.path.join(d, "my_data.tfrecord")
with tf.io.TFRecordWriter(path) as f:
    f.write(b"This is the first record")
    f.write(b"And this is the second record")
for item in tf.data.TFRecordDataset([path]):
    print(item)
filepaths = [os.path.join(d, "my_test_{}.tfrecord".format(i)) for i in range(5)]
for i, filepath in enumerate(filepaths):
    with tf.io.TFRecordWriter(filepath) as f:
        for j in range(3):
            f.write("File {} record {}".format(i, j).encode("utf-8"))
for item in tf.data.TFRecordDataset(filepaths, num_parallel_reads=3):
    print(item)
options = tf.io.TFRecordOptions(compression_type="GZIP")
path = os.path.join(d, "my_compressed.tfrecord")
with tf.io.TFRecordWriter(path, options) as f:
    f.write("诞生于1996 梦想做说唱领袖".encode())
    f.write("so pretty so jiggy 没有太多讲究".encode())
for item in tf.data.TFRecordDataset([path], compression_type="GZIP"):
    print(item.numpy().decode())
