"""Independent work of a CUDA-graph program on several streams, so the graph runs it side by side.

A traced training step captured from one stream becomes a chain: every kernel waits for the one
before, although much of the backward pass is independent. A Dense layer's kernel gradient
``xᵀ·g`` and its bias gradient are not needed by the layers below, only by the optimizer; a
mid-sized product fills half of a big GPU's multiprocessors. Captured from several streams
joined by events, the graph keeps only the real dependencies, and CUDA runs independent
kernels at the same time (TF's executor and XLA do the same with their graphs).

``schedule`` decides, once per program, which stream each node runs on and which events it
waits for. Dependencies are found on buffers, not slots: two slots whose arrays share an
allocation (a view, a result written ``out=`` an input) are one buffer. A node waits for the
last writer of every buffer it reads or writes (read after write), and a node that writes a
buffer in place also waits for every reader since that write (write after read). A node
continues the stream of its latest dependency when it is the next in that chain, and otherwise
takes the stream that has waited longest, so chains of dependent kernels stay on one stream.

>>> class N:                                    # a stand-in for tracing's Node
...     def __init__(self, ins, out, writes=()):
...         self.i, self.outs, self.w = ins, out, writes
...     def inputs(self): return self.i
>>> nodes = [N([0], 1), N([1], 2), N([1], 3), N([2, 3], 4)]   # 1 feeds 2 and 3; 4 joins them
>>> plan = schedule(nodes, lambda s: s, lambda n: n.w, streams=2)
>>> [p.stream for p in plan.steps], [p.waits for p in plan.steps]
([0, 0, 1, 1], [[], [], [0], [1]])
"""
from __future__ import annotations

import os

STREAMS = max(1, int(os.environ.get("MINITF_GRAPH_STREAMS", "3")))


class Step:
    """Where one node runs: ``stream``, the nodes whose events it waits for first (``waits``),
    and whether later nodes on other streams wait for it (``record``)."""

    # ``seen``: for each stream, the last of its nodes this one comes after (its stream's
    # waits so far, as they stood when it was placed)
    __slots__ = ("stream", "waits", "record", "seen")

    def __init__(self, stream: int):
        self.stream, self.waits, self.record, self.seen = stream, [], False, None

    def __repr__(self) -> str:
        return f"Step(stream={self.stream}, waits={self.waits}, record={self.record})"


class Plan:
    """A program's schedule: one ``Step`` per node, and the streams it uses."""

    def __init__(self, steps: list, used: int):
        self.steps, self.used = steps, used


def schedule(nodes, group_of, writes_of, streams: int = STREAMS, exclusive=None) -> Plan:
    """Streams and events for ``nodes`` (in program order). ``group_of(slot)`` names a slot's
    buffer; ``writes_of(node)`` lists the slots the node writes in place; ``exclusive(node)``
    says a node must run alone, after all that came before and before all that follows (a
    library call that may launch on a stream of its own rather than the current one)."""
    steps: list = []
    writer: dict = {}            # buffer -> index of the node that last wrote it
    readers: dict = {}           # buffer -> nodes that read it since that write
    tail = [-1] * streams        # the last node put on each stream
    last_used = list(range(streams))   # stream order, least recently given a chain first
    synced = [[-1] * streams for _ in range(streams)]  # synced[a][b]: a has waited for b up to
    barrier = -1                 # the last node that runs alone: all later ones come after it
    for i, node in enumerate(nodes):
        ins = [group_of(s) for s in node.inputs()]
        outs = node.outs
        out_slots = () if outs is None else (outs if type(outs) is tuple else (outs,))
        written = [group_of(s) for s in writes_of(node)]
        deps = {writer[g] for g in ins + written if g in writer}
        for g in written:
            deps.update(readers.get(g, ()))
        alone = exclusive is not None and exclusive(node)
        if alone or (outs is None and not written):
            deps.update(t for t in tail if t >= 0)     # after everything so far
        if barrier >= 0:
            deps.add(barrier)
        deps.discard(i)
        latest = max(deps, default=-1)
        if alone:
            k = 0                    # the runner's own stream, the one library handles use
        elif latest >= 0 and tail[steps[latest].stream] == latest:
            k = steps[latest].stream                    # the next link of its chain
        elif latest < 0 and not any(t >= 0 for t in tail):
            k = 0
        else:
            k = last_used[0]
        last_used.remove(k)
        last_used.append(k)
        step = Step(k)
        for d in sorted(deps, reverse=True):      # the latest first: it covers the rest
            ds = steps[d].stream
            if ds != k and synced[k][ds] < d:
                step.waits.append(d)
                steps[d].record = True
                # what node d came after is now covered too
                synced[k] = [max(a, b) for a, b in zip(synced[k], steps[d].seen)]
        synced[k][k] = i
        step.seen = list(synced[k])
        steps.append(step)
        tail[k] = i
        if alone:
            barrier = i
        for g in ins:
            readers.setdefault(g, set()).add(i)
        fresh = [group_of(s) for s in out_slots]
        for g in written + [g for g in fresh if g not in ins]:
            writer[g] = i
            readers[g] = set()
    used = 1 + max((s.stream for s in steps), default=0)
    return Plan(steps, used)
