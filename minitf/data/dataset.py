"""``tf.data.Dataset``: lazy input pipelines over nested structures of tensors.

A Dataset describes how to produce elements; iterating it runs the pipeline. Transformations
(``map``, ``batch``, ``shuffle``, ...) return new Datasets and change nothing.

>>> import minitf as tf
>>> ds = tf.data.Dataset.from_tensor_slices(([1., 2., 3., 4., 5.], [0, 1, 0, 1, 0]))
>>> ds = ds.map(lambda x, y: (x * 2, y)).batch(2)
>>> [x.numpy().tolist() for x, y in ds]
[[2.0, 4.0], [6.0, 8.0], [10.0]]
>>> ds.element_spec[0], int(ds.cardinality())
(TensorSpec(shape=(None,), dtype=tf.float32, name=None), 3)
"""
from __future__ import annotations

import itertools
import math

import numpy as np

from .. import dtypes, nest
from ..errors import InvalidArgumentError
from ..ops.random_ops import _state as _rng_state
from ..tensor import Tensor, TensorSpec, _make, convert_to_tensor

INFINITE = -1
UNKNOWN = -2


def _spec_of(t: Tensor) -> TensorSpec:
    return TensorSpec(t.shape, t.dtype)


def _call(fn, element):
    """Tuples are unpacked into positional arguments, as TF's map/filter do."""
    return fn(*element) if isinstance(element, tuple) else fn(element)


def _to_tensors(structure):
    return nest.map_structure(lambda v: v if isinstance(v, Tensor) else convert_to_tensor(v),
                              structure)


class Dataset:
    """Base class: subclasses implement ``_elements()`` (a generator of element structures) and
    ``_spec()`` / ``_cardinality()``."""

    # ---- sources ----------------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors, name=None) -> "Dataset":
        """One element per index of the first dimension of every component."""
        return _Slices(tensors)

    @staticmethod
    def from_tensors(tensors, name=None) -> "Dataset":
        """A single element: the whole structure."""
        return _Tensors(tensors)

    @staticmethod
    def range(*args, output_type=dtypes.int64, name=None) -> "Dataset":
        return _Range(range(*[int(a) for a in args]), dtypes.as_dtype(output_type))

    @staticmethod
    def zip(*datasets, name=None) -> "Dataset":
        if len(datasets) == 1 and isinstance(datasets[0], (tuple, list, dict)):
            datasets = datasets[0]
        return _Zip(datasets)

    @staticmethod
    def from_generator(generator, output_types=None, output_shapes=None, args=None,
                       output_signature=None, name=None) -> "Dataset":
        return _Generator(generator, output_signature, args or ())

    # ---- transformations ----------------------------------------------------------------------
    def map(self, map_func, num_parallel_calls=None, deterministic=None, name=None):
        return _Map(self, map_func)

    def filter(self, predicate, name=None):
        return _Filter(self, predicate)

    def batch(self, batch_size, drop_remainder=False, num_parallel_calls=None,
              deterministic=None, name=None):
        if int(batch_size) <= 0:
            raise InvalidArgumentError(None, None, f"batch_size must be greater than zero, but "
                                                   f"got {batch_size}")
        return _Batch(self, int(batch_size), drop_remainder)

    def padded_batch(self, batch_size, padded_shapes=None, padding_values=None,
                     drop_remainder=False, name=None):
        return _Batch(self, int(batch_size), drop_remainder, pad=True,
                      padded_shapes=padded_shapes, padding_values=padding_values)

    def unbatch(self, name=None):
        for spec in nest.flatten(self.element_spec):
            if len(spec.shape) == 0:
                raise ValueError("Cannot unbatch an input with scalar components.")
        return _Unbatch(self)

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=True, name=None):
        if int(buffer_size) <= 0:
            raise InvalidArgumentError(None, None, "buffer_size must be greater than zero.")
        return _Shuffle(self, int(buffer_size), seed, reshuffle_each_iteration)

    def repeat(self, count=None, name=None):
        return _Repeat(self, None if count is None or int(count) < 0 else int(count))

    def take(self, count, name=None):
        return _Take(self, int(count))

    def skip(self, count, name=None):
        return _Skip(self, int(count))

    def cache(self, filename="", name=None):
        if filename:
            raise NotImplementedError("minitf caches in memory only (filename='').")
        return _Cache(self)

    def prefetch(self, buffer_size=None, name=None):
        """A no-op here: elements are produced on demand in the consumer's thread."""
        return self

    def enumerate(self, start=0, name=None):
        return _Zip((_Range(int(start), dtypes.int64, infinite=True), self))

    def concatenate(self, dataset, name=None):
        return _Concatenate(self, dataset)

    def apply(self, transformation_func):
        return transformation_func(self)

    # ---- consuming --------------------------------------------------------------------------
    def __iter__(self):
        return iter(self._elements())

    def as_numpy_iterator(self):
        for element in self._elements():
            yield nest.map_structure(lambda t: t.numpy(), element)

    def take_while(self, predicate, name=None):
        return _TakeWhile(self, predicate)

    @property
    def element_spec(self):
        return self._spec()

    def cardinality(self) -> Tensor:
        """The number of elements; -1 if infinite, -2 if it cannot be known without iterating."""
        return convert_to_tensor(np.int64(self._cardinality()))

    def __len__(self) -> int:
        n = self._cardinality()
        if n == INFINITE:
            raise TypeError("The dataset is infinite.")
        if n == UNKNOWN:
            raise TypeError("The dataset length is unknown.")
        return n

    def reduce(self, initial_state, reduce_func):
        state = initial_state
        for element in self:
            state = reduce_func(state, element)
        return state

    def __repr__(self) -> str:
        return f"<{type(self).__name__.lstrip('_')}Dataset element_spec={self.element_spec}>"

    # defaults for subclasses
    def _cardinality(self) -> int:
        return UNKNOWN


def _components(x):
    """Tuples and dicts are structure; anything else (a list included) is one tensor, as TF
    reads them."""
    if isinstance(x, dict):
        return {k: _components(v) for k, v in x.items()}
    if isinstance(x, tuple):
        items = [_components(v) for v in x]
        return type(x)(*items) if hasattr(x, "_fields") else tuple(items)
    if hasattr(x, "_read_for_op"):
        return x._read_for_op()
    return x if isinstance(x, Tensor) else convert_to_tensor(x)


class _Slices(Dataset):
    def __init__(self, tensors):
        self._structure = _components(tensors)
        flat = nest.flatten(self._structure)
        if any(len(t.shape) == 0 for t in flat):
            raise ValueError("Unbatching a tensor is only supported for rank >= 1")
        sizes = [t.shape[0] for t in flat]
        if len(set(sizes)) > 1:
            raise ValueError(f"Dimensions {sizes[0]} and "
                             f"{next(s for s in sizes if s != sizes[0])} are not compatible")
        self._n = sizes[0] if sizes else 0

    def _elements(self):
        flat = nest.flatten(self._structure)
        for i in range(self._n):
            yield nest.pack_sequence_as(self._structure,
                                        [_make(t._value[i, ...], t._dtype) for t in flat])

    def _spec(self):
        return nest.map_structure(lambda t: TensorSpec(t.shape[1:], t.dtype), self._structure)

    def _cardinality(self):
        return self._n


class _Tensors(Dataset):
    def __init__(self, tensors):
        self._structure = _components(tensors)

    def _elements(self):
        yield self._structure

    def _spec(self):
        return nest.map_structure(_spec_of, self._structure)

    def _cardinality(self):
        return 1


class _Range(Dataset):
    def __init__(self, rng, dtype, infinite=False):
        self._range, self._dtype, self._infinite = rng, dtype, infinite

    def _elements(self):
        it = itertools.count(self._range) if self._infinite else self._range
        for i in it:
            yield _make(np.array(i, dtype=self._dtype._np), self._dtype)

    def _spec(self):
        return TensorSpec((), self._dtype)

    def _cardinality(self):
        return INFINITE if self._infinite else len(self._range)


class _Zip(Dataset):
    def __init__(self, datasets):
        self._datasets = datasets

    def _elements(self):
        flat = nest.flatten(self._datasets) if not isinstance(self._datasets, tuple) else \
            list(self._datasets)
        iters = [iter(d) for d in flat]
        while True:
            try:
                items = [next(i) for i in iters]
            except StopIteration:
                return
            yield nest.pack_sequence_as(self._datasets, items) if not isinstance(
                self._datasets, tuple) else tuple(items)

    def _spec(self):
        if isinstance(self._datasets, tuple):
            return tuple(d.element_spec for d in self._datasets)
        return nest.pack_sequence_as(self._datasets,
                                     [d.element_spec for d in nest.flatten(self._datasets)])

    def _cardinality(self):
        cs = [d._cardinality() for d in (self._datasets if isinstance(self._datasets, tuple)
                                         else nest.flatten(self._datasets))]
        finite = [c for c in cs if c >= 0]
        if finite:
            return min(finite)
        return UNKNOWN if UNKNOWN in cs else INFINITE


class _Map(Dataset):
    def __init__(self, parent, fn):
        self._parent, self._fn = parent, fn

    def _elements(self):
        for e in self._parent._elements():
            yield _to_tensors(_call(self._fn, e))

    def _spec(self):
        first = next(iter(self._parent._elements()), None)
        if first is None:
            raise ValueError("Cannot infer the element_spec of a map over an empty dataset.")
        out = _to_tensors(_call(self._fn, first))
        in_batch_unknown = any(len(s.shape) and s.shape[0] is None
                               for s in nest.flatten(self._parent.element_spec))
        return nest.map_structure(
            lambda t: TensorSpec((None,) + tuple(t.shape[1:]) if in_batch_unknown and
                                 len(t.shape) else t.shape, t.dtype), out)

    def _cardinality(self):
        return self._parent._cardinality()


class _Filter(Dataset):
    def __init__(self, parent, predicate):
        self._parent, self._pred = parent, predicate

    def _elements(self):
        for e in self._parent._elements():
            keep = convert_to_tensor(_call(self._pred, e))
            if keep.dtype is not dtypes.bool or keep.shape != ():
                raise ValueError(f"Invalid `predicate`. `predicate` must return a `tf.bool` "
                                 f"scalar tensor, but its return type is {keep.dtype} with "
                                 f"shape {keep.shape}.")
            if bool(keep._value):
                yield e

    def _spec(self):
        return self._parent.element_spec


class _Batch(Dataset):
    def __init__(self, parent, size, drop_remainder, pad=False, padded_shapes=None,
                 padding_values=None):
        self._parent, self._size, self._drop = parent, size, drop_remainder
        self._pad, self._padded_shapes, self._padding_values = pad, padded_shapes, padding_values

    def _stack(self, items):
        flat = [nest.flatten(e) for e in items]
        template = items[0]
        out = []
        pads = nest.flatten(self._padded_shapes) if self._padded_shapes is not None else None
        values = nest.flatten(self._padding_values) if self._padding_values is not None else None
        for c, parts in enumerate(zip(*flat)):
            shapes = [p._value.shape for p in parts]
            dt = parts[0]._dtype
            if self._pad:
                target = list(np.max(np.array(shapes), axis=0)) if shapes[0] else []
                if pads is not None:
                    spec = list(pads[c]) if not isinstance(pads[c], int) else [pads[c]]
                    target = [t if s in (None, -1) else int(s) for t, s in zip(target, spec)]
                fill = 0 if values is None else values[c]
                arrs = []
                for p in parts:
                    v = p._value
                    if any(s > t for s, t in zip(v.shape, target)):
                        raise InvalidArgumentError(None, None, f"Attempted to pad to a smaller "
                                                               f"size than the input element.")
                    widths = [(0, t - s) for s, t in zip(v.shape, target)]
                    arrs.append(np.pad(v, widths, constant_values=fill) if widths else v)
                out.append(_make(np.stack(arrs), dt))
                continue
            for k, s in enumerate(shapes[1:], 1):
                if s != shapes[0]:
                    raise InvalidArgumentError(
                        None, None, f"Cannot batch tensors with different shapes in component "
                                    f"{c}. First element had shape {list(shapes[0])} and element "
                                    f"{k} had shape {list(s)}.")
            out.append(_make(np.stack([p._value for p in parts]), dt))
        return nest.pack_sequence_as(template, out)

    def _elements(self):
        buf = []
        for e in self._parent._elements():
            buf.append(e)
            if len(buf) == self._size:
                yield self._stack(buf)
                buf = []
        if buf and not self._drop:
            yield self._stack(buf)

    def _spec(self):
        lead = self._size if self._drop else None
        parent = self._parent.element_spec
        specs = nest.flatten(parent)
        if self._pad and self._padded_shapes is not None:
            pads = nest.flatten(self._padded_shapes)
            inner = [[None if d in (None, -1) else int(d)
                      for d in ([p] if isinstance(p, int) else list(p))] for p in pads]
        else:
            inner = [[None if self._pad else d for d in s.shape] for s in specs]
        return nest.pack_sequence_as(parent, [TensorSpec((lead,) + tuple(i), s.dtype)
                                              for i, s in zip(inner, specs)])

    def _cardinality(self):
        n = self._parent._cardinality()
        if n < 0:
            return n
        return n // self._size if self._drop else math.ceil(n / self._size)


class _Unbatch(Dataset):
    def __init__(self, parent):
        self._parent = parent

    def _elements(self):
        for e in self._parent._elements():
            flat = nest.flatten(e)
            n = flat[0]._value.shape[0]
            for i in range(n):
                yield nest.pack_sequence_as(e, [_make(t._value[i, ...], t._dtype) for t in flat])

    def _spec(self):
        return nest.map_structure(lambda s: TensorSpec(s.shape[1:], s.dtype),
                                  self._parent.element_spec)


class _Shuffle(Dataset):
    """TF's buffer algorithm: fill a buffer of ``buffer_size`` elements, then repeatedly emit a
    uniformly chosen one and put the next input element in its place."""

    def __init__(self, parent, size, seed, reshuffle):
        self._parent, self._size, self._reshuffle = parent, size, reshuffle
        gseed = _rng_state["seed"]
        if seed is None and gseed is None:
            self._seed = int(np.random.SeedSequence().entropy % 2 ** 63)
        else:
            self._seed = hash((gseed, seed)) % 2 ** 63
        self._epoch = 0

    def _elements(self):
        rng = np.random.default_rng([self._seed, self._epoch if self._reshuffle else 0])
        self._epoch += 1
        buf = []
        for e in self._parent._elements():
            if len(buf) < self._size:
                buf.append(e)
                continue
            i = int(rng.integers(len(buf)))
            yield buf[i]
            buf[i] = e
        while buf:
            i = int(rng.integers(len(buf)))
            yield buf[i]
            buf[i] = buf[-1]
            buf.pop()

    def _spec(self):
        return self._parent.element_spec

    def _cardinality(self):
        return self._parent._cardinality()


class _Repeat(Dataset):
    def __init__(self, parent, count):
        self._parent, self._count = parent, count

    def _elements(self):
        k = 0
        while self._count is None or k < self._count:
            produced = False
            for e in self._parent._elements():
                produced = True
                yield e
            if not produced:
                return
            k += 1

    def _spec(self):
        return self._parent.element_spec

    def _cardinality(self):
        n = self._parent._cardinality()
        if self._count is None:
            return 0 if n == 0 else INFINITE if n != UNKNOWN else UNKNOWN
        return n * self._count if n >= 0 else n


class _Take(Dataset):
    def __init__(self, parent, count):
        self._parent, self._count = parent, count

    def _elements(self):
        if self._count < 0:
            yield from self._parent._elements()
            return
        yield from itertools.islice(self._parent._elements(), self._count)

    def _spec(self):
        return self._parent.element_spec

    def _cardinality(self):
        n = self._parent._cardinality()
        if self._count < 0:
            return n
        if n == INFINITE:
            return self._count
        return min(n, self._count) if n >= 0 else UNKNOWN


class _Skip(Dataset):
    def __init__(self, parent, count):
        self._parent, self._count = parent, count

    def _elements(self):
        it = self._parent._elements()
        if self._count < 0:
            return
        yield from itertools.islice(it, self._count, None)

    def _spec(self):
        return self._parent.element_spec

    def _cardinality(self):
        n = self._parent._cardinality()
        if n < 0:
            return n
        return 0 if self._count < 0 else max(0, n - self._count)


class _TakeWhile(Dataset):
    def __init__(self, parent, predicate):
        self._parent, self._pred = parent, predicate

    def _elements(self):
        for e in self._parent._elements():
            if not bool(convert_to_tensor(_call(self._pred, e))._value):
                return
            yield e

    def _spec(self):
        return self._parent.element_spec


class _Cache(Dataset):
    def __init__(self, parent):
        self._parent, self._store = parent, None

    def _elements(self):
        if self._store is not None:
            yield from self._store
            return
        collected = []
        for e in self._parent._elements():
            collected.append(e)
            yield e
        self._store = collected     # complete only once the input was read to its end

    def _spec(self):
        return self._parent.element_spec

    def _cardinality(self):
        return self._parent._cardinality()


class _Concatenate(Dataset):
    def __init__(self, a, b):
        self._a, self._b = a, b

    def _elements(self):
        yield from self._a._elements()
        yield from self._b._elements()

    def _spec(self):
        return self._a.element_spec

    def _cardinality(self):
        a, b = self._a._cardinality(), self._b._cardinality()
        if a == INFINITE or b == INFINITE:
            return INFINITE
        return a + b if a >= 0 and b >= 0 else UNKNOWN


class _Generator(Dataset):
    def __init__(self, generator, signature, args):
        self._gen, self._sig, self._args = generator, signature, args

    def _elements(self):
        for e in self._gen(*self._args):
            if self._sig is not None:
                flat_sig = nest.flatten(self._sig)
                flat = [convert_to_tensor(v, s.dtype) for v, s in zip(nest.flatten(e), flat_sig)]
                for t, s in zip(flat, flat_sig):
                    if not s.shape.is_compatible_with(t.shape) if len(s.shape) == len(t.shape) \
                            else True:
                        raise InvalidArgumentError(None, None, f"`generator` yielded an element "
                                                               f"of shape {t.shape} where an "
                                                               f"element of shape {s.shape} was "
                                                               f"expected.")
                yield nest.pack_sequence_as(self._sig, flat)
            else:
                yield _to_tensors(e)

    def _spec(self):
        if self._sig is None:
            raise ValueError("from_generator needs `output_signature` to know its element_spec")
        return self._sig



