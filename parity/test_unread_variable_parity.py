"""What Variable.assign and its relatives return, compared with TF: an ``_UnreadVariable``
named 'UnreadVariable' that reads the variable's current value whenever it is used, passes
gradients to the variable, and can be updated itself; ``read_value=False`` gives None."""
import numpy as np

import minitf


def _unread_surface(tf):
    v = tf.Variable([[1., 2.], [3., 4.]])
    out = []
    made = [v.assign(2 * v), v.assign_add(tf.ones((2, 2))), v.assign_sub([[1., 0.], [0., 1.]]),
            v[0, 1].assign(42.), v[:, 1].assign([5., 6.]),
            v.scatter_nd_update(indices=[[0, 0], [1, 1]], updates=[100., 200.]),
            v.scatter_update(tf.IndexedSlices(tf.constant([[7., 8.]]), tf.constant([1]))),
            v.scatter_add(tf.IndexedSlices(tf.constant([[1., 1.]]), tf.constant([0]))),
            v.scatter_sub(tf.IndexedSlices(tf.constant([[2., 2.]]), tf.constant([1])))]
    for u in made:    # each is read now, after all the updates: all show the final value
        out.append((repr(u), str(u), u.name, isinstance(u, tf.Variable), u is v,
                    str(u.dtype), tuple(u.shape), u.trainable))
    u = made[0]
    w = u.assign_add([[1., 1.], [1., 1.]])        # updating the view updates the variable
    out.append((repr(w), v.numpy().tolist(), (u * 2).numpy().tolist(),
                u.read_value().numpy().tolist(), tf.convert_to_tensor(u).numpy().tolist()))
    out.append((v.assign(np.zeros((2, 2), np.float32), read_value=False),
                v.assign_add(np.ones((2, 2), np.float32), read_value=False),
                v.assign_sub(np.ones((2, 2), np.float32), read_value=False)))
    with tf.GradientTape() as tape:
        a = v.assign([[1., 2.], [3., 4.]])
        y = tf.reduce_sum(a * a * 3.)
    out.append(tape.gradient(y, v).numpy().tolist())
    try:
        hash(a)
    except Exception as e:
        out.append(type(e).__name__)
    out.append((a.ref() == v.ref(), a.ref() == a.ref()))
    return out


def test_update_methods_return_what_tf_returns(tf_real):
    assert _unread_surface(minitf) == _unread_surface(tf_real)


def _traced(tf):
    v = tf.Variable(1.0)

    @tf.function
    def f():
        return v.assign_add(2.0) * 10.0

    return [float(f()), float(f()), float(v.numpy())]


def test_inside_tf_function_an_assign_returns_the_updated_value(tf_real):
    assert _traced(minitf) == _traced(tf_real)
