"""Source: ../shared/seeds/001_80200108b67a727c.txt, cell/section "TensorFlow函数和图"
Adapted: the displayed cell values are printed; the note's call of an undefined tf_cube2 is left out; the random image batches only feed shapes.
"""
import tensorflow as tf


def cube(x):
    return x ** 3


print(cube(2))
print(cube(tf.constant(2.0)))
tf_cube = tf.function(cube)
print(tf_cube(2), tf_cube(tf.constant(2.0)))


@tf.function
def tf_cube(x):
    print(f"x = {x}")
    return x ** 3


print(tf_cube.python_function(2))
result = tf_cube(tf.constant(2.0))
result = tf_cube(2)
result = tf_cube(3)
result = tf_cube(tf.constant([[1., 2.]]))
result = tf_cube(tf.constant([[3., 4.], [5., 6.]]))
result = tf_cube(tf.constant([[7., 8.], [9., 10.]]))
print(result)


@tf.function(input_signature=[tf.TensorSpec([None, 28, 28], tf.float32)])
def shrink(images):
    print("Tracing", images)
    return images[:, ::2, ::2]


img_batch_1 = tf.random.uniform(shape=[100, 28, 28])
img_batch_2 = tf.random.uniform(shape=[50, 28, 28])
preprocessed_images = shrink(img_batch_1)
preprocessed_images = shrink(img_batch_2)
print(preprocessed_images.shape)
img_batch_3 = tf.random.uniform(shape=[2, 2, 2])
try:
    preprocessed_images = shrink(img_batch_3)
except Exception as e:
    print(type(e).__name__)
