"""What converted code calls at run time (``ag__.if_stmt``, ``ag__.for_stmt``, ...).

Each operator decides *when it runs* whether a statement is Python control flow or graph
control flow, as TensorFlow's AutoGraph does: a condition that is a tensor being traced becomes
``tf.cond`` / ``tf.while_loop``; anything else (a Python bool, an int, a list, a tensor whose
value is already known) keeps Python's semantics, so a branch on a hyperparameter is chosen
while tracing and only that branch is traced.

A statement's *state* is the tuple of names it modifies that are read around it;
``get_state()`` and ``set_state(values)`` read and write them in the converted function.

>>> from minitf.autograph import operators as ag__
>>> x = 3
>>> def if_body():
...     global x
...     x = x * 2
>>> def else_body():
...     pass
>>> ag__.if_stmt(x > 0, if_body, else_body, lambda: (), lambda v: None, ())
>>> x                            # a Python condition: the Python branch ran
6
"""
from __future__ import annotations

import builtins
import contextlib
import functools
import io
from typing import Callable

import numpy as np

from . import _tracer

_NUMBERS = (bool, int, float, np.number, np.bool_, np.ndarray)


class Undefined:
    """The value of a name that is not assigned yet (read through ``ld``, it is Python's
    UnboundLocalError)."""

    __slots__ = ("symbol_name",)

    def __init__(self, symbol_name: str):
        self.symbol_name = symbol_name

    def read(self):
        raise UnboundLocalError(f"'{self.symbol_name}' is used before assignment")

    def __repr__(self) -> str:
        return f"Undefined({self.symbol_name!r})"


class UndefinedReturnValue:
    """``retval_`` before any ``return`` statement ran."""

    __slots__ = ()


def ld(value):
    """A read of a name that may still be undefined."""
    if isinstance(value, Undefined):
        return value.read()
    return value


def retval(value):
    """The function's result: ``None`` when it ran off its end."""
    return None if isinstance(value, UndefinedReturnValue) else value


def _tf():
    import minitf
    return minitf


def _is_tensor(x) -> bool:
    from ..tensor import Tensor
    return isinstance(x, Tensor)


def _is_variable(x) -> bool:
    from ..tensor import is_variable
    return is_variable(x)


def _is_graph_value(x) -> bool:
    """A tensor (or Variable) whose value is being traced: control flow on it must be staged."""
    if _is_variable(x):
        return _tracer.tracing()
    return _is_tensor(x) and _tracer.is_traced(x)


def _staged_condition(x):
    """``x`` as the condition of a staged ``tf.cond``, or None for Python's control flow.
    Inside a trace every tensor is TF's graph tensor, so a condition on one is staged even
    when minitf knows its value (made from constants: TF traces both branches then too)."""
    if _is_graph_value(x):
        return x
    if _is_tensor(x) and not _is_variable(x) and _tracer.tracing():
        return _tracer.lift(x)
    return None


def _python_bool(value, where: str) -> bool:
    from ..errors import OperatorNotAllowedInGraphError
    if _is_tensor(value) and _tracer.tracing():
        # TF tests the condition first (in a scratch graph) to choose the loop; a condition
        # that was Python's then and is a tensor now cannot turn the loop into a TF one
        raise NotImplementedError(_TYPE_CHANGED if where == "while" else _PY_FOR_BREAK)
    try:
        return bool(value)
    except OperatorNotAllowedInGraphError as e:
        raise NotImplementedError(
            f"The condition of a Python {where} loop became a tensor while tracing: a "
            "break or return inside the loop depends on a tensor, or a loop variable changed "
            "from a Python value to a tensor. Make it a TF loop (iterate over tf.range, a "
            "tensor, or loop on a tensor condition).") from e


_TYPE_CHANGED = (
    "The condition of while loop started as non-Tensor, then changed to Tensor. This may "
    "happen either because variables changed type, or when a break or return statement inside "
    "the loop depends on a Tensor condition. In both cases, changing to a TF loop should "
    "remove the error.")
_PY_FOR_BREAK = (
    "break and return statements which depend on a TF condition are not supported in Python "
    "for loops. Did you intend to make it a TF loop?")


# ---- logical expressions ---------------------------------------------------------------

def and_(a: Callable, b: Callable):
    """``a and b``: lazy. On a traced tensor, ``b`` is evaluated inside ``tf.cond``."""
    av = a()
    if _is_graph_value(av):
        return _tf().cond(av, b, lambda: av)
    return av and b()


def or_(a: Callable, b: Callable):
    """``a or b``: lazy. On a traced tensor, ``b`` is evaluated inside ``tf.cond``."""
    av = a()
    if _is_graph_value(av):
        return _tf().cond(av, lambda: av, b)
    return av or b()


def not_(a):
    """``not a``: ``tf.logical_not`` on a traced tensor."""
    if _is_graph_value(a):
        return _tf().logical_not(a)
    return not a


def if_exp(cond, if_true: Callable, if_false: Callable, expr_repr: str = ""):
    """``if_true() if cond else if_false()``; ``tf.cond`` on a tensor inside a trace."""
    staged = _staged_condition(cond)
    if staged is not None:
        return _tf().cond(staged, if_true, if_false)
    return if_true() if cond else if_false()


# ---- if ------------------------------------------------------------------------------

def if_stmt(cond, body: Callable, orelse: Callable, get_state: Callable, set_state: Callable,
            symbol_names: tuple) -> None:
    """An ``if`` statement: ``tf.cond`` when ``cond`` is a tensor inside a trace, else
    Python's if."""
    staged = _staged_condition(cond)
    if staged is not None:
        _tf_if_stmt(staged, body, orelse, get_state, set_state, symbol_names)
    elif cond:
        body()
    else:
        orelse()


def _passes_through_cond(v) -> bool:
    return not _is_variable(v) and (_is_tensor(v) or isinstance(v, _NUMBERS))


def _dtype_name(v) -> str:
    from ..tensor import convert_to_tensor
    return (v if _is_tensor(v) else convert_to_tensor(v)).dtype.name


def _check_branches(names, main, other) -> None:
    for name, a, b in zip(names, main, other):
        if isinstance(a, tuple) or isinstance(b, tuple):   # a TensorArray of pieces
            if not (isinstance(a, tuple) and isinstance(b, tuple)):
                raise TypeError(f"'{name}': the TensorArray was split into pieces of several "
                                "lengths in one branch only: split it so before the if")
            continue
        ua = isinstance(a, (Undefined, UndefinedReturnValue))
        ub = isinstance(b, (Undefined, UndefinedReturnValue))
        if name == "retval_" and ua != ub:
            branch = "main" if ua else "else"
            raise ValueError(f"the {branch} branch must also have a return statement.")
        if ua != ub:
            branch = "main" if ua else "else"
            raise ValueError(f"'{name}' must also be initialized in the {branch} branch")
        if ua:
            continue
        ta, tb = _passes_through_cond(a), _passes_through_cond(b)
        if ta and tb:
            da, db = _dtype_name(a), _dtype_name(b)
            if da != db:
                raise TypeError(f"'{name}' has dtype {da} in the main branch, but dtype {db} "
                                f"in the else branch")
        elif a is not b:
            raise TypeError(f"'{name}' must be a tensor or the same Python object in both "
                            f"branches of a tf.cond, got {type(a).__name__} in the main branch "
                            f"and {type(b).__name__} in the else branch")


class _ShapeLearned(Exception):
    """The else branch of a converted ``if`` wrote a TensorArray (its element shape, or its
    pieces) that the main branch, traced first, left untouched while its element shape was
    unknown: the ``tf.cond`` is traced again, the main branch carrying the array's elements
    as TF's list leaves them, uninitialized."""


# A TensorArray a branch left untouched while its element shape is unknown (nothing to carry
# yet: the other branch may write it, or leave it too, and then it passes through unchanged)
_UNTOUCHED = object()


def _tf_if_stmt(cond, body, orelse, get_state, set_state, names) -> None:
    import contextlib
    import io
    init = get_state()
    arrays = _arrays_through_cond(init)
    # the arrays as one buffer each, made before the branches (a write to an array's shared
    # slots, or a buffer made in one branch, must not reach the other)
    init = tuple(v._in_loop() if k in arrays else v for k, v in enumerate(init))
    # what TF's list ops are given as the element shape where a branch leaves an array
    # untouched: the shape before the if (the other branch's is more specific)
    shapes = {k: init[k]._storage.element_shape for k in arrays
              if init[k]._buffer is None and not (init[k]._storage.element_shape is not None
                                                  and init[k]._storage.element_shape.
                                                  is_fully_defined())}
    quiet = contextlib.nullcontext()
    while True:
        ran: dict = {}
        try:
            with quiet:
                outs = _tf().cond(cond, _branch(body, "main", init, arrays, ran, names,
                                                get_state, set_state),
                                  _branch(orelse, "else", init, arrays, ran, names,
                                          get_state, set_state))
            break
        except _ShapeLearned:
            # traced again; the first tracing printed the branches' prints already
            quiet = contextlib.redirect_stdout(io.StringIO())
    taken = ran.get("main", ran.get("else"))
    untouched = {k for k in arrays if ran["main"][k] is _UNTOUCHED}
    it = iter(outs if isinstance(outs, (tuple, list)) else (outs,))
    state = [init[k] if k in untouched else
             (next(it), next(it)) if k in arrays and isinstance(v, tuple) else
             next(it) if _passes_through_cond(v) else v for k, v in enumerate(taken)]
    for k in arrays:            # as TF's AutoGraph: the TensorArray comes out of the tf.cond
        if k not in untouched:
            state[k] = init[k]._in_loop()._after_cond(state[k])
            if k in shapes and k in ran["untouched"]:
                state[k]._storage.list_shape = shapes[k]
    set_state(tuple(state))


def _branch(fn, which, init, arrays, ran, names, get_state, set_state):
    """A branch of a converted ``if`` as ``tf.cond`` calls it: its values in ``ran[which]``,
    the tensors it returns (a TensorArray as its buffer, or its pieces' two tensors)."""
    def run():
        start = tuple(v._from_buffer(v._buffer) if k in arrays else v
                      for k, v in enumerate(init))
        set_state(start)
        fn()
        state = get_state()
        ran.setdefault("untouched", set()).update(k for k in arrays if state[k] is start[k])
        for k in arrays:
            state = _array_as_buffer(state, k, names[k])
        ran[which] = state
        if which == "else" and "main" in ran and any(
                ran["main"][k] is _UNTOUCHED and state[k] is not _UNTOUCHED for k in arrays):
            raise _ShapeLearned
        if "main" in ran and "else" in ran:
            _check_branches(names, ran["main"], ran["else"])
        # Tensors and numbers go through tf.cond (a TensorArray of pieces of several
        # lengths as its two tensors); other objects must be the same in both.
        out = []
        for k, v in enumerate(state):
            if k in arrays and isinstance(v, tuple):
                out += v
            elif _passes_through_cond(v):
                out.append(v)
        return tuple(out)
    return run


def _arrays_through_cond(init) -> list:
    """The names a converted ``if`` on a traced value may assign that hold TensorArrays: they go
    through the ``tf.cond`` as their buffers (so a write in only one branch works)."""
    from ..tensor_array import TensorArray
    return [k for k, v in enumerate(init) if isinstance(v, TensorArray)]


def _array_as_buffer(state, k, name):
    from ..tensor_array import TensorArray
    v = state[k]
    if not isinstance(v, TensorArray):
        raise TypeError(f"'{name}' must be a tensor or the same Python object in both "
                        f"branches of a tf.cond, got TensorArray before the if and "
                        f"{type(v).__name__} after a branch")
    buffer = v._loop_tensor()
    if buffer is None:          # untouched, its element shape unknown (_tf_if_stmt)
        buffer = _UNTOUCHED
    return tuple(state[:k]) + (buffer,) + tuple(state[k + 1:])


# ---- loops ---------------------------------------------------------------------------

_RETURN_IN_LOOP = ("a return statement cannot be placed inside this TensorFlow loop; this may "
                   "happen if a return statement depends on a static Python condition such as "
                   "a hyperparameter")


def while_stmt(test: Callable, body: Callable, get_state: Callable, set_state: Callable,
               symbol_names: tuple, opts: dict | None = None) -> None:
    """A ``while`` loop: ``tf.while_loop`` when its condition is a traced tensor."""
    if _tracer.tracing():
        # as TF, the condition is tried once in a throwaway graph to choose the loop
        first = _tracer.run_discarded(test)
        if _staged_condition(first) is not None:
            _tf_loop(test, lambda i: body(), get_state, set_state, symbol_names, None, None)
            return
    else:
        first = test()
    # Python's loop; its first test is the one made above
    while _python_bool(first, "while"):
        body()
        first = test()


class _RangeIter:
    """``tf.range(...)`` (or ``range``) over tensors as a ``for`` iterates it: the bounds, so
    the loop can count without making the range (whose length is not known while tracing)."""

    def __init__(self, start, limit, delta, dtype):
        self.start, self.limit, self.delta, self.dtype = start, limit, delta, dtype


def iterate(f: Callable, args: tuple, kwargs: dict | None = None):
    """What ``for x in f(*args, **kwargs)`` iterates: a range over tensors is kept as its
    bounds (see ``for_stmt``); any other call is a ``converted_call``."""
    kwargs = kwargs or {}
    tf = _tf()
    values = list(args) + list(kwargs.values())
    if (f is tf.range and _tracer.tracing()) or (f is builtins.range and any(
            _is_graph_value(a) for a in values)):
        return _range_bounds(*args, **kwargs)
    return converted_call(f, args, kwargs)


def _range_bounds(start, limit=None, delta=1, dtype=None, name=None):
    tf = _tf()
    if limit is None:
        start, limit = 0, start
    if dtype is None:
        tensors = [a for a in (start, limit, delta) if _is_tensor(a)]
        if tensors:
            dtype = tensors[0].dtype
        elif any(isinstance(a, float) for a in (start, limit, delta)):
            dtype = tf.float32
        else:
            dtype = tf.int32
    dtype = tf.as_dtype(dtype)
    conv = [tf.cast(a, dtype) if _is_tensor(a) else tf.constant(a, dtype)
            for a in (start, limit, delta)]
    return _RangeIter(*conv, dtype)


def for_stmt(iter_, extra_test: Callable | None, body: Callable, get_state: Callable,
             set_state: Callable, symbol_names: tuple, opts: dict | None = None) -> None:
    """A ``for`` loop. Inside a trace, over ``tf.range`` or a tensor, it is a
    ``tf.while_loop`` counting an index; over anything else (a Python iterable, a tf.data
    Dataset, a tensor outside any trace) it is Python's loop. ``extra_test`` carries the
    ``break`` and ``return`` flags: the loop stops when it is false."""
    tf = _tf()
    if isinstance(iter_, _RangeIter):
        r = iter_
        if _tracer.tracing() or any(_is_graph_value(a) for a in (r.start, r.limit, r.delta)):
            i0 = r.start

            def in_range(i):
                up = tf.logical_and(r.delta > 0, i < r.limit)
                return tf.logical_or(up, tf.logical_and(r.delta < 0, i > r.limit))

            _tf_loop(None, body, get_state, set_state, symbol_names, extra_test,
                     (i0, in_range, lambda i: i, lambda i: i + r.delta))
            return
        iter_ = tf.range(r.start, r.limit, r.delta, dtype=r.dtype)
    # inside a trace every tensor is TF's graph tensor: a loop over one is staged even when
    # minitf knows its value (made from constants), as TF stages it
    if _is_tensor(iter_) and (_tracer.tracing() or _is_graph_value(iter_) or
                              _any_traced(get_state())):
        if iter_.shape.rank == 0:
            raise TypeError("Cannot iterate over a scalar tensor.")
        n = int(iter_.shape[0])
        iter_ = _tracer.lift(iter_)
        _tf_loop(None, body, get_state, set_state, symbol_names, extra_test,
                 (tf.constant(0), lambda i: i < n, lambda i: tf.gather(iter_, i),
                  lambda i: i + 1))
        return
    if isinstance(iter_, tf.data.Dataset):
        # A dataset is iterated while tracing (its elements are known); a break that depends
        # on a traced value guards each later element's body with a tf.cond, so the values are
        # those of TF's dataset loop.
        with _tracer.graph_loop(iter_):
            for item in iter_:
                go = True if extra_test is None else extra_test()
                if _is_graph_value(go):
                    _tf_if_stmt(go, functools.partial(body, item), lambda: None, get_state,
                                set_state, symbol_names)
                    continue
                if not go:
                    break
                body(item)
        if _tracer.tracing():
            # TF stages a dataset loop inside tf.function as a dataset reduction, which has no
            # gradient: what the loop computed is disconnected from the tapes (variables read
            # in it are still watched).
            set_state(tuple(_disconnected(v) if _is_tensor(v) and not _is_variable(v)
                            else v for v in get_state()))
        return
    for item in iter_:
        if extra_test is not None and not _python_bool(extra_test(), "for"):
            break
        body(item)


def _disconnected(t):
    """``t``'s value as a tensor no tape connects to anything (no op in the program either:
    TF's dataset reduction has no gradient to stop)."""
    from ..tensor import _make
    return _make(t._value, t.dtype)


def _any_traced(values) -> bool:
    return any(_is_graph_value(v) for v in values)


def _loop_value(name, v):
    from ..tensor import convert_to_tensor
    from ..tensor_array import TensorArray
    if _is_tensor(v) and not _is_variable(v):
        return v
    if isinstance(v, _NUMBERS):
        return convert_to_tensor(v)
    if isinstance(v, TensorArray):  # carried as one tensor of all its slots (tensor_array.py);
        return v._loop_tensor()     # pieces of several lengths: (joined pieces, lengths)
    return None                     # not a loop variable: must stay the same object


def _from_loop_value(before, t):
    """A loop variable's Python value from the loop's tensor ``t`` for it."""
    from ..tensor_array import TensorArray
    return before._in_loop()._from_buffer(t) if isinstance(before, TensorArray) else t


def _growing_arrays(init, carried) -> set:
    """Which loop values are dynamic_size TensorArrays, or arrays of pieces of several lengths
    (their buffers' rows may change)."""
    from ..tensor_array import TensorArray
    return {k for k in carried if isinstance(init[k], TensorArray) and
            (init[k].dynamic_size or init[k]._in_loop()._storage.pieces)}


class _RowsChanged(Exception):
    """A fixed-size TensorArray's rows changed in one iteration of a staged loop (an
    ``unstack`` or ``split`` of another number of rows): as TF's graph list, whose length may
    change in a loop, the loop is staged again carrying its rows as growing (``k``: its
    position among the loop's values)."""

    def __init__(self, k: int):
        super().__init__(k)
        self.k = k


def _rows_changed(v, before, after) -> bool:
    """Whether the loop value ``v`` is a TensorArray whose buffer came back from one iteration
    with other rows and nothing else changed."""
    from ..tensor_array import TensorArray
    if not isinstance(v, TensorArray) or isinstance(before, tuple) or \
            isinstance(after, tuple) or after.dtype != before.dtype:
        return False
    b, a = tuple(before.shape), tuple(after.shape)      # as this trace has them
    sb, sa = tuple(before._static_shape()), tuple(after._static_shape())    # as TF's graph
    return len(a) == len(b) >= 1 and a[1:] == b[1:] and sa[1:] == sb[1:] and \
        (a[0] != b[0] or sa[0] != sb[0])


def _check_loop_value(name, before, after, growing: bool) -> None:
    """A loop value after one iteration keeps its dtype and (but for rows that may change)
    shape; a TensorArray of pieces is a pair (joined pieces, lengths)."""
    if isinstance(before, tuple) != isinstance(after, tuple):
        raise TypeError(f"'{name}': the TensorArray was split into pieces of several lengths "
                        "in the loop only: split it so before the loop")
    if isinstance(before, tuple):
        for b, a in zip(before, after):
            _check_loop_value(name, b, a, True)
        return
    if after.dtype != before.dtype:
        raise TypeError(f"'{name}' has dtype {before.dtype.name} before the "
                        f"loop, but dtype {after.dtype.name} after one iteration")
    if tuple(after.shape)[growing:] != tuple(before.shape)[growing:]:
        raise ValueError(
            f"'{name}' has shape {tuple(before.shape)} before the loop, but "
            f"shape {tuple(after.shape)} after one iteration. Use "
            "tf.autograph.experimental.set_loop_options to set shape invariants.")


def _tensor_arrays_shaped(init, names, body, set_state, get_state, counter):
    """TensorArrays a staged loop carries whose element shape the loop's first write sets:
    as TF learns shapes, run the body once, thrown away, and take the shape it wrote."""
    from ..tensor_array import TensorArray
    unshaped = [k for k, v in enumerate(init)
                if isinstance(v, TensorArray) and v._loop_tensor() is None]
    if not unshaped:
        return init
    init = [v._in_loop() if isinstance(v, TensorArray) else v for v in init]
    # the probe's arrays are copies: a buffer it makes is of the thrown-away trace
    trial = [v._from_buffer(v._buffer) if isinstance(v, TensorArray) else v for v in init]

    def probe():
        set_state(tuple(trial))
        # minitf's own run, where TF traces the body once: what it prints is not shown
        with contextlib.redirect_stdout(io.StringIO()):
            body(counter[2](counter[0]) if counter is not None else None)
        return get_state()

    after = _tracer.run_discarded(probe)
    for k in unshaped:
        shape = after[k]._storage.element_shape if isinstance(after[k], TensorArray) else None
        if shape is None:
            raise ValueError(f"'{names[k]}': the TensorArray's element shape is not known "
                             "before the loop and the loop does not write it")
        init[k]._storage.element_shape = shape
        init[k]._storage.pieces = after[k]._storage.pieces      # split into several lengths
    return init


def _tf_loop(test, body, get_state, set_state, names, extra_test, counter) -> None:
    """Stage a loop as ``tf.while_loop``. ``counter`` is ``(start, in_range(i), item(i),
    next(i))`` for ``for`` loops (None for ``while``)."""
    tf = _tf()
    test_is_counter = False
    init = list(get_state())
    for name, v in zip(names, init):
        if isinstance(v, UndefinedReturnValue) or (name == "retval_" and
                                                   isinstance(v, Undefined)):
            raise NotImplementedError(_RETURN_IN_LOOP)
    undefined = [k for k, v in enumerate(init) if isinstance(v, Undefined)]
    if undefined:
        init = _fill_undefined(init, undefined, names, body, set_state, get_state, counter)
        if counter is None:
            # TF checks when the program runs that such a loop iterated at least once; count
            # the iterations in the loop as a counter from 0 that is only read afterwards.
            counter = (tf.constant(0), lambda i: test(), lambda i: None, lambda i: i + 1)
            test_is_counter = True
    init = _tensor_arrays_shaped(init, names, body, set_state, get_state, counter)
    # each TensorArray as one buffered array whose storage the body's values and the loop's
    # results share: what a write in the body fixes (the length of pieces of several lengths)
    # holds after the loop, as TF's graph array shares its element shape
    from ..tensor_array import TensorArray
    init = [v._in_loop() if isinstance(v, TensorArray) else v for v in init]
    tensors = [_loop_value(n, v) for n, v in zip(names, init)]
    carried = [k for k, t in enumerate(tensors) if t is not None]
    growing = _growing_arrays(init, carried)

    def state_from(loop_vals):
        state = list(init)
        for k, t in zip(carried, loop_vals):
            state[k] = _from_loop_value(init[k], t)
        return tuple(state)

    def cond_fn(*lv):
        if counter is not None:
            i, lv = lv[0], lv[1:]
        set_state(state_from(lv))
        if counter is not None:
            c = counter[1](i)
            if extra_test is not None:
                return and_(lambda: c, extra_test)
            return c
        return test()

    def body_fn(*lv):
        if counter is not None:
            i, lv = lv[0], lv[1:]
            set_state(state_from(lv))
            body(counter[2](i))
        else:
            set_state(state_from(lv))
            body(None)
        new = get_state()
        out = []
        for k in range(len(init)):
            if k in carried:
                before = tensors[k]
                after = _loop_value(names[k], new[k])
                if after is None:
                    raise TypeError(f"'{names[k]}' is a tensor before the loop, but a "
                                    f"{type(new[k]).__name__} after one iteration")
                if k not in growing and _rows_changed(init[k], before, after):
                    raise _RowsChanged(k)
                _check_loop_value(names[k], before, after, k in growing)
                out.append(after)
            elif new[k] is not init[k]:
                raise TypeError(f"'{names[k]}' is a {type(init[k]).__name__} before the loop: "
                                "a loop on tensors can only change tensors and numbers")
        if counter is not None:
            return [counter[3](i)] + out
        return out

    # The names keep their values outside a call of the test or the body: the gradient of a
    # traced loop under nested tapes calls them again after the loop (while_gradients.py),
    # which must not change what the converted function reads afterwards.
    cond_fn, body_fn = _keeping_state(cond_fn, get_state, set_state), \
        _keeping_state(body_fn, get_state, set_state)
    loop_vars = [tensors[k] for k in carried]
    if counter is not None:
        loop_vars = [counter[0]] + loop_vars
    # in TF's graph every loop variable is a tensor of the loop, whatever its first value
    loop_vars = [_tracer.lift(v) if _is_tensor(v) and not _is_variable(v) else v
                 for v in loop_vars]
    if not loop_vars:
        # A while loop with no state (its test cannot change): staged all the same, as TF does.
        tf.while_loop(lambda d: cond_fn(), lambda d: (body_fn(), d)[1], [tf.constant(0)])
        return
    result = _staged(tf, cond_fn, body_fn, loop_vars, tensors, carried, growing,
                     counter is not None)
    result = list(result) if isinstance(result, (list, tuple)) else [result]
    if undefined:
        first = ", ".join(names[k] for k in undefined)
        _tracer.check_at_run_time(result[0] > 0 if test_is_counter else tf.constant(True),
                                  f"loop must iterate at least once to initialize {first}")
    if counter is not None:
        result = result[1:]
    set_state(state_from(result))


def _staged(tf, cond_fn, body_fn, loop_vars, tensors, carried, growing: set, counted: bool):
    """``tf.while_loop`` of the converted loop, the ``growing`` TensorArrays' rows relaxed.
    A fixed-size array whose rows the body changes (``_RowsChanged``) is found only as the
    body is traced: the loop is then traced again with its rows relaxed too, the body's
    Python prints silenced (they were printed once already, as TF traces it once)."""
    import contextlib
    import io
    from ..tensor_array import _GrowingRows

    def rows(t):
        if isinstance(t, tuple):        # pieces of several lengths and their lengths
            return tuple(rows(x) for x in t)
        return _GrowingRows([None] + list(t.shape[1:]))

    quiet = contextlib.nullcontext()
    while True:
        # a dynamic_size TensorArray's rows may grow (TF carries its list as a handle)
        invariants = None if not growing else [None] * counted + [
            rows(tensors[k]) if k in growing else None for k in carried]
        try:
            with quiet:
                return tf.while_loop(cond_fn, body_fn, loop_vars,
                                     shape_invariants=invariants)
        except _RowsChanged as e:
            growing.add(e.k)
            quiet = contextlib.redirect_stdout(io.StringIO())


def _keeping_state(fn, get_state, set_state):
    def call(*args):
        saved = get_state()
        try:
            return fn(*args)
        finally:
            set_state(saved)
    return call


def _fill_undefined(init, undefined, names, body, set_state, get_state, counter):
    """Names a staged loop assigns but that have no value before it: as TF does, run the body
    once, thrown away, to learn what they become, and start them at zeros of that dtype and
    shape."""
    tf = _tf()

    from ..tensor_array import TensorArray

    def probe():
        # TensorArrays as copies: a buffer the thrown-away run makes must not stay cached in
        # the arrays the loop starts from (its op is not in the program), and a write at the
        # loop's first index (a Python int here) must not reach an array's eager slots
        set_state(tuple((v._from_buffer(v._buffer) if v._buffered else v._in_loop())
                        if isinstance(v, TensorArray) else v for v in init))
        body(counter[2](counter[0]) if counter is not None else None)
        return get_state()

    after = _tracer.run_discarded(probe)
    out = list(init)
    for k in undefined:
        v = after[k]
        t = _loop_value(names[k], v) if not isinstance(v, Undefined) else None
        if t is None:
            raise ValueError(f"'{names[k]}' must be defined before the loop.")
        out[k] = tf.zeros(t.shape, t.dtype)
    return out


# ---- calls ---------------------------------------------------------------------------

def converted_call(f: Callable, args: tuple, kwargs: dict | None = None):
    """Call ``f``, converting it first if it is user code (TF converts the functions a
    converted function calls, so a helper's ``if`` on a tensor works too)."""
    from . import conversion
    kwargs = kwargs or {}
    target = conversion.maybe_convert(f)
    return target(*args, **kwargs)


__all__ = ["Undefined", "UndefinedReturnValue", "ld", "retval", "and_", "or_", "not_",
           "if_exp", "if_stmt", "while_stmt", "for_stmt", "iterate", "converted_call"]
