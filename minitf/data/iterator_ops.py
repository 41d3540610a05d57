"""``tf.data.Iterator``: what ``iter(dataset)`` returns, and how it is checkpointed.

In TensorFlow the iterator is an object with state (its position in the pipeline) that a
``tf.train.Checkpoint`` saves under ``ITERATOR_STATE`` beside the model's variables, so a
training loop that resumes also resumes its input where it stopped. TF serializes every
stage's internal buffers; minitf records how many elements the iterator has produced and,
on restore, starts the pipeline again and skips that many. That gives the same position for
any deterministic pipeline (``from_tensor_slices``, ``map``, ``batch``, ``repeat``, seeded
``shuffle``, ...); a pipeline whose order changes from run to run (``shuffle`` without a
seed) resumes at the right count but not with TF's exact next elements.

>>> import minitf as tf
>>> it = iter(tf.data.Dataset.range(5))
>>> int(next(it)), int(it.get_next())
(0, 1)
"""
from __future__ import annotations

import numpy as np

__all__ = ["Iterator", "OwnedIterator"]

# Written inside the ITERATOR_STATE string tensor so a state minitf cannot replay (TF's own
# serialized pipeline buffers) is recognised and refused instead of misread.
_STATE_TAG = b"minitf.data.Iterator/elements_produced"


class Iterator:
    """The base of dataset iterators (``tf.data.Iterator``): ``next(it)`` or
    ``it.get_next()`` gives the next element, ``StopIteration`` /
    ``OutOfRangeError`` at the end."""

    @property
    def element_spec(self):
        """The structure of ``TensorSpec``s each element has (the dataset's)."""
        raise NotImplementedError

    def get_next(self):
        """The next element; raises ``tf.errors.OutOfRangeError`` at the end, as TF does."""
        raise NotImplementedError


class OwnedIterator(Iterator):
    """An iterator over one pass of ``dataset``, checkpointable with ``tf.train.Checkpoint``.

    >>> import minitf as tf
    >>> it = iter(tf.data.Dataset.from_tensor_slices([1, 2, 3]))
    >>> [int(x) for x in it]
    [1, 2, 3]
    """

    def __init__(self, dataset):
        self._dataset = dataset
        self._elements = iter(dataset._elements())
        self._produced = 0
        # Made inside a trace (``for x in dataset`` there): TF makes a fresh iterator on every
        # call, so its elements are the same each time and the trace reads them as constants.
        from .. import _backend as B
        self._made_in_trace = bool(B.TRACING) and B.TRACER.tracing()

    def __iter__(self) -> "OwnedIterator":
        return self

    def __next__(self):
        from .. import _backend as B
        if B.TRACING and not self._made_in_trace and B.TRACER.tracing():
            return self._next_in_trace(B)
        element = next(self._elements)
        self._produced += 1
        return element

    def _next_in_trace(self, B):
        """``next(it)`` inside a ``tf.function``: in TF an ``IteratorGetNext`` op of the graph,
        so every call of the traced function takes the next element (a Python iterator, by
        contrast, is advanced once, while tracing). Each component is a stateful value of the
        program (asked through the seam, as random draws are): the first takes a new element
        on every replay, the others read the rest of that element."""
        from .. import nest
        from ..tensor import Tensor, _make
        pulled: list = []        # the flat element taken last (by this trace or a replay)
        taken: list = []         # its structure, as the trace saw it

        def take_element():
            try:
                element = next(self._elements)
            except StopIteration:
                if not taken:
                    raise                  # while tracing: the end, as in eager code
                from ..errors import OutOfRangeError
                raise OutOfRangeError(None, None, "End of sequence") from None
            self._produced += 1
            if not taken:
                taken.append(element)
            pulled[:] = [t._value if isinstance(t, Tensor) else t for t in nest.flatten(element)]
            return pulled[0]

        made = [B.TRACER.stateful(take_element)]
        made += [B.TRACER.stateful(lambda i=i: pulled[i]) for i in range(1, len(pulled))]
        flat = nest.flatten(taken[0])
        return nest.pack_sequence_as(taken[0], [_make(v, t._dtype) if isinstance(t, Tensor) else v
                                                for v, t in zip(made, flat)])

    @property
    def element_spec(self):
        return self._dataset.element_spec

    def get_next(self):
        try:
            return next(self)
        except StopIteration:
            from ..errors import OutOfRangeError
            raise OutOfRangeError(None, None, "End of sequence") from None

    def get_next_as_optional(self):
        """Not provided: ``tf.experimental.Optional`` has no minitf counterpart yet."""
        raise NotImplementedError("Iterator.get_next_as_optional is not implemented in minitf.")

    # ---- tf.train.Checkpoint hooks --------------------------------------------------------
    def _checkpoint_tensors(self) -> dict:
        # TF's names: attribute ITERATOR, one tensor under it with the suffix _STATE.
        state = np.array([_STATE_TAG, str(self._produced).encode()], dtype=object)
        return {"ITERATOR": {"_STATE": state}}

    def _restore_checkpoint_tensors(self, tensors: dict) -> None:
        state = tensors.get("ITERATOR", {}).get("_STATE")
        state = [] if state is None else state.reshape(-1).tolist()
        if len(state) != 2 or state[0] != _STATE_TAG:
            raise NotImplementedError(
                "This checkpoint's dataset iterator state was written by TensorFlow (its "
                "serialized pipeline buffers); minitf can only restore iterator states that "
                "minitf wrote. Leave the iterator out of the Checkpoint, or call "
                "restore(...).expect_partial() on a Checkpoint without it.")
        count = int(state[1])
        # Replay from the start: the pipeline is rebuilt and `count` elements are skipped.
        self._elements = iter(self._dataset._elements())
        self._produced = 0
        for _ in range(count):
            try:
                next(self._elements)
            except StopIteration:
                break           # a shorter pipeline than the saved one: left at its end
            self._produced += 1
