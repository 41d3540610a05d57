"""tf.init_scope against TensorFlow: code lifted out of the function being traced runs once,
eagerly (a Variable assigned there changes once, not on every call), values made there are
concrete, and gradient tapes are paused inside it."""
import minitf


def _program(tf):
    out = []

    class Model(tf.Module):
        def __init__(self):
            self.v = tf.Variable(0)
            self.counter = 0

        @tf.function
        def __call__(self, x):
            if self.counter == 0:
                with tf.init_scope():
                    self.counter += 1
                    self.v.assign_add(1)
                    out.append(int(tf.constant(3).numpy()) * 2)     # eager: has a value
            return self.v + x

    m = Model()
    out.append([int(m(tf.constant(10))) for _ in range(3)])
    out.append((int(m.v), m.counter))
    x = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        with tf.init_scope():
            y = x * x
        z = x * x
    out.append((tape.gradient(y, x), float(tape.gradient(z, x))))
    return out


def test_init_scope_matches_tf(tf_real):
    assert _program(minitf) == _program(tf_real)
