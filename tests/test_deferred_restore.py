"""TF's deferred restoration for plain tf.Modules: a checkpoint restored before a Module
creates its Variables assigns the saved values when the Variables are set as attributes."""
import numpy as np

import minitf as tf
from minitf import module as module_lib


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
        return tf.matmul(x, self.w) + self.b


class Stack(tf.Module):
    def __init__(self):
        super().__init__()
        self.first = Lazy(3)
        self.second = Lazy(2)

    def __call__(self, x):
        return self.second(self.first(x))


def _saved(tmp_path):
    model = Stack()
    x = tf.constant([[1.0, 2.0]])
    model(x)
    model.first.w.assign(np.arange(6.0).reshape(2, 3))
    model.second.b.assign([5.0, -5.0])
    path = tf.train.Checkpoint(model=model).write(str(tmp_path / "ckpt"))
    return model, x, path


def test_variables_created_after_restore_get_the_saved_values(tmp_path):
    model, x, path = _saved(tmp_path)
    fresh = Stack()
    status = tf.train.Checkpoint(model=fresh).restore(path)
    assert module_lib.DEFERRED_RESTORE          # the restore waits for w and b
    np.testing.assert_array_equal(fresh(x).numpy(), model(x).numpy())
    np.testing.assert_array_equal(fresh.first.w.numpy(), np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(fresh.second.b.numpy(), [5.0, -5.0])
    status.assert_consumed()
    assert not module_lib.DEFERRED_RESTORE      # nothing waits any more


def test_submodules_created_later_too(tmp_path):
    model, x, path = _saved(tmp_path)

    class LateStack(tf.Module):
        def __call__(self, x):
            if not hasattr(self, "first"):
                self.first, self.second = Lazy(3), Lazy(2)
            return self.second(self.first(x))

    fresh = LateStack(name="stack")
    tf.train.Checkpoint(model=fresh).restore(path)
    np.testing.assert_array_equal(fresh(x).numpy(), model(x).numpy())


def test_restore_after_creation_is_immediate(tmp_path):
    model, x, path = _saved(tmp_path)
    fresh = Stack()
    fresh(x)
    tf.train.Checkpoint(model=fresh).restore(path).assert_consumed()
    assert not module_lib.DEFERRED_RESTORE
    np.testing.assert_array_equal(fresh(x).numpy(), model(x).numpy())
