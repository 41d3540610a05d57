"""Deferred restoration of plain tf.Modules against TensorFlow: a checkpoint written by TF and
restored by minitf before the Module creates its Variables gives TF's results, as TF's own
restore does."""
import numpy as np

import minitf


def _classes(tf):
    class Lazy(tf.Module):
        def __init__(self, n, name=None):
            super().__init__(name=name)
            self.n = n
            self.built = False

        def __call__(self, x):
            if not self.built:
                self.w = tf.Variable(tf.ones([x.shape[-1], self.n]), name="w")
                self.b = tf.Variable(tf.zeros([self.n]), name="b")
                self.built = True
            return tf.nn.relu(tf.matmul(x, self.w) + self.b)

    class Stack(tf.Module):
        def __init__(self, name=None):
            super().__init__(name=name)
            self.dense_1 = Lazy(3)
            self.dense_2 = Lazy(2)

        def __call__(self, x):
            return self.dense_2(self.dense_1(x))
    return Stack


def _restored_output(tf, path):
    fresh = _classes(tf)()
    status = tf.train.Checkpoint(model=fresh).restore(path)
    out = fresh(tf.constant([[2.0, -1.0, 0.5]])).numpy()
    status.assert_consumed()
    return out


def test_deferred_restore_of_a_tf_checkpoint(tf_real, tmp_path):
    tf = tf_real
    model = _classes(tf)(name="the_model")
    x = tf.constant([[2.0, -1.0, 0.5]])
    model(x)
    rng = np.random.RandomState(0)
    for v in model.variables:
        v.assign(rng.standard_normal(v.shape).astype(np.float32))
    path = tf.train.Checkpoint(model=model).save(str(tmp_path / "ckpt"))
    want = model(x).numpy()
    np.testing.assert_array_equal(_restored_output(tf, path), want)
    np.testing.assert_array_equal(_restored_output(minitf, path), want)
