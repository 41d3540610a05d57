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
node that runs alone (a library call) or only has an effect follows everything before it.

Which stream: the program's longest chain of dependent work (by a guess of each node's time:
a product's flops, other kernels' bytes; ``cost``) runs on the first stream, one node after
another, and nothing else is put there: its kernels, the ones that set the step's time, never
queue behind work that could wait (a layer's kernel gradient, a bias sum, a cast of the
labels). Every other node continues its latest dependency's side stream when it is the next in
that chain, and otherwise takes the side stream that should be free first, so independent
work spreads out and chains of dependent kernels stay together.

>>> class N:                                    # a stand-in for tracing's Node
...     def __init__(self, ins, out, writes=()):
...         self.i, self.outs, self.w = ins, out, writes
...     def inputs(self): return self.i
>>> nodes = [N([0], 1), N([1], 2), N([1], 3), N([2, 3], 4)]   # 1 feeds 2 and 3; 4 joins them
>>> plan = schedule(nodes, lambda s: s, lambda n: n.w, streams=2)
>>> [p.stream for p in plan.steps], [p.waits for p in plan.steps]   # 0, 1, 3: the chain
([0, 0, 1, 0], [[], [], [0], [2]])
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


def schedule(nodes, group_of, writes_of, streams: int = STREAMS, exclusive=None,
             cost=None) -> Plan:
    """Streams and events for ``nodes`` (in program order). ``group_of(slot)`` names a slot's
    buffer; ``writes_of(node)`` lists the slots the node writes in place; ``exclusive(node)``
    says a node must run alone, after all that came before and before all that follows (a
    library call that may launch on a stream of its own rather than the current one);
    ``cost(node)``: a guess of its time (any unit; 1 each when not given)."""
    deps_of, alone_of = _dependencies(nodes, group_of, writes_of, exclusive)
    costs = [1.0 if cost is None else float(cost(nd)) for nd in nodes]
    critical = _critical_chain(deps_of, alone_of, costs)
    steps: list = []
    tail = [-1] * streams        # the last node put on each stream
    free_at = [0.0] * streams    # when each stream's last node should end (by ``costs``)
    end = [0.0] * len(nodes)
    synced = [[-1] * streams for _ in range(streams)]  # synced[a][b]: a has waited for b up to
    for i, node in enumerate(nodes):
        deps = deps_of[i]
        alone = alone_of[i]
        latest = max(deps, default=-1)
        ready = max((end[d] for d in deps), default=0.0)
        if alone or critical[i] or streams == 1:
            k = 0                    # the runner's own stream: the critical chain, library calls
        elif latest >= 0 and steps[latest].stream != 0 and \
                tail[steps[latest].stream] == latest:
            k = steps[latest].stream                    # the next link of its chain
        else:                        # the side stream that should be free first
            k = min(range(1, streams), key=lambda s: (max(free_at[s], ready), s))
        end[i] = free_at[k] = max(free_at[k], ready) + costs[i]
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
    used = 1 + max((s.stream for s in steps), default=0)
    return Plan(steps, used)


def _dependencies(nodes, group_of, writes_of, exclusive) -> tuple:
    """For each node, the earlier nodes it must follow through buffers (read after write,
    write after read; a node alone follows all before it and precedes all after), and
    whether it runs alone."""
    writer: dict = {}            # buffer -> index of the node that last wrote it
    readers: dict = {}           # buffer -> nodes that read it since that write
    barrier = -1                 # the last node that runs alone: all later ones come after it
    deps_of, alone_of = [], []
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
            deps.update(range(barrier + 1, i))          # after everything so far
        if barrier >= 0:
            deps.add(barrier)
        deps.discard(i)
        deps_of.append(deps)
        alone_of.append(alone)
        if alone:
            barrier = i
        for g in ins:
            readers.setdefault(g, set()).add(i)
        fresh = [group_of(s) for s in out_slots]
        for g in written + [g for g in fresh if g not in ins]:
            writer[g] = i
            readers[g] = set()
    return deps_of, alone_of


def _critical_chain(deps_of, alone_of, costs) -> list:
    """Which nodes lie on the program's longest chain of dependent work (by ``costs``): from
    the root with the longest path after it, each next node the successor with the longest
    path after it (the first on ties). They run on the first stream, one after another, and
    nothing else is put there to delay them."""
    n = len(costs)
    succ: list = [[] for _ in range(n)]
    for i, deps in enumerate(deps_of):
        for d in deps:
            succ[d].append(i)
    after = [0.0] * n                        # the longest path from a node to the end
    for i in reversed(range(n)):
        after[i] = costs[i] + max((after[j] for j in succ[i]), default=0.0)
    critical = [False] * n
    roots = [i for i in range(n) if not deps_of[i]]
    i = max(roots, key=lambda r: (after[r], -r), default=None)
    while i is not None:
        critical[i] = True
        i = max(succ[i], key=lambda j: (after[j], -j), default=None)
    return critical
