"""keras.utils.plot_model / model_to_dot (pydot + Graphviz), and the errors without them.
The graph's content is compared with real Keras's in parity/test_plot_model_parity.py."""
import sys
import xml.etree.ElementTree as ET

import pytest

import minitf as tf
from minitf.keras import model_visualization as mv

K = tf.keras
pydot = pytest.importorskip("pydot", reason="pydot is in the [test] extra")


def _model():
    i = K.Input((3,))
    a = K.layers.Dense(4, activation="relu")(i)
    b = K.layers.Dense(2)(i)
    return K.Model(i, K.layers.Concatenate()([a, b]))


def test_png_and_svg_are_written(tmp_path):
    from PIL import Image
    png = tmp_path / "model.png"
    K.utils.plot_model(_model(), to_file=str(png), show_shapes=True)
    with Image.open(png) as img:
        assert img.format == "PNG" and img.size[0] > 100 and img.size[1] > 100
    svg = tmp_path / "model.svg"
    K.utils.plot_model(_model(), to_file=str(svg), show_layer_names=True)
    root = ET.parse(svg).getroot()
    text = " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
    assert "Concatenate" in text and "Dense" in text and "InputLayer" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.png", "model.svg"]


def test_dot_graph_has_one_node_per_layer_and_the_data_edges():
    dot = K.utils.model_to_dot(_model())
    nodes = [n for n in dot.get_nodes() if n.get_name() not in ("node", "graph", "edge")]
    assert len(nodes) == 4                       # input, two Dense, Concatenate
    assert len(dot.get_edges()) == 4             # input->a, input->b, a->cat, b->cat
    assert dot.get("rankdir") == "TB" and dot.get("splines") == "ortho"


def test_without_pydot_the_error_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "pydot", None)     # `import pydot` now fails
    with pytest.raises(ImportError, match=r"pip install pydot.*plot_model"):
        K.utils.plot_model(_model())
    with pytest.raises(ImportError, match="model_to_dot"):
        K.utils.model_to_dot(_model())


def test_without_graphviz_the_error_says_so(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))            # no `dot` program on the PATH
    assert not mv._graphviz_works(pydot)
    with pytest.raises(ImportError, match="You must install graphviz"):
        K.utils.plot_model(_model(), to_file=str(tmp_path / "m.png"))
    assert not (tmp_path / "m.png").exists()


def test_argument_errors():
    with pytest.raises(ValueError, match="not yet been built"):
        K.utils.plot_model(K.Sequential([K.layers.Dense(2)]))
    with pytest.raises(ValueError, match="layer_range"):
        K.utils.model_to_dot(_model(), layer_range=["a", "b"])
    with pytest.raises(ValueError, match="Unrecognized keyword"):
        K.utils.model_to_dot(_model(), colour=True)
