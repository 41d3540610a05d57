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

import collections
import itertools
import math
import os

import numpy as np

from .. import dtypes, nest
from ..errors import InternalError, InvalidArgumentError, OpError, UnknownError
from ..tensor import (Tensor, TensorSpec, UnknownRankShape, _make, _place, convert_to_tensor,
                      is_variable)
from .random_seed_generator import SeedGenerator, WordStream, dataset_seeds

INFINITE = -1
UNKNOWN = -2


def _spec_of(t: Tensor) -> TensorSpec:
    return TensorSpec(t.shape, t.dtype)


def _call(fn, element):
    """Tuples are unpacked into positional arguments, as TF's map/filter do."""
    return fn(*element) if isinstance(element, tuple) else fn(element)


def _int_arg(value, name: str) -> int:
    """A scalar integer argument (a count, a size, a bound), converted as TF converts it, to
    an int64 tensor: a float or a string is a TypeError, None or an int32 tensor a
    ValueError, a non-scalar an InvalidArgumentError."""
    try:
        t = convert_to_tensor(value, dtypes.int64)
    except (TypeError, ValueError) as e:
        raise type(e)(f"{name}: {e}") from None
    if t.shape != ():
        raise InvalidArgumentError(None, None, f"{name} must be a scalar, got shape {t.shape}")
    return int(t.numpy())


def _positive_batch_size(batch_size) -> int:
    n = _int_arg(batch_size, "batch_size")
    if n <= 0:
        raise InvalidArgumentError(None, None, f"batch_size must be greater than zero, but got "
                                               f"{n}")
    return n


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
        """``range(stop)``, ``range(start, stop)`` or ``range(start, stop, step)`` as scalars
        of ``output_type`` (int64 by default). The bounds must be integers (``range(2.5)`` is
        a TypeError, as in TF) and ``step`` non-zero (InvalidArgumentError)."""
        bounds = [_int_arg(a, n) for a, n in zip(args, ("start", "stop", "step")
                                                 if len(args) > 1 else ("stop",))]
        if len(bounds) == 3 and bounds[2] == 0:
            raise InvalidArgumentError(None, None, "step must be a non-zero integer.")
        return _Range(range(*bounds), dtypes.as_dtype(output_type))

    @staticmethod
    def list_files(file_pattern, shuffle=None, seed=None, name=None) -> "Dataset":
        """The paths matching one glob pattern or a list of them (``*``, ``?``, ``[...]``), as
        scalar string tensors: all matches sorted together, then shuffled unless
        ``shuffle=False`` (a buffer as large as the list, so any order can come out; a new
        order each pass; with a seed, TF's order). No match at all is TF's InvalidArgumentError.

        >>> import minitf as tf, os, tempfile
        >>> d = tempfile.mkdtemp()
        >>> for n in ("b.csv", "a.csv", "c.txt"):
        ...     open(os.path.join(d, n), "w").close()
        >>> files = tf.data.Dataset.list_files(os.path.join(d, "*.csv"), shuffle=False)
        >>> [os.path.basename(f.numpy().decode()) for f in files]
        ['a.csv', 'b.csv']"""
        import glob
        patterns = file_pattern
        if isinstance(patterns, Tensor):
            patterns = patterns.numpy()
        if isinstance(patterns, (str, bytes)) or np.ndim(patterns) == 0:
            patterns = [patterns]
        patterns = [p.decode() if isinstance(p, bytes) else str(p)
                    for p in np.asarray(patterns, dtype=object).reshape(-1)]
        matches = sorted(m for p in patterns for m in glob.glob(p))
        if not matches:
            raise InvalidArgumentError(
                None, None, "Expected 'tf.Tensor(False, shape=(), dtype=bool)' to be true. "
                f"Summarized data: b'No files matched pattern: {', '.join(patterns)}'")
        files = _Slices(convert_to_tensor(np.array(matches, dtype=object), dtypes.string))
        if shuffle is None or shuffle:
            files = files.shuffle(len(matches), seed=seed)
        return files

    @staticmethod
    def zip(*datasets, name=None) -> "Dataset":
        """Pair up datasets element by element (a tuple, or a dict of datasets); it stops at the
        shortest one.

        >>> import minitf as tf
        >>> a, b = tf.data.Dataset.range(3), tf.data.Dataset.range(10, 12)
        >>> [(int(x), int(y)) for x, y in tf.data.Dataset.zip((a, b))]
        [(0, 10), (1, 11)]"""
        if len(datasets) == 1 and isinstance(datasets[0], (tuple, list, dict)):
            datasets = datasets[0]
        _check_zip_input(datasets)
        return _Zip(datasets)

    @staticmethod
    def from_generator(generator, output_types=None, output_shapes=None, args=None,
                       output_signature=None, name=None) -> "Dataset":
        """Elements produced by a Python generator, typed and shaped by a signature.

        The structure of each element comes from ``output_signature`` (a structure of
        ``tf.TensorSpec``), or from the older ``output_types`` with optional
        ``output_shapes``. As everywhere in tf.data, tuples and dicts are structure and a
        Python list is one tensor: yielding ``[1, 2]`` gives one tensor of shape (2,).
        ``generator`` is called afresh for each pass, with ``args`` as NumPy values.

        TF converts each yielded value when it is read, and a value that does not fit raises
        ``InvalidArgumentError`` then (not when the dataset is built):

        * a yield whose structure differs (a list for a tuple, a missing dict key);
        * a value that cannot become the component's dtype, or a ragged list;
        * a shape incompatible with the declared one.

        TF converts in one of two ways. A single component declared without a shape (unknown
        rank) is converted as ``tf.convert_to_tensor(value, dtype)`` does, so ``1.5`` for an
        int32 component is an error. A structure, or a component with a known rank, is
        converted with NumPy's casting rules, so ``1.5`` becomes ``1``.

        >>> import minitf as tf
        >>> ds = tf.data.Dataset.from_generator(lambda: iter([[1, 2], [3, 4]]),
        ...                                     output_types=tf.int32)
        >>> [b.numpy().tolist() for b in ds.batch(2)]
        [[[1, 2], [3, 4]]]
        >>> ds.element_spec
        TensorSpec(shape=<unknown>, dtype=tf.int32, name=None)
        >>> sig = tf.TensorSpec(shape=(3,), dtype=tf.float32)
        >>> list(tf.data.Dataset.from_generator(lambda: iter([[1, 2]]), output_signature=sig))
        Traceback (most recent call last):
        ...
        minitf.errors.InvalidArgumentError: `generator` yielded an element of shape (2,) where ...
        """
        if not callable(generator):
            raise TypeError("`generator` must be a Python callable.")
        signature = _generator_signature(output_types, output_shapes, output_signature)
        return _Generator(generator, signature, () if args is None else tuple(args))

    # ---- transformations ----------------------------------------------------------------------
    def map(self, map_func, num_parallel_calls=None, deterministic=None, name=None):
        """Apply ``map_func`` to each element (a tuple element is passed as separate arguments, as in
        TF). ``num_parallel_calls`` is accepted; minitf maps in the consumer's thread.

        >>> import minitf as tf
        >>> [int(x) for x in tf.data.Dataset.range(3).map(lambda x: x * 2)]
        [0, 2, 4]"""
        out = _Map(self, map_func)
        if num_parallel_calls is not None:
            out._tf_class = "_ParallelMapDataset"
        return out

    def filter(self, predicate, name=None):
        """Keep the elements for which ``predicate`` returns a True scalar bool."""
        return _Filter(self, predicate)

    def batch(self, batch_size, drop_remainder=False, num_parallel_calls=None,
              deterministic=None, name=None):
        """Stack ``batch_size`` consecutive elements into one; the last, smaller batch is kept
        unless ``drop_remainder=True`` (then the batch dimension is static).

        >>> import minitf as tf
        >>> [b.numpy().tolist() for b in tf.data.Dataset.range(5).batch(2)]
        [[0, 1], [2, 3], [4]]"""
        return _Batch(self, _positive_batch_size(batch_size), drop_remainder)

    def padded_batch(self, batch_size, padded_shapes=None, padding_values=None,
                     drop_remainder=False, name=None):
        """Like ``batch``, but pads each component to ``padded_shapes`` (default: the longest in
        the batch) with ``padding_values`` (default 0, or b'' for strings)."""
        if padded_shapes is None:
            for i, spec in enumerate(nest.flatten(self.element_spec)):
                if _rank(spec.shape) is None:
                    raise ValueError(f"You must provide `padded_shapes` argument because "
                                     f"component {i} has unknown rank.")
        out = _Batch(self, _positive_batch_size(batch_size), drop_remainder, pad=True,
                     padded_shapes=padded_shapes, padding_values=padding_values)
        out._tf_class = "_PaddedBatchDataset"
        return out

    def unbatch(self, name=None):
        """Split each element along its first axis into separate elements (the inverse of
        ``batch``); scalar components are a ValueError."""
        for spec in nest.flatten(self.element_spec):
            if _rank(spec.shape) == 0:     # an unknown rank is checked per element instead
                raise ValueError("Cannot unbatch an input with scalar components.")
        return _Unbatch(self)

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=True, name=None):
        """Shuffle with a buffer of ``buffer_size`` elements: each output is drawn at random from
        the buffer, so the mix is complete only when the buffer holds the whole dataset. A new order
        each pass unless ``reshuffle_each_iteration=False``. The draws are TF's own (a Philox stream
        seeded by the global and op seeds, see ``random_seed_generator``), so a seeded pipeline
        gives TF's order; with no seed anywhere the order is random, as in TF.

        >>> import minitf as tf
        >>> tf.random.set_seed(None)        # no global seed: the op seed alone decides
        >>> d = tf.data.Dataset.range(6).shuffle(3, seed=42)
        >>> [int(x) for x in d], [int(x) for x in d]          # TF prints the same two orders
        ([0, 3, 4, 2, 5, 1], [0, 1, 4, 2, 3, 5])"""
        size = _int_arg(buffer_size, "buffer_size")
        if size <= 0:
            raise InvalidArgumentError(None, None, "buffer_size must be greater than zero.")
        return _Shuffle(self, size, seed, reshuffle_each_iteration)

    def repeat(self, count=None, name=None):
        """Run through the dataset ``count`` times (forever when None or -1)."""
        n = -1 if count is None else _int_arg(count, "count")
        return _Repeat(self, None if n < 0 else n)

    def take(self, count, name=None):
        """At most the first ``count`` elements (all of them when ``count`` is -1)."""
        return _Take(self, _int_arg(count, "count"))

    def skip(self, count, name=None):
        """Drop the first ``count`` elements (all of them when ``count`` is -1)."""
        return _Skip(self, _int_arg(count, "count"))

    def cache(self, filename="", name=None):
        """Remember the elements of the first pass and replay them on later passes (in memory;
        minitf does not write cache files)."""
        if filename:
            raise NotImplementedError("minitf caches in memory only (filename='').")
        return _Cache(self)

    def prefetch(self, buffer_size=None, name=None):
        """A no-op here: elements are produced on demand in the consumer's thread."""
        return self

    def enumerate(self, start=0, name=None):
        """Pair each element with its position, ``(index, element)``, counting from ``start``
        as int64."""
        return _Zip((_Range(_int_arg(start, "start"), dtypes.int64, infinite=True), self))

    def concatenate(self, dataset, name=None):
        """The elements of this dataset, then those of ``dataset``. Both must have the same
        structure and dtypes (a TypeError otherwise, as in TF); where their shapes differ,
        the element_spec has None for the dimension, or an unknown rank."""
        try:
            specs = self.element_spec, dataset.element_spec
        except ValueError:      # a map over an empty dataset has no spec to compare
            specs = None
        if specs is not None:
            _check_concatenable(*specs)
        return _Concatenate(self, dataset)

    def interleave(self, map_func, cycle_length=None, block_length=None,
                   num_parallel_calls=None, deterministic=None, name=None):
        """Map each element to a Dataset and mix their elements: ``cycle_length`` of them are
        open at once and read in turn, ``block_length`` elements at a time (default 1); an
        exhausted one is replaced, in its turn, by the dataset of the next input element. The
        default ``cycle_length`` is TF's: the number of CPU cores this process may run on.
        ``num_parallel_calls`` is accepted and the order stays the deterministic one.

        >>> import minitf as tf
        >>> d = tf.data.Dataset.range(1, 4).interleave(
        ...     lambda x: tf.data.Dataset.range(10 * x, 10 * x + x), cycle_length=2)
        >>> [int(v) for v in d]
        [10, 20, 21, 30, 31, 32]"""
        cycle = _default_cycle_length() if cycle_length is None else _int_arg(
            cycle_length, "cycle_length")
        if cycle == -1:                 # tf.data.AUTOTUNE
            cycle = _default_cycle_length()
        block = 1 if block_length is None else _int_arg(block_length, "block_length")
        if cycle <= 0:
            raise InvalidArgumentError(None, None, "cycle_length must be greater than zero.")
        if block <= 0:
            raise InvalidArgumentError(None, None, "block_length must be greater than zero.")
        out = _Interleave(self, map_func, cycle, block)
        if num_parallel_calls is not None:
            out._tf_class = "_ParallelInterleaveDataset"
        return out

    def apply(self, transformation_func):
        """``transformation_func(self)``: lets a function that builds a pipeline be chained like a
        method."""
        return transformation_func(self)

    # ---- consuming --------------------------------------------------------------------------
    def __iter__(self):
        from .iterator_ops import OwnedIterator
        return OwnedIterator(self)

    def as_numpy_iterator(self):
        """Iterate the elements as NumPy values (the same structure, each tensor's
        ``.numpy()``).

        >>> import minitf as tf
        >>> list(tf.data.Dataset.range(2).as_numpy_iterator())
        [np.int64(0), np.int64(1)]"""
        for element in self._elements():
            yield nest.map_structure(lambda t: t.numpy(), element)

    def take_while(self, predicate, name=None):
        """Elements up to (not including) the first for which ``predicate`` is False."""
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
        """Fold the dataset into one value: ``state = reduce_func(state, element)`` for each
        element, starting at ``initial_state``.

        >>> import minitf as tf
        >>> int(tf.data.Dataset.range(5).reduce(tf.constant(0, tf.int64), lambda s, x: s + x))
        10"""
        state = initial_state
        for element in self:
            state = reduce_func(state, element)
        return state

    # The class TF's repr names for the same transformation (``<_MapDataset element_spec=...>``);
    # user code and doctests print it, so each subclass states its TF name.
    _tf_class = "DatasetV2"

    def __repr__(self) -> str:
        return f"<{self._tf_class} element_spec={self.element_spec}>"

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
    if is_variable(x):
        return x._read_for_op()
    return x if isinstance(x, Tensor) else convert_to_tensor(x)


class _Slices(Dataset):
    _tf_class = "_TensorSliceDataset"

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
    _tf_class = "_TensorDataset"

    def __init__(self, tensors):
        self._structure = _components(tensors)

    def _elements(self):
        yield self._structure

    def _spec(self):
        return nest.map_structure(_spec_of, self._structure)

    def _cardinality(self):
        return 1


class _Range(Dataset):
    _tf_class = "_RangeDataset"

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
    _tf_class = "_ZipDataset"

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
    _tf_class = "_MapDataset"

    def __init__(self, parent, fn):
        self._parent, self._fn = parent, fn

    def _elements(self):
        for e in self._parent._elements():
            yield _to_tensors(_call(self._fn, e))

    def _spec(self):
        first = _first_element(self._parent)
        if first is None:
            raise ValueError("Cannot infer the element_spec of a map over an empty dataset.")
        out = _to_tensors(_call(self._fn, first))
        in_batch_unknown = any(_rank(s.shape) and s.shape[0] is None
                               for s in nest.flatten(self._parent.element_spec))
        return nest.map_structure(
            lambda t: TensorSpec((None,) + tuple(t.shape[1:]) if in_batch_unknown and
                                 len(t.shape) else t.shape, t.dtype), out)

    def _cardinality(self):
        return self._parent._cardinality()


def _predicate_value(predicate, element) -> bool:
    """A filter/take_while predicate's verdict; it must return a scalar bool, as in TF."""
    keep = convert_to_tensor(_call(predicate, element))
    if keep.dtype is not dtypes.bool or keep.shape != ():
        raise ValueError(f"Invalid `predicate`. `predicate` must return a `tf.bool` scalar "
                         f"tensor, but its return type is {keep.dtype} with shape "
                         f"{keep.shape}.")
    return bool(keep._value)


class _Filter(Dataset):
    _tf_class = "_FilterDataset"

    def __init__(self, parent, predicate):
        self._parent, self._pred = parent, predicate

    def _elements(self):
        for e in self._parent._elements():
            if _predicate_value(self._pred, e):
                yield e

    def _spec(self):
        return self._parent.element_spec


class _Batch(Dataset):
    _tf_class = "_BatchDataset"

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
            inner = [None if _rank(s.shape) is None else [None if self._pad else d
                                                          for d in s.shape] for s in specs]
        # A batch of elements of unknown rank has an unknown rank too.
        return nest.pack_sequence_as(parent, [
            _tensor_spec(s.dtype, None if i is None else (lead,) + tuple(i))
            for i, s in zip(inner, specs)])

    def _cardinality(self):
        n = self._parent._cardinality()
        if n < 0:
            return n
        return n // self._size if self._drop else math.ceil(n / self._size)


class _Unbatch(Dataset):
    _tf_class = "_UnbatchDataset"

    def __init__(self, parent):
        self._parent = parent

    def _elements(self):
        for e in self._parent._elements():
            flat = nest.flatten(e)
            if any(t._value.ndim == 0 for t in flat):     # possible with an unknown rank
                raise InvalidArgumentError(None, None, "Input element must have a non-scalar "
                                                       "value in each component.")
            n = flat[0]._value.shape[0]
            for i in range(n):
                yield nest.pack_sequence_as(e, [_make(t._value[i, ...], t._dtype) for t in flat])

    def _spec(self):
        return nest.map_structure(
            lambda s: _tensor_spec(s.dtype, None if _rank(s.shape) is None else s.shape[1:]),
            self._parent.element_spec)


# Above zero while a spec is inferred from a first element: that peek is not an iteration in
# TF (it types the function at build time), so it must not use up a shuffle's epoch seeds.
_probing = [0]


def _first_element(ds: "Dataset"):
    """``ds``'s first element (None if empty), read without moving any shuffle's seeds on."""
    _probing[0] += 1
    try:
        return next(iter(ds._elements()), None)
    finally:
        _probing[0] -= 1


class _Shuffle(Dataset):
    """TF's buffer algorithm, drawn from TF's stream (see ``random_seed_generator``): keep up
    to ``buffer_size`` elements in arrival order; for each output pick ``word % count`` as an
    offset into them, emit that element, move the oldest element into its place, and append the
    next input element at the back."""
    _tf_class = "_ShuffleDataset"

    def __init__(self, parent, size, seed, reshuffle):
        self._parent, self._size = parent, size
        # Seeds are fixed when the dataset is built (consuming a global-seed op seed then),
        # not when it is iterated, as in TF.
        self._seeds = SeedGenerator(dataset_seeds(seed), bool(reshuffle))

    def _elements(self):
        words = WordStream(*(self._seeds.peek() if _probing[0] else self._seeds.generate()))
        buf = collections.deque()
        source = iter(self._parent._elements())
        exhausted = False
        while True:
            while not exhausted and len(buf) < self._size:
                try:
                    buf.append(next(source))
                except StopIteration:
                    exhausted = True
            if not buf:
                return
            k = words.next() % len(buf)
            out = buf[k]
            buf[k] = buf[0]
            buf.popleft()
            yield out

    def _spec(self):
        return self._parent.element_spec

    def _cardinality(self):
        return self._parent._cardinality()


class _Repeat(Dataset):
    _tf_class = "_RepeatDataset"

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
        if self._count is None:      # forever: infinite unless empty, even if n is unknown
            return 0 if n == 0 else INFINITE
        return n * self._count if n >= 0 else n


class _Take(Dataset):
    _tf_class = "_TakeDataset"

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
    _tf_class = "_SkipDataset"

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
    _tf_class = "_TakeWhileDataset"

    def __init__(self, parent, predicate):
        self._parent, self._pred = parent, predicate

    def _elements(self):
        for e in self._parent._elements():
            if not _predicate_value(self._pred, e):
                return
            yield e

    def _spec(self):
        return self._parent.element_spec


class _Cache(Dataset):
    _tf_class = "CacheDataset"

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


def _check_zip_input(datasets):
    """TF's zip takes a tuple or dict (nested) of Datasets; a list is refused, since tf.data
    reads a list as a value rather than a structure."""
    def bad(x):
        if isinstance(x, list):
            return True
        if isinstance(x, tuple):
            return any(bad(v) for v in x)
        if isinstance(x, dict):
            return any(bad(v) for v in x.values())
        return not isinstance(x, Dataset)

    if bad(datasets):
        raise TypeError(f"Invalid input to `zip`: expected a (nested) tuple or dict of "
                        f"`tf.data.Dataset` objects, got {datasets!r}. A Python `list` is not "
                        f"supported; use a `tuple` instead.")


def _check_concatenable(a, b):
    flat_a, flat_b = nest.flatten(a), nest.flatten(b)
    same = (nest.pack_sequence_as(a, [0] * len(flat_a)) == nest.pack_sequence_as(b, [0] * len(
        flat_b)) if len(flat_a) == len(flat_b) else False)
    if not same or any(x.dtype != y.dtype for x, y in zip(flat_a, flat_b)):
        raise TypeError(f"Incompatible dataset elements: {a} vs. {b}")


def _merged_shape(a, b):
    """The most specific shape that both shapes are: equal dims kept, others None."""
    if _rank(a) is None or _rank(b) is None or len(a) != len(b):
        return None
    return tuple(x if x == y else None for x, y in zip(a, b))


class _Concatenate(Dataset):
    _tf_class = "_ConcatenateDataset"

    def __init__(self, a, b):
        self._a, self._b = a, b

    def _elements(self):
        yield from self._a._elements()
        yield from self._b._elements()

    def _spec(self):
        a, b = self._a.element_spec, self._b.element_spec
        return nest.pack_sequence_as(a, [_tensor_spec(x.dtype, _merged_shape(x.shape, y.shape))
                                         for x, y in zip(nest.flatten(a), nest.flatten(b))])

    def _cardinality(self):
        a, b = self._a._cardinality(), self._b._cardinality()
        if a == INFINITE or b == INFINITE:
            return INFINITE
        return a + b if a >= 0 and b >= 0 else UNKNOWN


def _default_cycle_length() -> int:
    """TF's AUTOTUNE cycle length for a sequential interleave: the schedulable CPU count."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:          # platforms without affinity masks
        return os.cpu_count() or 1


def _mapped_dataset(fn, element) -> "Dataset":
    out = _call(fn, element)
    if not isinstance(out, Dataset):
        # TF fails on the returned value's missing Dataset attributes with an AttributeError
        raise AttributeError(f"`map_func` must return a `tf.data.Dataset`, but it returned "
                             f"{type(out).__name__}.")
    return out


class _Interleave(Dataset):
    """TF's sequential InterleaveDataset: a ring of ``cycle`` slots, visited in order; a slot
    yields up to ``block`` elements per visit; an empty slot is filled from the input when
    visited (without moving on), an exhausted one is emptied and the visit moves on."""
    _tf_class = "_InterleaveDataset"

    def __init__(self, parent, fn, cycle, block):
        self._parent, self._fn, self._cycle, self._block = parent, fn, cycle, block

    def _elements(self):
        source = iter(self._parent._elements())
        slots: list = [None] * self._cycle
        open_count, i, taken, input_done = 0, 0, 0, False
        while not input_done or open_count:
            if slots[i] is not None:
                try:
                    e = next(slots[i])
                except StopIteration:
                    slots[i], taken = None, 0
                    open_count -= 1
                    i = (i + 1) % self._cycle
                    continue
                taken += 1
                if taken == self._block:
                    taken, i = 0, (i + 1) % self._cycle
                yield e
            elif not input_done:
                try:
                    e = next(source)
                except StopIteration:
                    input_done = True
                    continue
                slots[i] = iter(_mapped_dataset(self._fn, e)._elements())
                open_count += 1
            else:
                taken, i = 0, (i + 1) % self._cycle

    def _spec(self):
        first = _first_element(self._parent)
        if first is None:
            raise ValueError("Cannot infer the element_spec of an interleave over an empty "
                             "dataset.")
        return _mapped_dataset(self._fn, first).element_spec

    def _cardinality(self):
        return UNKNOWN


# ---- from_generator ---------------------------------------------------------------------------
# tf.data's structures are tuples (namedtuples included) and dicts; a list is a value, which
# becomes one tensor. minitf.nest treats lists as structure, so from_generator walks its own.

# TF's ``TensorShape(None)``, as ``from_generator`` declares a component given no shape: the
# core's unknown-rank shape, the one ``tf.TensorSpec(None)`` has too (so their specs compare).
_UnknownRank = UnknownRankShape


def _rank(shape):
    """The rank of a spec's shape, None if unknown."""
    return None if isinstance(shape, _UnknownRank) else len(shape)


def _tensor_spec(dtype, shape) -> TensorSpec:
    """A TensorSpec; ``shape=None`` means unknown rank."""
    return TensorSpec(shape, dtype)


def _data_flatten(structure) -> list:
    """Leaves of a tf.data structure: dict values in sorted key order, lists are leaves."""
    if isinstance(structure, dict):
        return [leaf for k in sorted(structure) for leaf in _data_flatten(structure[k])]
    if isinstance(structure, tuple):
        return [leaf for s in structure for leaf in _data_flatten(s)]
    return [structure]


def _data_pack(structure, flat: list):
    """``structure`` rebuilt with the leaves of ``flat`` (in ``_data_flatten``'s order)."""
    it = iter(flat)

    def build(s):
        if isinstance(s, dict):
            built = {k: build(s[k]) for k in sorted(s)}
            return type(s)((k, built[k]) for k in s)
        if isinstance(s, tuple):
            items = [build(v) for v in s]
            return type(s)(*items) if hasattr(s, "_fields") else tuple(items)
        return next(it)

    return build(structure)


def _flatten_up_to(shallow, value, same_types: bool = True) -> list:
    """``value``'s parts at the leaves of ``shallow``; a TypeError where the structures differ.
    A tuple in ``shallow`` asks for a tuple of that type (a namedtuple for a namedtuple, a
    list is refused) unless ``same_types`` is off; a dict asks for exactly its keys."""
    if isinstance(shallow, dict):
        if not isinstance(value, dict) or set(value) != set(shallow):
            raise TypeError(f"expected a dict with keys {sorted(shallow)}, got {value!r}")
        return [x for k in sorted(shallow) for x in _flatten_up_to(shallow[k], value[k],
                                                                    same_types)]
    if isinstance(shallow, tuple):
        kinds = type(shallow) if same_types else (tuple, list)
        if not isinstance(value, kinds) or len(value) != len(shallow):
            raise TypeError(f"expected a sequence of {len(shallow)}, got {value!r}")
        return [x for s, v in zip(shallow, value) for x in _flatten_up_to(s, v, same_types)]
    return [value]


def _as_shape(shape):
    """An ``output_shapes`` entry as a tuple of dims (None = unknown dim), or None for an
    unknown rank, as ``tf.TensorShape`` reads it: an int is a single dimension."""
    if shape is None or isinstance(shape, _UnknownRank):
        return None
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    try:
        return tuple(None if d is None or d == -1 else int(d) for d in shape)
    except (TypeError, ValueError):
        raise TypeError(f"Failed to convert {shape!r} to a shape. A shape should either be a "
                        f"single dimension (e.g. 10), or an iterable of dimensions (e.g. "
                        f"[1, 10, None]).") from None


def _generator_signature(output_types, output_shapes, output_signature):
    """The structure of TensorSpecs that ``from_generator`` produces, from either form of
    its arguments, with TF's TypeErrors for a mix of both or neither."""
    if output_signature is not None:
        for name, arg in (("output_types", output_types), ("output_shapes", output_shapes)):
            if arg is not None:
                raise TypeError(f"The `{name}` argument can not be used together with the "
                                f"`output_signature` argument.")
        for spec in _data_flatten(output_signature):
            if not isinstance(spec, TensorSpec):
                raise TypeError(f"`output_signature` must contain objects that are subclass of "
                                f"`tf.TypeSpec` but found {type(spec)} which is not.")
        return output_signature
    if output_types is None:
        raise TypeError("To specify the output signature you need to provide either the "
                        "`output_signature` argument or the `output_types` argument.")
    types = [dtypes.as_dtype(t) for t in _data_flatten(output_types)]
    if output_shapes is None:
        shapes = [None] * len(types)
    else:
        try:
            shapes = _flatten_up_to(output_types, output_shapes, same_types=False)
        except TypeError as e:
            raise ValueError(f"`output_shapes` {output_shapes!r} does not match the structure "
                             f"of `output_types` {output_types!r}: {e}") from None
    return _data_pack(output_types, [_tensor_spec(t, _as_shape(s))
                                     for t, s in zip(types, shapes)])


def _text_array(arr: np.ndarray) -> np.ndarray:
    """An object array of str/bytes as TF holds text (UTF-8 bytes); anything else in it is
    refused as TF refuses it, with InternalError."""
    out = np.empty(arr.shape, dtype=object)
    for i, v in np.ndenumerate(arr):
        if isinstance(v, str):
            v = v.encode()
        elif not isinstance(v, bytes):
            raise InternalError(None, None, f"Unsupported object type {type(v).__name__}")
        out[i] = v
    return out


def _cast_like_numpy(value, dtype) -> np.ndarray:
    """``value`` as a new array of ``dtype`` by NumPy's casting (fractions truncate, integers
    wrap), which is how TF converts generator output of known rank. Always a copy: a
    generator may reuse the array it yielded."""
    if dtype.is_string:
        return np.asarray(value, dtype=object)      # copied into bytes by _text_array
    if dtype is dtypes.bool:
        return np.array(value, dtype=bool)
    with np.errstate(invalid="ignore", over="ignore"):
        return np.asarray(value).astype(dtype._np)  # astype copies


def _from_user(call):
    """Run a call into the user's generator. TF reports an exception raised there as an op
    error: InvalidArgumentError for a TypeError or ValueError, UnknownError otherwise (the
    original stays attached as ``__cause__``)."""
    try:
        return call()
    except (StopIteration, OpError):
        raise
    except (TypeError, ValueError) as e:
        raise InvalidArgumentError(None, None, f"{type(e).__name__}: {e}") from e
    except Exception as e:  # noqa: BLE001 - any failure of user code becomes an op error
        raise UnknownError(None, None, f"{type(e).__name__}: {e}") from e


def _yield_mismatch(expected, value) -> InvalidArgumentError:
    return InvalidArgumentError(None, None, f"`generator` yielded an element that did not match "
                                            f"the expected structure. The expected structure "
                                            f"was {expected}, but the yielded element was "
                                            f"{value}.")


class _Generator(Dataset):
    """``from_generator``: each yield is checked against the signature and converted when it
    is read."""
    _tf_class = "_FlatMapDataset"

    def __init__(self, generator, signature, args):
        self._gen, self._sig = generator, signature
        self._specs = _data_flatten(signature)
        # TF passes the arguments as tensors evaluated to NumPy values.
        self._args = tuple(convert_to_tensor(a).numpy() for a in args)
        # TF converts strictly (as convert_to_tensor) only a lone component of unknown rank.
        self._strict = isinstance(signature, TensorSpec) and _rank(signature.shape) is None

    def _elements(self):
        values = _from_user(lambda: iter(self._gen(*self._args)))
        while True:
            try:
                value = _from_user(lambda: next(values))
            except StopIteration:
                return
            yield self._convert_strictly(value) if self._strict else self._convert(value)

    def _convert_strictly(self, value) -> Tensor:
        dtype = self._sig.dtype
        try:
            if dtype.is_string and not isinstance(value, Tensor):
                _text_array(np.asarray(value, dtype=object))    # numbers are not text
            return convert_to_tensor(value, dtype)
        except (TypeError, ValueError, InternalError):
            raise _yield_mismatch(repr(self._sig), value) from None

    def _convert(self, value):
        try:
            parts = _flatten_up_to(self._sig, value)
        except TypeError:
            types = _data_pack(self._sig, [s.dtype for s in self._specs])
            raise _yield_mismatch(types, value) from None
        # TF's order of checks: every component is cast and shape-checked before any
        # text is encoded, so the first failing check decides the error.
        arrays = [self._cast(v, s) for v, s in zip(parts, self._specs)]
        for arr, spec in zip(arrays, self._specs):
            if not spec.shape.is_compatible_with(arr.shape):
                raise InvalidArgumentError(None, None, f"`generator` yielded an element of "
                                                       f"shape {arr.shape} where an element of "
                                                       f"shape {spec.shape} was expected.")
        return _data_pack(self._sig, [
            _make(_place(_text_array(arr) if spec.dtype.is_string else arr), spec.dtype)
            for arr, spec in zip(arrays, self._specs)])

    @staticmethod
    def _cast(value, spec: TensorSpec) -> np.ndarray:
        try:
            return _cast_like_numpy(value, spec.dtype)
        except (TypeError, ValueError, OverflowError):
            raise InvalidArgumentError(None, None, f"`generator` yielded an element that could "
                                                   f"not be converted to the expected type. The "
                                                   f"expected type was {spec.dtype.name}, but "
                                                   f"the yielded element was {value}.") from None

    def _spec(self):
        return self._sig
