"""keras.utils.model_to_dot / plot_model: the same Graphviz graph as Keras 3 draws.

Nodes are compared by their labels (Keras's HTML-like tables: names, classes, activation,
shapes, dtypes, trainability) in order, and edges as (producer, consumer) name pairs; node
ids are Python object ids in both libraries, so they are mapped to layer names first."""
import re

import pytest

import minitf

pydot = pytest.importorskip("pydot")


@pytest.fixture(scope="module")
def keras(tf_real):
    import keras
    return keras


def _models(K):
    seq = K.Sequential([K.Input((3,), name="x"), K.layers.Dense(4, activation="relu", name="h"),
                        K.layers.Dropout(0.1, name="drop"), K.layers.Dense(2, name="y")],
                       name="seq")
    i = K.Input((5,), name="inp")
    a = K.layers.Dense(4, activation="tanh", name="a")(i)
    b = K.layers.Dense(3, name="b")(i)
    frozen = K.layers.Dense(2, name="frozen")
    frozen.trainable = False
    c = K.layers.Concatenate(name="cat")([a, b])
    func = K.Model(i, [K.layers.Dense(1, name="out")(c), frozen(b)], name="func")
    return {"sequential": seq, "functional": func}


def _graph(dot):
    names = {}
    nodes = []
    for n in dot.get_nodes():
        if n.get_name() in ("node", "graph", "edge"):
            continue
        label = n.get("label")
        names[n.get_name()] = re.search(r"<b>([^<]*)</b>", label).group(1)
        nodes.append(label)
    edges = sorted((names[e.get_source()], names[e.get_destination()]) for e in dot.get_edges())
    attrs = dot.get_attributes()
    return nodes, edges, attrs


OPTIONS = [dict(), dict(show_shapes=True), dict(show_dtype=True, show_layer_activations=True),
           dict(show_trainable=True, show_layer_names=False, rankdir="LR", dpi=96),
           dict(show_shapes=True, show_dtype=True, show_trainable=True,
                show_layer_activations=True)]


@pytest.mark.parametrize("kind", ["sequential", "functional"])
@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: "-".join(sorted(o)) or "default")
def test_model_to_dot_matches_keras(keras, kind, options):
    ours = _graph(minitf.keras.utils.model_to_dot(_models(minitf.keras)[kind], **options))
    theirs = _graph(keras.utils.model_to_dot(_models(keras)[kind], **options))
    assert ours == theirs


def test_subclassed_model_is_one_box(keras):
    def make(K):
        class Net(K.Model):
            def __init__(self):
                super().__init__(name="net")
                self.d = K.layers.Dense(2)

            def call(self, x):
                return self.d(x)
        m = Net()
        m(minitf.constant([[1.0]]) if K is minitf.keras else keras.ops.ones((1, 1)))
        return m
    assert _graph(minitf.keras.utils.model_to_dot(make(minitf.keras))) == \
        _graph(keras.utils.model_to_dot(make(keras)))


def test_unbuilt_model_is_a_value_error(keras):
    for K in (minitf.keras, keras):
        with pytest.raises(ValueError, match="not yet been built"):
            K.utils.model_to_dot(K.Sequential([K.layers.Dense(2)]))
