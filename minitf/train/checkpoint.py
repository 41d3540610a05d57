"""``tf.train.Checkpoint``: save and restore Python objects' variables by object graph.

TensorFlow does not save variables by their names. It walks the *object graph* from the
Checkpoint's keyword arguments: a ``tf.Module``'s attributes, a list's items, a dict's
values, a Keras layer's weights and sub-layers, an optimizer's variables. Each variable's key
is the path of attribute names that first reaches it (breadth first), e.g.
``model/layer/kernel/.ATTRIBUTES/VARIABLE_VALUE``, and the graph itself is saved beside the
values. Restoring walks the saved graph and the live objects together, matching children by
name, so a checkpoint survives renamed variables and needs only the same *structure*.

When a saved object has no live counterpart yet (a Keras model not built, an optimizer whose
slots do not exist before its first step), its values wait, and are assigned as soon as
Keras creates those variables: this is TF's *deferred restoration*, which is what lets a
training loop restore before its first step and resume exactly.

minitf writes TensorFlow's own file format (:mod:`.tensor_bundle`), so
``tf.train.list_variables`` and ``Checkpoint.restore`` in TensorFlow read minitf's
checkpoints, and the reverse.

>>> import minitf as tf, tempfile, os
>>> net = tf.Module()
>>> net.w = tf.Variable([1.0, 2.0])
>>> ckpt = tf.train.Checkpoint(net=net, step=tf.Variable(5))
>>> path = ckpt.save(os.path.join(tempfile.mkdtemp(), "ckpt"))
>>> os.path.basename(path)
'ckpt-1'
>>> _ = net.w.assign([0.0, 0.0])
>>> ckpt.restore(path).assert_consumed().__class__.__name__
'CheckpointLoadStatus'
>>> net.w.numpy()
array([1., 2.], dtype=float32)
"""
from __future__ import annotations

import collections
import os
import weakref

import numpy as np

from .. import module as _module
from ..module import Module
from ..tensor import is_variable
from . import tensor_bundle, wire

OBJECT_GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH"
VALUE_SUFFIX = "/.ATTRIBUTES/VARIABLE_VALUE"
_MODULE_INTERNALS = {"_name", "_scope_name"}


# ---- the object graph -------------------------------------------------------------------

def _is_trackable(x) -> bool:
    if (is_variable(x) or isinstance(x, Module) or hasattr(x, "_checkpoint_children")
            or hasattr(x, "_checkpoint_tensors")):
        return True
    if isinstance(x, (list, tuple)):
        return any(_is_trackable(v) for v in x)
    if isinstance(x, dict):
        return any(_is_trackable(v) for v in x.values())
    return False


def children(obj) -> list:
    """``obj``'s named dependencies, in TensorFlow's order: ``[(local_name, child), ...]``."""
    if is_variable(obj):
        return []
    hook = getattr(obj, "_checkpoint_children", None)
    if hook is not None:
        return [(n, c) for n, c in hook() if _is_trackable(c)]
    if isinstance(obj, (list, tuple)):
        return [(str(i), c) for i, c in enumerate(obj) if _is_trackable(c)]
    if isinstance(obj, dict):
        return [(str(k), c) for k, c in obj.items() if _is_trackable(c)]
    if isinstance(obj, Module):
        return [(k, v) for k, v in vars(obj).items()
                if k not in _MODULE_INTERNALS and _is_trackable(v)]
    return []


def _escape(name: str) -> str:
    # TF's key escaping: "." doubles and "/" becomes ".S", so keys split unambiguously on "/".
    return name.replace(".", "..").replace("/", ".S")


def _variable_name(v) -> str:
    path = getattr(v, "path", None)
    if isinstance(path, str):
        return path
    name = v.name
    return name[:-2] if name.endswith(":0") else name


def build_graph(root) -> tuple:
    """Breadth-first walk from ``root``: the serialized-graph nodes and ``key -> value``."""
    ids, objects, paths = {id(root): 0}, [root], [[]]
    nodes, values = [], {}
    queue = collections.deque([0])
    while queue:
        i = queue.popleft()
        obj = objects[i]
        node = {"children": [], "attributes": [], "slot_variables": [],
                "has_checkpoint_values": False}
        for name, child in children(obj):
            if id(child) not in ids:
                ids[id(child)] = len(objects)
                objects.append(child)
                paths.append(paths[i] + [_escape(name)])
                queue.append(ids[id(child)])
            node["children"].append((ids[id(child)], name))
        if is_variable(obj):
            key = "/".join(paths[i]) + VALUE_SUFFIX
            node["attributes"].append(("VARIABLE_VALUE", _variable_name(obj), key))
            values[key] = np.asarray(obj.numpy())
        elif hasattr(obj, "_checkpoint_tensors"):
            # Non-variable state (a dataset iterator's position). As in TF, the graph records
            # the attribute's key, and its tensors are stored under that key plus a suffix
            # (an iterator: attribute ITERATOR, tensor ITERATOR_STATE).
            for attr, tensors in obj._checkpoint_tensors().items():
                key = "/".join(paths[i]) + "/.ATTRIBUTES/" + attr
                node["attributes"].append((attr, "", key))
                for suffix, value in tensors.items():
                    values[key + suffix] = value
        nodes.append(node)
    # A node "has values" if any object below it holds one (TF records this for each node).
    for i in reversed(range(len(nodes))):
        nodes[i]["has_checkpoint_values"] = bool(nodes[i]["attributes"]) or any(
            nodes[c]["has_checkpoint_values"] for c, _ in nodes[i]["children"] if c > i)
    return nodes, values


def write_objects(prefix: str, root) -> str:
    nodes, values = build_graph(root)
    values[OBJECT_GRAPH_KEY] = np.array(wire.encode_object_graph(nodes), dtype=object)
    tensor_bundle.write(prefix, values)
    return prefix


# ---- restoring --------------------------------------------------------------------------

# Restorations still waiting for objects to be created. TF keeps them on the objects whose
# children are missing, so they outlive the status object and the Checkpoint (a training loop
# often drops both); here each waits in this set and holds those objects only weakly.
_PENDING: set = set()


def retry_deferred() -> None:
    """Assign values that earlier ``restore`` calls could not place yet. Keras calls this
    after it builds a layer or an optimizer, and a ``tf.Module`` after it is given a new
    Variable or submodule attribute, as TF's deferred restoration does."""
    for restorer in list(_PENDING):
        restorer.retry()


def _waiting(restorer, waits: bool) -> None:
    """Add or remove ``restorer`` from the waiting set, and tell tf.Module whether any
    restore still waits (module.DEFERRED_RESTORE)."""
    if waits:
        _PENDING.add(restorer)
    else:
        _PENDING.discard(restorer)
    _module.DEFERRED_RESTORE[:] = [retry_deferred] if _PENDING else []


def _is_container(obj) -> bool:
    return isinstance(obj, (list, tuple, dict)) or type(obj).__name__ == "_Group"


def _assign(var, value: np.ndarray, key: str, lifted: bool = False) -> None:
    from .. import _backend as B
    if B.TRACING and not lifted:
        # Keras may build a layer or an optimizer inside fit's traced step; its variables are
        # created eagerly even then, and so are their restored values (TF's init_scope). The
        # whole assignment, its checks included, leaves the trace: a variable read or written
        # through it would enter the program, its restored array as a constant that every
        # replay restarts from (or, updated in place, shares with tensors read earlier), or
        # its first read taken before the value arrives.
        B.TRACER.eager(lambda: _assign(var, value, key, lifted=True))
        return
    from ..errors import InvalidArgumentError
    want = var._dtype.name
    got = value.dtype.name if value.dtype != object else "string"
    if got != want:
        raise InvalidArgumentError(None, None, f"tensor_name = {key}; expected dtype {want} "
                                   f"does not equal original dtype {got}")
    if tuple(value.shape) != tuple(var.shape):
        raise ValueError(f"Received incompatible tensor with shape {tuple(value.shape)} when "
                         f"attempting to restore variable with shape {tuple(var.shape)} and "
                         f"name {var.name}.")
    var.assign(value)


class _Restorer:
    """Matches a saved object graph against live objects and assigns the values; what cannot
    be matched yet waits (weakly anchored at the nearest non-container object) until
    :func:`retry_deferred` finds it created."""

    def __init__(self, reader, nodes):
        self.reader, self.nodes = reader, nodes
        self.matched = {}         # saved node id -> id of the live object
        self.restored = set()     # ids of live variables assigned from the checkpoint
        self.pending = []         # (weakref to anchor, names anchor -> parent, name, saved id)

    def walk(self, sid: int, obj, anchor, names: tuple = ()) -> None:
        stack = [(sid, obj, anchor, names)]
        while stack:
            sid, obj, anchor, names = stack.pop()
            if sid in self.matched:
                continue
            self.matched[sid] = id(obj)     # ids only: a waiting restore keeps nothing alive
            if not _is_container(obj):
                anchor, names = obj, ()
            node = self.nodes[sid]
            for name, _, key in node["attributes"]:
                if name == "VARIABLE_VALUE" and is_variable(obj):
                    _assign(obj, self.reader.get(key), key)
                    self.restored.add(id(obj))
            extra = {name: self._tensors_under(key) for name, _, key in node["attributes"]
                     if name != "VARIABLE_VALUE"}
            if extra and hasattr(obj, "_restore_checkpoint_tensors"):
                obj._restore_checkpoint_tensors(extra)
            live = dict(children(obj))
            for cid, name in node["children"]:
                if cid in self.matched:
                    continue
                if name in live:
                    stack.append((cid, live[name], anchor, names + (name,)))
                elif self.nodes[cid]["has_checkpoint_values"]:
                    self.pending.append((weakref.ref(anchor), names, name, cid))
        if self.pending:
            _waiting(self, True)

    def _tensors_under(self, key: str) -> dict:
        """``{suffix: value}`` of the tensors an attribute's ``key`` stands for."""
        out = {}
        for k in self.reader.keys():
            if k.startswith(key) and "/" not in k[len(key):]:
                # TF's own iterator state is a DT_VARIANT (serialized pipeline buffers),
                # which minitf cannot decode: the owner is told rather than handed garbage.
                out[k[len(key):]] = (self.reader.get(k) if self.reader.dtype(k) != "variant"
                                     else None)
        return out

    def retry(self) -> None:
        pending, self.pending = self.pending, []
        for ref, names, name, cid in pending:
            anchor = ref()
            if cid in self.matched or anchor is None:
                continue
            parent = anchor
            for n in names:
                parent = dict(children(parent)).get(n) if parent is not None else None
            live = dict(children(parent)) if parent is not None else {}
            if name in live:
                self.walk(cid, live[name], anchor, names + (name,))
            else:
                self.pending.append((ref, names, name, cid))
        if not self.pending:
            _waiting(self, False)


class CheckpointLoadStatus:
    """What ``Checkpoint.restore`` matched, with TF's assertions about it.

    Values whose objects do not exist yet are assigned when they are created (deferred),
    even if this status and the Checkpoint are dropped; ``assert_consumed`` fails until every
    saved value has found its variable."""

    def __init__(self, reader, nodes, root):
        self._root = root
        self._restorer = _Restorer(reader, nodes)
        self._restorer.walk(0, root, root)

    @property
    def _nodes(self):
        return self._restorer.nodes

    @property
    def _matched(self):
        return self._restorer.matched

    @property
    def _restored(self):
        return self._restorer.restored

    @property
    def _pending(self):
        return self._restorer.pending

    def _unmatched(self) -> list:
        return [i for i, n in enumerate(self._nodes)
                if i not in self._matched and n["attributes"]]

    def assert_consumed(self) -> "CheckpointLoadStatus":
        """AssertionError unless every saved value was assigned and every variable reachable
        from the root was restored."""
        missing = self._unmatched()
        if missing:
            keys = [self._nodes[i]["attributes"][0][2] for i in missing]
            raise AssertionError(f"Unresolved object in checkpoint: {keys}")
        self.assert_existing_objects_matched()
        return self

    def assert_existing_objects_matched(self) -> "CheckpointLoadStatus":
        """AssertionError if a variable that exists now, reachable from the root, was not
        restored."""
        _, _, unrestored = self._live_variables()
        if unrestored:
            raise AssertionError("Some Python objects were not bound to checkpointed values, "
                                 f"likely due to changes in the Python program: {unrestored}")
        return self

    def assert_nontrivial_match(self) -> "CheckpointLoadStatus":
        """AssertionError if nothing but the root was matched."""
        if len(self._matched) <= 1:
            raise AssertionError("Nothing except the root object matched a checkpointed value.")
        return self

    def expect_partial(self) -> "CheckpointLoadStatus":
        """Say that a partial restore is intended (TF then stops warning about it)."""
        return self

    def _live_variables(self) -> tuple:
        seen, out, queue = {id(self._root)}, [], collections.deque([self._root])
        while queue:
            obj = queue.popleft()
            if is_variable(obj):
                out.append(obj)
            for _, c in children(obj):
                if id(c) not in seen:
                    seen.add(id(c))
                    queue.append(c)
        unrestored = [v.name for v in out if id(v) not in self._restored
                      and getattr(v, "name", "") != "save_counter:0"]
        return seen, out, unrestored


class InitializationOnlyStatus:
    """What ``restore(None)`` returns: nothing was restored, and variables keep their
    initial values; the assertions that need a checkpoint fail."""

    def assert_consumed(self):
        raise AssertionError("No checkpoint specified (save_path=None); nothing is being "
                             "restored.")

    assert_existing_objects_matched = assert_consumed
    assert_nontrivial_match = assert_consumed

    def expect_partial(self):
        return self


def restore_objects(save_path, root):
    if save_path is None:
        return InitializationOnlyStatus()
    save_path = os.fspath(save_path)
    reader = tensor_bundle.BundleReader(save_path)
    if not reader.has(OBJECT_GRAPH_KEY):
        raise ValueError(f"The checkpoint at {save_path} has no object graph: it was written "
                         "by a name-based (TF1) saver, which minitf does not read.")
    nodes = wire.decode_object_graph(reader.get(OBJECT_GRAPH_KEY)[()])
    return CheckpointLoadStatus(reader, nodes, root)


# ---- the public class -------------------------------------------------------------------

class Checkpoint:
    """Groups objects to save and restore together: ``tf.train.Checkpoint(model=m,
    optimizer=opt, step=v)``.

    ``save(prefix)`` numbers each checkpoint (``prefix-1``, ``prefix-2``, ...) with the
    ``save_counter`` variable, which is saved too, and records the newest in the directory's
    ``checkpoint`` file for :func:`latest_checkpoint`; ``write(prefix)`` writes exactly
    ``prefix``. ``restore(path)`` returns a status object whose ``assert_consumed()``
    checks that everything matched. Keyword arguments are the root's children, in sorted
    order as TensorFlow keeps them; objects assigned as attributes later are added too.
    """

    def __init__(self, root=None, **kwargs):
        object.__setattr__(self, "_deps", [])
        object.__setattr__(self, "_root_obj", root)
        object.__setattr__(self, "_save_counter", None)
        for name, value in sorted(kwargs.items()):
            setattr(self, name, value)

    def __setattr__(self, name: str, value) -> None:
        if not name.startswith("_"):
            if not _is_trackable(value):
                raise ValueError("`Checkpoint` was expecting a trackable object (an object "
                                 f"derived from `Trackable`), got {value!r}. If you believe "
                                 "this object should be trackable (i.e. it is part of the "
                                 "TensorFlow Python API and manages state), please open an "
                                 "issue.")
            self._deps[:] = [(n, v) for n, v in self._deps if n != name] + [(name, value)]
        object.__setattr__(self, name, value)

    def _checkpoint_children(self) -> list:
        out = list(children(self._root_obj)) if self._root_obj is not None else []
        out += self._deps
        if self._save_counter is not None:
            out.append(("save_counter", self._save_counter))
        return out

    @property
    def save_counter(self):
        """How many times ``save`` has run (an int64 Variable, created on first use and
        saved with the checkpoint)."""
        if self._save_counter is None:
            from ..variable import Variable
            object.__setattr__(self, "_save_counter", Variable(
                np.int64(0), name="save_counter", trainable=False))
        return self._save_counter

    def write(self, file_prefix, options=None) -> str:
        """Write the checkpoint at exactly ``file_prefix`` (no numbering, no state file)."""
        return write_objects(os.fspath(file_prefix), self)

    def save(self, file_prefix, options=None) -> str:
        """Increment ``save_counter``, write ``{file_prefix}-{save_counter}``, and make it the
        directory's latest checkpoint. Returns the path prefix written."""
        from .checkpoint_management import update_checkpoint_state
        counter = self.save_counter
        counter.assign_add(1)
        path = self.write(f"{os.fspath(file_prefix)}-{int(counter.numpy())}")
        update_checkpoint_state(os.path.dirname(os.path.abspath(path)), path, [path])
        return path

    def read(self, save_path, options=None):
        """Restore from ``save_path`` (a prefix written by ``write`` or ``save``)."""
        return restore_objects(save_path, self)

    def restore(self, save_path, options=None):
        """Restore from ``save_path``; ``None`` restores nothing (variables keep their
        initial values). Values whose variables do not exist yet are assigned when they are
        created."""
        if save_path is None:
            return restore_objects(None, self)
        self.save_counter    # created now, so the saved counter has a live match
        from ..errors import NotFoundError
        try:
            return restore_objects(save_path, self)
        except NotFoundError as e:
            # TF's restore adds the path and the usual cause (a prefix without its "-N").
            raise NotFoundError(
                None, None, f"Error when restoring from checkpoint or SavedModel at "
                f"{os.fspath(save_path)}: {e.message}\nPlease double-check that the path is "
                "correct. You may be missing the checkpoint suffix (e.g. the '-1' in "
                "'path/to/ckpt-1').") from None
