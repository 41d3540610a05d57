"""The tracing protocol (tf.types.experimental) against TensorFlow: objects that define
``__tf_tracing_type__`` share traces by their TraceType's equality; objects that do not are
traced once per instance; TraceType is abstract as in TF. The trace counts are compared."""
import pytest

import minitf


def _program(tf):
    class FruitTraceType(tf.types.experimental.TraceType):
        def __init__(self, fruit):
            self.fruit_type = type(fruit)
            self.fruit_value = fruit

        def is_subtype_of(self, other):
            return type(other) is FruitTraceType and self.fruit_type is other.fruit_type

        def most_specific_common_supertype(self, others):
            return self if all(self == other for other in others) else None

        def placeholder_value(self, placeholder_context=None):
            return self.fruit_value

        def __eq__(self, other):
            return type(other) is FruitTraceType and self.fruit_type == other.fruit_type

        def __hash__(self):
            return hash(self.fruit_type)

    class Fruit:
        def __tf_tracing_type__(self, context):
            return FruitTraceType(self)

    class Apple(Fruit):
        flavor = tf.constant([1, 2])

    class Mango(Fruit):
        flavor = tf.constant([3, 4])

    class Plain:
        flavor = tf.constant([5, 6])

    @tf.function
    def mixed(a, b):
        return a.flavor + b.flavor

    out = []
    for a, b in [(Apple(), Mango()), (Apple(), Mango()), (Mango(), Apple()), (Apple(), Apple())]:
        out.append(mixed(a, b).numpy().tolist())
    out.append(mixed.experimental_get_tracing_count())
    plain = [Plain(), Plain(), Plain()]           # kept alive: their identities stay distinct
    for p in plain:
        out.append(mixed(p, p).numpy().tolist())
    out.append(mixed.experimental_get_tracing_count())
    out.append(isinstance(Apple(), tf.types.experimental.SupportsTracingProtocol))
    out.append(isinstance(Plain(), tf.types.experimental.SupportsTracingProtocol))
    return out


def test_tracing_protocol_counts_match_tf(tf_real):
    assert _program(minitf) == _program(tf_real)


def test_trace_type_is_abstract_as_in_tf(tf_real):
    errors = []
    for tf in (tf_real, minitf):
        class Incomplete(tf.types.experimental.TraceType):
            pass
        with pytest.raises(TypeError) as info:
            Incomplete()
        errors.append(str(info.value))
    assert errors[0] == errors[1]
