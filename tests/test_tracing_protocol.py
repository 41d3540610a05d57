"""tf.types.experimental: TraceType and __tf_tracing_type__ decide when tf.function retraces
(the rule of TF's tracing protocol: equal trace types share one trace)."""
import pytest

import minitf as tf


class KindType(tf.types.experimental.TraceType):
    def __init__(self, kind):
        self.kind = kind

    def is_subtype_of(self, other):
        return self == other

    def most_specific_common_supertype(self, others):
        return self if all(self == o for o in others) else None

    def placeholder_value(self, placeholder_context=None):
        return None

    def __eq__(self, other):
        return type(other) is KindType and other.kind == self.kind

    def __hash__(self):
        return hash(self.kind)


class Shape:
    def __init__(self, kind, size):
        self.kind, self.size = kind, size

    def __tf_tracing_type__(self, context):
        return KindType(self.kind)


def test_equal_trace_types_share_one_trace():
    traced = []

    @tf.function
    def area(s, x):
        traced.append(s.kind)
        return x * s.size

    # the size is read while tracing: a later object of the same kind reuses that trace
    assert float(area(Shape("sq", 2.0), tf.constant(1.0))) == 2.0
    assert float(area(Shape("sq", 5.0), tf.constant(1.0))) == 2.0
    assert float(area(Shape("tri", 3.0), tf.constant(1.0))) == 3.0
    assert traced == ["sq", "tri"] and area.experimental_get_tracing_count() == 2


def test_objects_without_the_protocol_trace_per_object():
    class Plain:
        size = 1.0

    @tf.function
    def f(p):
        return tf.constant(p.size)

    objs = [Plain(), Plain()]
    for o in objs:
        f(o)
    f(objs[0])
    assert f.experimental_get_tracing_count() == 2


def test_trace_type_must_be_complete():
    class Partial(tf.types.experimental.TraceType):
        def __eq__(self, other):
            return self is other

        def __hash__(self):
            return 0

    # Python's own ABC message; 3.12 quotes the names ('is_subtype_of', ...), 3.11 does not
    with pytest.raises(TypeError, match="abstract methods '?is_subtype_of'?, "
                                        "'?most_specific_common_supertype'?, "
                                        "'?placeholder_value'?"):
        Partial()


def test_supports_tracing_protocol_is_a_runtime_checkable_protocol():
    assert isinstance(Shape("sq", 1.0), tf.types.experimental.SupportsTracingProtocol)
    assert not isinstance(object(), tf.types.experimental.SupportsTracingProtocol)
