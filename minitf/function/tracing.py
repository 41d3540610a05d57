"""Tracing: turning one run of a Python function into a flat program of array operations.

``tf.function`` (polymorphic_function.py) runs the Python body once per input signature. While
it runs, every tensor holds a ``Traced`` array instead of a NumPy/CuPy array. A Traced array
carries its real value (the trace executes for real, so the first call *is* a normal call) and a
slot number; NumPy's dispatch protocols (``__array_ufunc__``, ``__array_function__``) and the
methods below hand every operation on it to ``Trace.call``, which computes the result and
appends a ``Node``. Nothing in the op library knows about tracing (it meets a Traced array only
through the seam in ``_backend.py``): an op written as ``np.exp(x._value)``
records ``np.exp`` because its argument is traced. The backward pass of a tape inside the
function is made of ops too, so it is recorded the same way, and so are optimizer updates.

``Trace.compile`` writes the nodes out as the source of one Python function (``s3 = f0(s1,
s2)``) over backend arrays: replaying it creates no Tensor, consults no tape and runs no user
code. What must not be frozen into that program is refused while tracing: reading a traced
value on the host (``float(t)``, ``if t:``) raises ``OperatorNotAllowedInGraphError``, as TF
does for a symbolic tensor.

Variables are slots too: the first read inside a trace makes the variable an input of the
program, an assignment makes its new value an output that replay writes back.

>>> import numpy as np
>>> from minitf.function import tracing
>>> tr = tracing.Trace()
>>> with tr.active():
...     x = tr.input(np.array([1.0, 2.0]))
...     y = np.exp(x) * 2.0
>>> [n.name for n in tr.nodes]
['exp', 'multiply']
>>> y.v.tolist() == (np.exp([1.0, 2.0]) * 2.0).tolist()      # computed for real, too
True

``codegen.Program(tr, [x], [y], [])`` then writes the nodes out as a function to replay.
"""
from __future__ import annotations

import contextlib
import operator
import os
import sys
import threading

import numpy as np
from numpy.lib.mixins import NDArrayOperatorsMixin

from .. import _backend as B
from ..errors import OperatorNotAllowedInGraphError
from .folded import note as note_folded
from .op_names import IDENTITY, op_frame, scope_frame
from . import static_shapes



_VARIABLE_FILE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                              "variable.py")
_ASSIGNS = {"assign": "AssignVariableOp", "assign_add": "AssignAddVariableOp",
            "assign_sub": "AssignSubVariableOp"}


def _variable_operator():
    from ..variable import _delegate
    return _delegate("__add__").__code__


_VARIABLE_OPERATOR = _variable_operator()


def _read_value_code():
    from ..variable import Variable
    return Variable.read_value.__code__


_READ_VALUE = _read_value_code()


class _ThreadTrace(threading.local):
    """The trace the running thread is recording: traces belong to their thread (as TF builds a
    graph in one thread), so another thread's ops run eagerly meanwhile."""
    trace: "Trace | None" = None     # a class attribute: every thread starts with none


_THREAD = _ThreadTrace()
# How many traces are being recorded now, in all threads, is ``_backend.TRACING`` (the seam the
# core reads): with no trace anywhere, eager code pays no per-thread look-up.


def current() -> "Trace | None":
    """The trace this thread is recording, or None."""
    return _THREAD.trace if B.TRACING else None


class _Method:
    """A method call on an array (``a.reshape(...)``), as a node's function."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __call__(self, obj, *args, **kwargs):
        return getattr(obj, self.name)(*args, **kwargs)

    @property
    def __name__(self) -> str:
        return self.name


_RAW_ACCESS = {"data", "ptr", "ctypes", "base", "toDlpack"}
_IN_PLACE_METHODS = {"fill", "sort", "put", "resize", "itemset", "partition"}


def _host_read(what: str):
    return OperatorNotAllowedInGraphError(
        f"Using a symbolic `tf.Tensor` as a Python {what} is not allowed inside tf.function: "
        "its value is not known while tracing. Use tf.cond / tf.while_loop for control flow on "
        "tensors, or compute the value outside the function.")


class Traced(NDArrayOperatorsMixin):
    """A backend array seen while tracing: its value ``v`` and its slot in the program."""

    # ``w``: the *shadow* value when the trace has unknown dimensions (``static_shape``), else
    # None (the value's shape is the static shape).
    __slots__ = ("v", "slot", "trace", "w")
    __array_priority__ = 1000

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        fn = ufunc if method == "__call__" else getattr(ufunc, method)
        return self.trace.call(fn, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        return self.trace.call(func, args, kwargs)

    # static facts: resolved at trace time, as a traced program has fixed shapes
    shape = property(lambda self: self.v.shape)
    dtype = property(lambda self: self.v.dtype)
    ndim = property(lambda self: self.v.ndim)
    size = property(lambda self: self.v.size)
    itemsize = property(lambda self: self.v.itemsize)
    nbytes = property(lambda self: self.v.nbytes)
    flags = property(lambda self: self.v.flags)
    T = property(lambda self: self.trace.call(_Method("transpose"), (self,), {}))

    def static_shape(self):
        """The shape TF's graph would know for this value: None for a dimension that depends
        on an unknown input dimension, an unknown-rank shape where even the rank does.

        How minitf finds it: a trace with unknown dimensions carries beside each value a
        *shadow*, computed by the same calls from inputs whose unknown dimensions have another
        size (and whose unknown ranks another rank); a dimension (rank) that differs between
        the value and its shadow depends on them. A call that fails on the shadows (it bakes
        in a concrete size) leaves every dimension of its result unknown."""
        from ..tensor import TensorShape, UnknownRankShape
        shape = self.v.shape
        w = self.w
        if w is None:
            return tuple.__new__(TensorShape, shape)
        if w is _UNKNOWN_DIMS:
            return TensorShape([None] * len(shape))
        if len(w.shape) != len(shape):
            return UnknownRankShape()
        return TensorShape([a if a == b else None for a, b in zip(shape, w.shape)])

    def _in_place(self, ufunc, other):
        # NumPy hands back a scalar (np.float32), not a 0-d array, from a ufunc on 0-d arrays;
        # a scalar has no buffer to write into, so ``x += y`` on it rebinds x to a new value in
        # eager code. The traced value must do the same (asking NumPy for ``out=scalar`` is
        # its TypeError "return arrays must be of ArrayType").
        if isinstance(self.v, np.generic):
            return ufunc(self, other)
        return ufunc(self, other, out=(self,))

    __iadd__ = lambda self, o: self._in_place(np.add, o)                   # noqa: E731
    __isub__ = lambda self, o: self._in_place(np.subtract, o)              # noqa: E731
    __imul__ = lambda self, o: self._in_place(np.multiply, o)              # noqa: E731
    __imatmul__ = lambda self, o: self._in_place(np.matmul, o)             # noqa: E731
    __itruediv__ = lambda self, o: self._in_place(np.true_divide, o)       # noqa: E731
    __ifloordiv__ = lambda self, o: self._in_place(np.floor_divide, o)     # noqa: E731
    __imod__ = lambda self, o: self._in_place(np.remainder, o)             # noqa: E731
    __ipow__ = lambda self, o: self._in_place(np.power, o)                 # noqa: E731
    __iand__ = lambda self, o: self._in_place(np.bitwise_and, o)           # noqa: E731
    __ior__ = lambda self, o: self._in_place(np.bitwise_or, o)             # noqa: E731
    __ixor__ = lambda self, o: self._in_place(np.bitwise_xor, o)           # noqa: E731

    def __len__(self) -> int:
        return len(self.v)

    def __getitem__(self, key):
        return self.trace.call(operator.getitem, (self, key), {})

    def __setitem__(self, key, value) -> None:
        self.trace.call(operator.setitem, (self, key, value), {}, mutates=(self,))

    def __iter__(self):
        return (self[i] for i in range(len(self.v)))

    def __getattr__(self, name: str):
        if name.startswith("__") or name in _RAW_ACCESS:
            # Interfaces that hand the raw buffer to other code (NumPy's and CUDA's array
            # interfaces, DLPack, pointers) would let it compute on the value unrecorded.
            raise AttributeError(f"a traced array has no {name!r} (its value exists only "
                                 "while tracing)")
        if self.trace.finished:          # a method of a leaked value (x.astype in tf.cast)
            raise _out_of_scope(self)
        attr = getattr(self.v, name)
        if not callable(attr):
            return attr
        m = _Method(name)
        mutates = (self,) if name in _IN_PLACE_METHODS else ()
        return lambda *a, **k: self.trace.call(m, (self,) + a, k, mutates=mutates)

    def _host_value(self, what: str):
        """The value, for a read on the host: only a shape value's (``tf.shape(x)`` with
        unknown dimensions, ``static_shapes.host_known``), fixed for the trace."""
        if self.slot in getattr(self.trace, "host_known", ()):
            return self.v
        raise _host_read(what)

    def __bool__(self):
        return bool(self._host_value("`bool`"))

    def __float__(self):
        return float(self._host_value("`float`"))

    def __int__(self):
        return int(self._host_value("`int`"))

    def __index__(self):
        return operator.index(self._host_value("`int`"))

    def __array__(self, dtype=None, copy=None):
        return np.asarray(B.to_host(self._host_value("value (NumPy conversion)")), dtype)

    def item(self, *args):
        return self._host_value("value (`.item()`)").item(*args)

    def tolist(self):
        return self._host_value("value (`.tolist()`)").tolist()

    def get(self, *args, **kwargs):
        raise _host_read("value (a copy to the host)")

    def __repr__(self) -> str:
        return f"<traced slot {self.slot}: shape={self.v.shape}, dtype={self.v.dtype}>"



def _constant(arr):
    return arr


def _identity(arr):
    """``tf.identity``: TF's ``Identity`` node; the program uses the value as it is."""
    return arr


def _read_value(arr):
    """``Variable.read_value()``: TF's ``Read/ReadVariableOp`` and ``Identity`` of it."""
    return arr


_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_AUTOGRAPH_DIR = _PACKAGE_DIR + "autograph" + os.sep


def _by_user(frame) -> bool:
    """Whether ``frame`` is the user's code (or AutoGraph's call of it), not minitf's own
    (whose ``identity`` calls, as in TensorArray, are not the user's nodes)."""
    name = frame.f_code.co_filename
    return not name.startswith(_PACKAGE_DIR) or name.startswith(_AUTOGRAPH_DIR)


class Node:
    """One recorded call: ``outs = fn(*args, **kwargs)`` with Traced arguments as slots."""

    # ``group``: the ``Group`` (one op function's call) the node belongs to, or None
    __slots__ = ("fn", "args", "kwargs", "outs", "mutates", "group")

    def __init__(self, fn, args, kwargs, outs, mutates):
        self.fn, self.args, self.kwargs, self.outs, self.mutates = fn, args, kwargs, outs, mutates
        self.group = None

    @property
    def name(self) -> str:
        fn = self.fn
        if fn is operator.getitem:
            return "getitem"
        if fn is operator.setitem:
            return "setitem"
        ufunc = getattr(fn, "__self__", None)
        if isinstance(ufunc, np.ufunc):      # np.add.reduce: "add_reduce" (TF's Sum)
            return f"{ufunc.__name__}_{fn.__name__}"
        return getattr(fn, "__name__", None) or getattr(fn, "name", None) or type(fn).__name__

    def inputs(self) -> list:
        out: list = []
        _slots((self.args, self.kwargs), out)
        return out

    def __repr__(self) -> str:
        return f"Node({self.name}, in={self.inputs()}, out={self.outs})"


class Group:
    """The array operations one call of an op function recorded (``op_names.py``): TF lists
    them as one node, ``name`` of type ``type``, reading ``inputs`` (each ``("slot", s, n)``,
    ``("folded", id of the value, n)`` or ``("const", n, n)``: a Const TF makes, where ``n`` is
    TF's name of the input), and
    making ``out`` (the last member's result)."""

    # ``order``: the node's inputs as positions in ``inputs`` where TF lists the Consts in
    # another order than the op reads them (None: the same); ``scope``: the ``Scope`` of
    # the call of the op function TF names it in (``clip_by_value/Minimum``), or None
    __slots__ = ("name", "type", "inputs", "out", "members", "token", "order", "scope")

    def __init__(self, name, type_, token, order=None, scope=None):
        self.name, self.type, self.token = name, type_, token
        self.inputs, self.out, self.members = [], None, []
        self.order, self.scope = order, scope


class Scope:
    """One call of an op function whose ops TF names in a name scope (``op_names.py``):
    ``name`` before numbering; ``named_as_scope``: its last op takes the scope's name."""

    __slots__ = ("name", "named_as_scope", "frame")

    def __init__(self, name, named_as_scope, frame):
        self.name, self.named_as_scope, self.frame = name, named_as_scope, frame


_slots = static_shapes._slots      # the traced arrays' slots in a call's arguments


def _concrete(obj):
    t = type(obj)
    if t is Traced:
        if obj.trace.finished:
            raise _out_of_scope(obj)
        return obj.v
    if t is tuple or t is list:
        return t(_concrete(o) for o in obj)
    if t is dict:
        return {k: _concrete(v) for k, v in obj.items()}
    if t is slice and any(type(p) is Traced for p in (obj.start, obj.stop, obj.step)):
        raise _host_read("slice bound")
    return obj


def _is_array(x) -> bool:
    return isinstance(x, (np.ndarray, np.generic)) or B.is_device_array(x)


# A shadow that could not be computed: every dimension of the value is unknown.
_UNKNOWN_DIMS = static_shapes.UNKNOWN_DIMS

# NumPy functions that write into an argument (``np.add.at`` is the ufunc method ``at``): never
# called on shadows, which would write shadow values into a real array.
_WRITES_AN_ARGUMENT = {"at", "copyto", "put", "place", "putmask", "fill_diagonal",
                       "put_along_axis"}


class _NoShadow(Exception):
    """An argument's shadow is unknown: the call's result has no shadow either."""


def _shadowed(obj) -> bool:
    t = type(obj)
    if t is Traced:
        return obj.w is not None
    if t is tuple or t is list:
        return any(_shadowed(o) for o in obj)
    if t is dict:
        return any(_shadowed(o) for o in obj.values())
    return False


def _shadow(obj):
    """``obj`` with each traced value replaced by its shadow (its value if it has none)."""
    t = type(obj)
    if t is Traced:
        w = obj.w
        if w is _UNKNOWN_DIMS:
            raise _NoShadow
        return obj.v if w is None else w
    if t is tuple or t is list:
        return t(_shadow(o) for o in obj)
    if t is dict:
        return {k: _shadow(v) for k, v in obj.items()}
    if t is slice and any(type(p) is Traced for p in (obj.start, obj.stop, obj.step)):
        raise _host_read("slice bound")
    return obj


def shadow_of(value, shape):
    """A shadow input for ``value`` traced with the static ``shape`` (None for an unknown
    dimension, an unknown-rank shape): each unknown dimension one longer (its entries repeated
    cyclically, so the shadow holds the same kind of values), an unknown rank one higher.
    None if the shape is fully known."""
    from ..tensor import UnknownRankShape
    xp = B.xp_of(value) if not isinstance(value, np.generic) else np
    if isinstance(shape, UnknownRankShape):
        return xp.stack([xp.asarray(value)] * 2)
    if all(d is not None for d in shape):
        return None
    w = xp.asarray(value)
    for axis, d in enumerate(shape):
        if d is None:
            n = w.shape[axis]
            w = xp.take(w, xp.arange(n + 1) % n, axis=axis) if n else \
                xp.zeros(w.shape[:axis] + (1,) + w.shape[axis + 1:], w.dtype)
    return w


class Trace:
    """The nodes recorded while a function body runs, and the slots they read and write."""

    def __init__(self):
        self.nodes: list = []
        self.n = 0
        self.inputs: list = []          # input slots, in order
        self.var_reads: dict = {}       # id(var) -> (var, initial Traced)
        self.var_current: dict = {}     # id(var) -> current value (Traced or constant array)
        self.mutated: set = set()       # slots written in place
        self.dry = False                # True: do not commit variable writes or print
        self.selecting = 0              # > 0: in a tf.cond whose branches both run (a tape)
        self.all: list = []             # every Traced made (compile strips their values)
        self.created: list = []         # Variables created while tracing
        self.host_nodes = 0             # nodes that run Python on the host (print, draws)
        self.lifted: dict = {}          # tensor id -> its traced stand-in (GPU captures)
        self.keep: list = []
        self.names: dict = {}           # slot -> name given when made (inputs, variable reads)
        self.n_var_reads = 0
        self.name = "function"          # the traced function's name (TF's FuncGraph name)
        # For the graph listing (graph_ops.py): values ops computed from constants, as
        # (index of the next node, op function, value); dataset loops as (first node, end
        # node, whether the dataset is an argument); the ids of the call's arguments.
        self.folded: list = []
        self.graph_loops: list = []
        self.argument_ids: frozenset = frozenset()
        self.in_graph_loop = False
        self._loop_values: set = set()  # ids of values made in the last dataset loop
        self._main_nodes = self.nodes
        self.finished = False           # set when compiled: its values are gone (codegen.py)
        # The ValueError's message when this trace must not create Variables (a function's
        # later traces), else None: raised at the creation, before the rest of the body runs
        # and commits its effects (an optimizer's update after it builds its slots).
        self.forbid_variables: str | None = None
        self.shadows = False            # whether an input has unknown dimensions (shadows)
        # whether a value's shape can change while one replay runs (a loop variable with a
        # relaxed shape invariant): only then is tf.shape read at run time. An input_signature's
        # None dimension cannot: each concrete input shape gets its own program.
        self.runtime_shapes = False
        # Which op function made the values (``made``): the outermost op function running at
        # the last value made (held, so ``is`` tells a new call), a number per call, where the
        # nodes of the current call may begin, the current call's Group, and each folded
        # value's call (by id).
        self._op_frame = None
        self._op_token = 0
        self._op_floor = (None, 0)
        self._op_last = (None, 0)
        self._op_group = None
        self._op_scope = None
        self._folded_in: dict = {}
        self._folded_ids: set = set()   # ids of the values in ``folded``
        self.folded_names: dict = {}    # id of a folded value -> (its Scope, its name in it)
        self.folded_plans: dict = {}    # id of a folded value -> TF's nodes for it (folded.py)
        self.node_scopes: dict = {}     # id of a node outside Groups -> the Scope TF lists it in
        # assignments, for the graph listing: (index of the next node, variable, TF's op type,
        # the value or update it reads, the node it stands for or None, the value written,
        # how many folded values were made before it)
        self.var_log: list = []
        # the same for the assignments inside a branch or loop body: id of its node list ->
        # (the list, its entries); TF lists them inside the If / While (graph_ops.py)
        self.block_writes: dict = {}
        # the names of the branch or loop part being recorded (a BlockGraph: TF's graph of
        # it), or None; and the names of the constants made in blocks (id -> (value,
        # name)): TF prints them as the branch graph's (``cond/Const``)
        self.block = None
        self.block_constants: dict = {}
        self.plain_reads: set = set()   # first reads of a variable by its own operators

    # ---- making slots -------------------------------------------------------------------
    def _new(self, value) -> Traced:
        t = object.__new__(Traced)
        t.v = value
        t.slot = self.n
        t.trace = self
        t.w = None
        self.n += 1
        self.all.append(t)
        return t

    def input(self, value, shape=None) -> Traced:
        """A new input of the program holding ``value``; ``shape``: its static shape when
        some dimensions (or the rank) are unknown (see ``Traced.static_shape``)."""
        t = self._new(value)
        self.inputs.append(t.slot)
        if shape is not None:
            t.w = shadow_of(value, shape)
            self.shadows = self.shadows or t.w is not None
        return t

    @contextlib.contextmanager
    def active(self):
        """Make this the running thread's trace for a block."""
        B.trace_started()
        outer, _THREAD.trace = _THREAD.trace, self
        try:
            yield self
        finally:
            _THREAD.trace = outer
            B.trace_ended()

    # ---- names (what print shows while tracing) ------------------------------------------
    def tensor_name(self, slot: int) -> str:
        """TF's name for the tensor in ``slot``: ``"x:0"`` for an argument named ``x``,
        ``"add_1:0"`` for the second ``add``. A result is named after the op function that
        made it (``tf.exp``: ``Exp``; ``tf.add``: ``Add``; ``+``: ``add``, see
        ``op_names.py``), else after the array operation that made it, in TF's spelling
        (``multiply`` -> ``mul``). TF numbers names ignoring case (``Add``, then ``add_1``)."""
        name = self.names.get(slot)
        if name is not None:
            return f"{name}:0"
        return self._name_in(self.nodes, slot, None) or "Identity:0"

    def block_tensor_name(self, slot: int) -> str | None:
        """TF's name for the tensor in ``slot`` while a branch or loop part is recorded: its
        name in the block's graph (``while/add:0``) or, made in a block around it, in that
        one's (``while/Placeholder:0`` in a nested loop); None when none of them made it
        (the function's own graph made it, or no graph minitf names: a dataset loop)."""
        nodes, block = self.nodes, self.block
        while block is not None:
            name = self._name_in(nodes, slot, block)
            if name is not None:
                return name
            nodes, block = block.outer
        return None

    def _name_in(self, nodes: list, slot: int, block) -> str | None:
        """The name of ``slot`` if a node of ``nodes`` made it, else None; ``block``: the
        BlockGraph those nodes belong to (None: counted in ``nodes`` only)."""
        for i in range(len(nodes) - 1, -1, -1):
            node = nodes[i]
            outs = node.outs
            if outs == slot or (type(outs) is tuple and slot in outs):
                index = outs.index(slot) if type(outs) is tuple else 0
                scope = getattr(node, "prefix", None)
                if scope is not None:       # a nested tf.cond / tf.while_loop's result
                    return node.output_name(index)
                g = node.group
                if g is not None and g.scope is not None:
                    name = self._scoped_name(i, g, nodes, block)
                else:
                    base = _listed_name(node) or tf_op_name(node.name)
                    name = numbered(base, self._name_count(i, base, nodes, block))
                return f"{name}:{index}" if block is None else \
                    f"{block.prefix}/{name}:{index}"
        return None

    def _name_count(self, i: int, base: str, nodes=None, block=None) -> int:
        """How many nodes before the ``i``-th of ``nodes`` (the trace's) took the name
        ``base`` (ignoring case), name scopes of that name included, and in a block's graph
        the names it gave apart from its nodes (``BlockGraph``)."""
        nodes = self.nodes if nodes is None else nodes
        if block is None:
            return _names_before(nodes, i, base)
        return _names_before(nodes, i, base, skip_scoped=True) + block.count(base, i)

    def _scoped_name(self, i: int, g, nodes=None, block=None) -> str:
        """TF's name for the result of group ``g`` (its last node the ``i``-th) in its name
        scope: the scope's (``clip_by_value``), or inside it (``Gelu/mul_2``)."""
        nodes = self.nodes if nodes is None else nodes
        scope = g.scope
        first = next(k for k, n in enumerate(nodes)
                     if n.group is not None and n.group.scope is scope)
        prefix = numbered(scope.name, self._name_count(first, scope.name, nodes, block))
        if scope.named_as_scope:
            return prefix
        key = g.name.lower()
        count = sum(1 for n in nodes[:i] if n.group is not None and n.group.scope is scope
                    and n is n.group.members[-1] and n.group.name.lower() == key)
        return f"{prefix}/{numbered(g.name, count)}"

    # ---- which op function made a value (``_backend.Tracer.made``) -----------------------
    def made(self, value, frame) -> None:
        """An op made ``value`` (``tensor._make``); ``frame`` is the code that called
        ``_make``. A value computed from constants is logged (``log_folded``); a traced one
        makes the array operations of the op function the user called one Group, listed as
        TF's node for that function (``op_names.py``)."""
        if self.shadows:        # TF's shape rule for the op (static_shapes.py)
            shaped = static_shapes.op_result(self, value, frame)
            if shaped is not None:      # a value computed on the host, now a traced constant
                own = self.made(shaped, frame)
                return shaped if own is None else own
        f, spec = op_frame(frame)
        nodes = self.nodes
        if f is None or f is not self._op_frame:     # another call: its nodes come after
            self._op_floor = self._op_last
            self._op_frame = f
            self._op_token += 1
            self._op_group = None
        since = self._op_last
        self._op_last = (nodes, len(nodes))
        if type(value) is not Traced:
            if f is not None:
                self._folded_in[id(value)] = self._op_token
            else:
                self._folded_in.pop(id(value), None)    # (the id of a value gone before)
            self.log_folded(value, frame.f_code.co_name)
            if self.block is not None and self.nodes is not self._main_nodes:
                self._name_in_block(value, frame, f, spec)
            if id(value) in self._folded_ids:       # listed (held: its id is its own)
                named = scope_frame(frame, const=True)
                if named is None:
                    self.folded_names.pop(id(value), None)
                else:           # a constant TF names in a scope (``Gelu/Cast/x``; the cast
                    name = named[1]                 # to another dtype: ``Gelu/Cast``)
                    if f is not None and f.f_code.co_name == "cast":
                        name = name.split("/")[0]
                    self.folded_names[id(value)] = (self._scope_of(*named[0]), name)
                note_folded(self, value, frame, f, spec)    # the nodes TF has for it
            return
        if f is not None and value.trace is self:
            if spec is IDENTITY and f.f_back is not None and _by_user(f.f_back):
                # the user's tf.identity: TF's Identity node, a value of its own
                res = self._alias(value, _identity)
                self._group(res.slot, f, spec)
                return res
            self._group(value.slot, f, spec)
        elif f is None and value.trace is self:
            self._scope_nodes(frame, nodes[since[1] if since[0] is nodes else -1:])
        return None

    def _scope_nodes(self, frame, made) -> None:
        """The array operations ``made`` of an op that is no op function of the table, run
        by one TF names in a name scope (tf.norm's reduction: ``norm/Sum``): listed there."""
        scope = self._scope_of(*scope_frame(frame))
        if scope is not None:
            for node in made:
                if node.group is None:
                    self.node_scopes[id(node)] = scope

    def _scope(self, f):
        """The ``Scope`` of the op function TF names the op function of frame ``f`` in."""
        return self._scope_of(*scope_frame(f.f_back))

    def _scope_of(self, frame, spec):
        if frame is None:
            return None
        last = self._op_scope
        if last is None or last.frame is not frame:     # held: ``is`` tells a new call
            if last is not None:
                last.frame = None       # (its locals are not kept alive)
            last = self._op_scope = Scope(spec[0], spec[1], frame)
        return last

    def _alias(self, value, fn) -> Traced:
        """A new slot for ``value`` made by ``fn`` (which returns its argument)."""
        res = self._new(value.v)
        res.w = value.w
        static_shapes.aliased(self, value, res)
        self.nodes.append(Node(fn, (value,), {}, res.slot, []))
        return res


    def _group_input(self, v, name: str):
        from ..tensor import Tensor, is_variable
        if v is None:
            return ("const", name)
        if isinstance(v, Tensor):
            a = v._value
            if type(a) is Traced:
                return ("slot", a.slot) if a.trace is self else None
            if self._folded_in.get(id(a)) != self._op_token and id(a) in self._folded_ids:
                return ("folded", id(a))      # a constant made before the call
            return ("const", name)            # a Python value the call converted
        if is_variable(v):                    # a Variable: its value in the trace
            cur = self.var_current.get(id(v))
            return ("slot", cur.slot) if type(cur) is Traced else ("const", name)
        return ("const", name)

    def _group(self, out: int, f, spec) -> None:
        name, type_, params = spec[:3]
        local = f.f_locals
        inputs = []
        for tf_name, var in params:
            v = local.get(var) if var else None
            many = tf_name.endswith("*")
            tf_name = tf_name.rstrip("*")
            if many and type(v) is not list and type(v) is not tuple:
                return                  # made before the call converted its list
            for k, v in enumerate(v if many else (v,)):
                input_name = f"{tf_name}_{k}" if many else tf_name
                item = self._group_input(v, input_name)
                if item is None:        # a value of another trace: not listed as one node
                    return
                inputs.append(item + (input_name,))
        g = self._op_group
        if g is None:
            g = self._op_group = Group(name, type_, self._op_token,
                                       spec[3] if len(spec) > 3 else None, self._scope(f))
        stop = {s for kind, s, _ in inputs if kind == "slot"}
        needed = {out} - stop
        members = []
        nodes = self.nodes
        floor_list, floor = self._op_floor
        lo = floor if floor_list is nodes else 0
        for i in range(len(nodes) - 1, lo - 1, -1):
            if not needed:
                break
            node = nodes[i]
            outs = node.outs
            if outs is None:
                continue
            if type(outs) is tuple:
                if needed.isdisjoint(outs):
                    continue
                needed.difference_update(outs)
            elif outs in needed:
                needed.discard(outs)
            else:
                continue
            other = node.group
            if (other is not None and other is not g) or node.mutates:
                continue                # a value made by another call: an input
            members.append(node)
            needed.update(node.inputs())
            needed -= stop
        if g.members and not any(node is g.members[-1] for node in members):
            return      # not made from the call's result (a value its gradient keeps): as is
        for node in g.members:
            node.group = None
        if not members or out in stop:
            g.members = []
            return
        members.reverse()
        for node in members:
            node.group = g
        g.members, g.out, g.inputs = members, out, inputs
        # constants the call converted or made are its own (TF: ``Add/y``), not nodes apart:
        # the last ones logged
        token, folded = self._op_token, self.folded
        while folded and self._folded_in.get(id(folded[-1][2])) == token:
            gone = id(folded.pop()[2])
            self._folded_ids.discard(gone)
            self.folded_names.pop(gone, None)
            self.folded_plans.pop(gone, None)
            del self._folded_in[gone]

    # ---- variables ----------------------------------------------------------------------
    def read_var(self, var):
        value = self._read_var(var)
        if type(value) is Traced:
            frame = sys._getframe(2)
            for _ in range(5):      # read by ``v.read_value()``: TF's read and an Identity of
                if frame is None:   # it (``Read/ReadVariableOp``, graph_ops.py)
                    break
                if frame.f_code is _READ_VALUE:
                    return self._alias(value, _read_value)
                frame = frame.f_back
        return value

    def _read_var(self, var):
        cur = self.var_current.get(id(var))
        if cur is not None:
            return cur
        first = self.var_reads.get(id(var))
        if first is not None:             # first read in another branch of a tf.cond
            self.var_current[id(var)] = first[1]
            return first[1]
        arr = var._array
        if type(arr) is Traced:      # created by this trace: its value is a trace value
            return arr
        # A dry trace must not touch the variable; a real one may update the array in place
        # (optimizers), which is allowed only if the variable owns it (see variable.py).
        t = self._new(arr.copy() if self.dry or var._lent else arr)
        self.names[t.slot] = numbered("ReadVariableOp", self.n_var_reads)
        frame = sys._getframe(3)
        for _ in range(4):      # read by the Variable's operator (``v * x``): TF reads it
            if frame is None:   # before the op, not inside it (``ReadVariableOp``, not
                break           # ``mul/ReadVariableOp``: graph_ops.py)
            if frame.f_code is _VARIABLE_OPERATOR:
                self.plain_reads.add(t.slot)
                break
            frame = frame.f_back
        self.n_var_reads += 1
        self.var_reads[id(var)] = (var, t)
        self.var_current[id(var)] = t
        return t

    def created_variable(self, var) -> None:
        if self.forbid_variables:
            raise ValueError(self.forbid_variables)
        self.created.append(var)

    def write_var(self, var, value) -> None:
        if type(value) is Traced and value.trace is not self:
            raise _escaped(value)
        if id(var) not in self.var_current and type(value) is not Traced and any(
                v is var for v in self.created):
            var._array = value           # still initialising a variable made by this trace
            return
        if id(var) not in self.var_current and type(var._array) is not Traced:
            self.read_var(var)       # an assigned variable is an input too (its buffer is reused)
        self.var_current[id(var)] = value
        if not self.in_graph_loop:
            self._log_write(var, value)

    def _log_write(self, var, value) -> None:
        """Note an assignment for the graph listing (graph_ops.py): TF lists ``v.assign_add(d)``
        as one ``AssignAddVariableOp`` reading ``d``, where minitf's program adds."""
        kind = "AssignVariableOp"
        frame = sys._getframe(2)
        for _ in range(6):                 # the Variable method that assigns, if any
            if frame is None:
                break
            code = frame.f_code
            if code.co_filename == _VARIABLE_FILE and code.co_name in _ASSIGNS:
                kind = _ASSIGNS[code.co_name]
                break
            frame = frame.f_back
        operand, hidden = value, None
        if kind != "AssignVariableOp":
            last = self.nodes[-1] if self.nodes else None
            if type(value) is Traced and last is not None and last.outs == value.slot and \
                    len(last.args) == 2 and not last.kwargs:
                operand, hidden = last.args[1], last      # the read's update: one op in TF
            else:
                kind = "AssignVariableOp"
        entry = (len(self.nodes), var, kind, operand, hidden, value, len(self.folded))
        if self.nodes is self._main_nodes:
            self.var_log.append(entry)
        else:
            self.block_writes.setdefault(id(self.nodes), (self.nodes, []))[1].append(entry)

    def finish_vars(self) -> list:
        """(variable, final value) for every variable the trace assigned; committed to the
        variables unless the trace is dry."""
        writes = []
        for key, cur in self.var_current.items():
            read = self.var_reads.get(key)
            if read is None:
                continue
            var, first = read
            if cur is not first or first.slot in self.mutated:
                writes.append((var, cur))
            if not self.dry:
                # The call's results may alias it (``return v``): lent, to be safe. Replays
                # know better (codegen.py).
                var._array = cur.v if type(cur) is Traced else cur
                var._lent = True
        return writes

    # ---- recording ----------------------------------------------------------------------
    def call(self, fn, args, kwargs, mutates=()):
        """Run ``fn`` on the values, record it, and return the result as Traced."""
        if _THREAD.trace is not self:
            raise _escaped(*args, *(kwargs or {}).values())
        if mutates and any(type(m) is not Traced and _is_array(m) for m in mutates):
            # A constant made while tracing (np.zeros) and then written in place: replay must
            # start from a fresh copy each time, not accumulate into the constant.
            fresh = {id(m): self._fresh_copy(m) for m in mutates
                     if type(m) is not Traced and _is_array(m)}
            args = tuple(fresh.get(id(a), a) for a in args)
            mutates = tuple(fresh.get(id(m), m) for m in mutates)
        shadow = None
        if self.shadows and not mutates and not (kwargs and "out" in kwargs) and \
                getattr(fn, "__name__", None) not in _WRITES_AN_ARGUMENT and (
                _shadowed(args) or _shadowed(kwargs)) and not static_shapes.no_shadow_call(fn):
            # Only where unknown dimensions flow. Writes in place keep shapes (and their
            # target's shadow): they are not repeated on shadows.
            try:
                shadow = fn(*_shadow(args), **_shadow(kwargs))
            except _NoShadow:
                shadow = _UNKNOWN_DIMS
            except Exception:                      # noqa: BLE001 - a size baked into the call
                shadow = static_shapes.merged(fn, args, kwargs)    # or TF merges sizes
        out = fn(*_concrete(args), **_concrete(kwargs))
        if fn is operator.getitem and shadow is not None:      # TF's rule for slices
            shadow = static_shapes.sliced(args[0], args[1], out, shadow)
        written = [m for m in mutates if type(m) is Traced]
        o = kwargs.get("out") if kwargs else None
        if o is not None:
            written += [m for m in (o if type(o) is tuple else (o,)) if type(m) is Traced]
        for m in written:
            self.mutated.add(m.slot)
        if out is None or not (_is_array(out) or isinstance(out, (tuple, list))):
            self.nodes.append(Node(fn, args, kwargs, None, written))
            return out
        if isinstance(out, (tuple, list)):
            if not all(_is_array(o) for o in out):
                return out               # static facts (np.shape and the like)
            # a named tuple (np.linalg.slogdet's result) comes back as a plain tuple
            res = (list if type(out) is list else tuple)(self._new(o) for o in out)
            if shadow is not None:
                ok = isinstance(shadow, (tuple, list)) and len(shadow) == len(res)
                for i, r in enumerate(res):
                    r.w = shadow[i] if ok and _is_array(shadow[i]) else _UNKNOWN_DIMS
            self.nodes.append(Node(fn, args, kwargs, tuple(r.slot for r in res), written))
            return res
        res = self._new(out)
        if getattr(self, "host_known", None) and not written:   # from shape values
            shadow = static_shapes.host_result(self, fn, args, kwargs, res, shadow)
        if shadow is not None:
            res.w = shadow if _is_array(shadow) else _UNKNOWN_DIMS
        else:
            for m in written:            # ``x += 1`` hands back x's buffer: x's static shape
                if m.v is out:
                    res.w = m.w
        self.nodes.append(Node(fn, args, kwargs, res.slot, written))
        return res

    def _fresh_copy(self, arr) -> Traced:
        res = self._new(arr)
        self.nodes.append(Node(_Method("copy"), (arr.copy(),), {}, res.slot, []))
        return res

    def lift(self, t):
        """A tensor made outside the trace, used inside it, whose array is on the GPU: a
        constant of the program. (CuPy's arrays would not defer to a traced one in mixed NumPy
        calls, so such captures become traced values themselves.)"""
        lifted = self.lifted.get(t._id)
        if lifted is None:
            arr = t._value
            res = self._new(arr)
            self.nodes.append(Node(_constant, (arr,), {}, res.slot, []))
            # A constant's value is fixed: the host may read it (a shape given as a constant,
            # or joined to a shape value by tf.concat), as it reads one on the CPU, where
            # constants stay plain arrays.
            static_shapes.host_known(self).add(res.slot)
            lifted = object.__new__(type(t))
            lifted._value, lifted._dtype, lifted._id = res, t._dtype, t._id
            self.lifted[t._id] = lifted
            self.keep.append(t)
        return lifted

    def call_stateful(self, fn):
        """A value drawn by ``fn()`` anew on every replay (random numbers)."""
        out = fn()
        res = self._new(out)
        self.nodes.append(Node(fn, (), {}, res.slot, []))
        self.host_nodes += 1
        return res

    def call_effect(self, fn, args) -> None:
        """``fn(*args)`` for its effect (tf.print): now, unless the trace is dry, and on every
        replay."""
        if _THREAD.trace is not self:
            raise _escaped(*args)
        if not self.dry:
            fn(*_concrete(args))
        self.nodes.append(Node(fn, args, {}, None, []))
        self.host_nodes += 1

    def log_folded(self, value, op_function: str) -> None:
        """An op computed ``value`` from constants while tracing (see ``_backend.Tracer``).
        Inside a block (a branch, a loop body, a discarded run) it belongs to that block's
        function in TF, not to this graph."""
        if self.nodes is not self._main_nodes:
            return
        if self.in_graph_loop:
            self._loop_values.add(id(value))
        elif id(value) not in self._loop_values:   # not a loop result passed on as it is
            self.folded.append((len(self.nodes), op_function, value))
            self._folded_ids.add(id(value))
            self._loop_values = set()   # only right after the loop (ids are reused later)

    def _name_in_block(self, value, frame, f, spec) -> None:
        """Name a constant made in a branch or loop body as TF's branch graph names it: the
        node's scope, then the name of the node TF makes for it there (``cond/Const``,
        ``while/zeros_1``), numbered in that graph (``folded.py`` tells the node)."""
        from .folded import node_name
        base = node_name(self, value, frame, f, spec)
        if base is None:
            return
        block = self.block
        last = block.last
        if f is not None and last[:2] == [self._op_token, base]:
            name = last[2]          # another value the same op call made: its result's name
        else:
            name = block.take(self.nodes, base)
            last[:] = [self._op_token if f is not None else None, base, name]
        self.block_constants[id(value)] = (value, f"{block.prefix}/{name}")

    @contextlib.contextmanager
    def graph_loop(self, is_argument: bool):
        """A loop TF stages as dataset ops (AutoGraph's ``for`` over a tf.data Dataset): its
        body's operations are listed as the loop's nodes, not one by one."""
        start, outer = len(self.nodes), self.in_graph_loop
        self.in_graph_loop = True
        if not outer:
            self._loop_values = set()
        try:
            yield
        finally:
            self.in_graph_loop = outer
            if not outer and self.nodes is self._main_nodes:
                self.graph_loops.append((start, len(self.nodes), is_argument))

    def has_host_nodes(self) -> bool:
        return self.host_nodes > 0


# TF's op names for the array operations minitf records (Python operators have lower-case
# names in TF: ``x * y`` is "mul"; other ops are named after their op type: "Exp", "MatMul").
_TF_NAMES = {
    "add": "add", "subtract": "sub", "multiply": "mul", "divide": "truediv",
    "true_divide": "truediv", "floor_divide": "floordiv", "remainder": "mod", "power": "pow",
    "matmul": "MatMul", "negative": "Neg", "absolute": "Abs", "astype": "Cast",
    "getitem": "strided_slice", "concatenate": "concat", "stack": "stack",
    "transpose": "transpose", "where": "SelectV2", "ones_like": "ones_like",
    "zeros_like": "zeros_like", "greater_equal": "GreaterEqual", "less_equal": "LessEqual",
    "not_equal": "NotEqual", "logical_and": "LogicalAnd", "logical_or": "LogicalOr",
    "logical_not": "LogicalNot", "copy": "Identity", "_constant": "Const",
    "_identity": "Identity", "_read_value": "Identity",
    # ufunc methods, which minitf's reductions call (reduction_ops.py)
    "add_reduce": "Sum", "multiply_reduce": "Prod", "maximum_reduce": "Max",
    "minimum_reduce": "Min", "add_accumulate": "Cumsum", "multiply_accumulate": "Cumprod",
}


def _names_before(nodes: list, i: int, base: str, skip_scoped: bool = False) -> int:
    """How many of ``nodes[:i]`` took the name ``base`` (ignoring case), each name scope of
    that name once; ``skip_scoped``: leaving out nested tf.cond / tf.while_loop nodes, whose
    scopes a block's graph counts apart (``BlockGraph.take``)."""
    key = base.lower()
    scopes = set()
    count = 0
    for n in nodes[:i]:
        g = n.group
        if g is not None and g.scope is not None:
            if g.scope.name.lower() == key and g.scope not in scopes:
                scopes.add(g.scope)
                count += 1
        elif skip_scoped and getattr(n, "prefix", None) is not None:
            continue
        elif (_listed_name(n) or "").lower() == key:
            count += 1
    return count


def _listed_name(node) -> str | None:
    """The name a node is listed under before numbering: its Group's for the Group's last
    node, None for the Group's other nodes (not listed), else its array operation's."""
    g = getattr(node, "group", None)
    if g is None:
        return tf_op_name(node.name)
    if g.scope is not None:         # in a name scope: counted as its scope (tensor_name)
        return None
    return g.name if node is g.members[-1] else None


def tf_op_name(array_op: str) -> str:
    """TF's name for a recorded array operation: from the table above, else the NumPy name in
    TF's CamelCase (``exp`` -> ``Exp``, ``reshape`` -> ``Reshape``)."""
    name = _TF_NAMES.get(array_op)
    if name is None:
        name = "".join(part[:1].upper() + part[1:] for part in array_op.split("_"))
    return name


def numbered(base: str, count: int) -> str:
    """TF makes names unique within a graph by suffixes: add, add_1, add_2, ..."""
    return base if count == 0 else f"{base}_{count}"


class BlockGraph:
    """The names of the graph TF traces a branch, or a loop's condition or body, into (a
    function graph of its own). Every name there starts with the name scope of its node
    (``prefix``: ``cond``, ``while_1``, ``while/cond``) and is numbered among that graph's
    names only: ``while/add`` is the body's first ``add``, whatever the graph around it
    made. minitf records the block as a list of nodes of the same trace; the names given
    apart from those nodes -- the loop variables' Placeholders, the constants, the scopes
    of nested nodes -- are noted in ``made`` with the position in the list where they came,
    so a name counts both. ``outer`` is the (node list, BlockGraph or None) around it, for
    a value of an enclosing graph printed here (it keeps that graph's name, as in TF)."""

    __slots__ = ("prefix", "made", "last", "outer")

    def __init__(self, prefix: str, outer):
        self.prefix, self.outer = prefix, outer
        self.made: list = []            # (position in the node list, name in lower case)
        # the last constant's [op call, name before numbering, name] (tracing.made)
        self.last: list = [None, None, None]

    def count(self, base: str, pos: int) -> int:
        """How many names ``base`` (ignoring case) were given apart from the nodes before
        position ``pos`` of the node list."""
        key = base.lower()
        return sum(1 for p, k in self.made if k == key and p <= pos)

    def take(self, nodes: list, base: str) -> str:
        """Give the next name ``base`` in this graph (a constant, a nested node's scope),
        made after the ``nodes`` recorded so far: numbered after those nodes of that name
        and the names given before."""
        pos = len(nodes)
        name = numbered(base, _names_before(nodes, pos, base, skip_scoped=True) +
                        self.count(base, pos))
        self.made.append((pos, base.lower()))
        return name


def record_block(trace, fn, args=(), dry=False, prefix=None, loop_vars=()):
    """Run ``fn(*args)`` recording its nodes apart from the trace's (a branch, a loop's
    condition or body); ``dry``: without committing effects; ``prefix``: TF's name scope of
    the node it belongs to (``control_flow._block_prefix``), its own graph's names inside it
    (``BlockGraph``); ``loop_vars``: the slots of the loop variables it reads, which TF
    passes in as the graph's first nodes, Placeholders (``while/Placeholder_1``).
    Returns (result, its nodes)."""
    saved_nodes, saved_dry, saved_block = trace.nodes, trace.dry, trace.block
    # a tensor lifted inside the block has its constant node there: outside it is lifted anew
    saved_lifted = trace.lifted
    trace.lifted = dict(saved_lifted)
    # TF builds a branch or loop part as a graph of its own: it has the seed of the graph
    # around it and numbers its unseeded random ops from 0 again
    saved_random = getattr(trace, "random_graph", None)
    from ..ops import random_seed
    trace.random_graph = {"seed": saved_random["seed"] if saved_random is not None
                          else random_seed._state["seed"], "count": 0}
    trace.nodes = []
    trace.dry = saved_dry or dry
    trace.block = None if prefix is None else BlockGraph(prefix, (saved_nodes, saved_block))
    if trace.block is not None:
        for slot in loop_vars:
            trace.names[slot] = f"{prefix}/{trace.block.take([], 'Placeholder')}"
    try:
        out = fn(*args)
    finally:
        nodes = trace.nodes
        trace.nodes, trace.dry, trace.block = saved_nodes, saved_dry, saved_block
        trace.random_graph, trace.lifted = saved_random, saved_lifted
    return out, nodes


def unique_name(used: dict, base: str) -> str:
    """TF's unique name for ``base`` among the names ``used`` (lower case -> count): ``base``,
    then ``base_1``, ... (TF's numbering ignores case)."""
    key = base.lower()
    k = used.get(key, 0)
    name = base if k == 0 else f"{base}_{k}"
    while k and name.lower() in used:
        k += 1
        name = f"{base}_{k}"
    used[key] = k + 1
    used.setdefault(name.lower(), 1)
    return name


def _out_of_scope(t: Traced) -> TypeError:
    """TF's TypeError for a graph tensor used after its function's trace ended (it leaked out
    through a global or an attribute): it names the tensor and the function it belonged to."""
    from ..dtypes import as_dtype
    trace = t.trace
    shape = tuple(t.v.shape)
    shape_text = f"({shape[0]},)" if len(shape) == 1 else str(shape)
    shown = (f"<tf.Tensor '{trace.tensor_name(t.slot)}' shape={shape_text} "
             f"dtype={as_dtype(t.v.dtype).name}>")
    error = TypeError(
        f"{shown} is out of scope and cannot be used here. Use return values, explicit Python "
        "locals or TensorFlow collections to access it.\nPlease see "
        "https://www.tensorflow.org/guide/function#all_outputs_of_a_tffunction_must_be_return_values"
        f" for more information.\n\nThe tensor {shown} cannot be accessed from here, because it "
        f"was defined in FuncGraph(name={trace.name}, id={id(trace)}), which is out of scope.")
    error._ag_pass_through = True       # AutoGraph re-raises it unchanged, as TF does
    return error


def _escaped(*values) -> Exception:
    for v in values:             # a value of a finished trace: TF's out-of-scope TypeError
        if type(v) is Traced and v.trace.finished:
            return _out_of_scope(v)
    return RuntimeError("A tensor created inside a tf.function trace was used outside it (it "
                        "escaped, e.g. through a Python list or global). Return it from the "
                        "function instead.")
