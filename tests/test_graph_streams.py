"""A CUDA-graph program's nodes spread over several streams (function/graph_streams.py).

The schedule is checked against dependencies found independently, by brute force over every
pair of nodes: a node that reads or writes a buffer comes after every earlier writer of it, and
a node that writes a buffer comes after every earlier reader. "Comes after" is what the streams
guarantee: order on one stream, and an event a node waits for, recorded after another node.
On the GPU, a traced training step replayed from a multi-stream graph gives the same bits as
the one-stream graph.
"""
from __future__ import annotations

import random

import numpy as np
import pytest

import minitf as tf
from minitf.function import codegen, graph_streams
from tests.test_backends import backend  # noqa: F401  (fixture)


class _Node:
    def __init__(self, ins, outs, writes=(), alone=False):
        self.ins, self.outs, self.writes, self.alone = list(ins), outs, list(writes), alone

    def inputs(self):
        return self.ins


def _random_program(rng: random.Random, n: int):
    """Nodes over slots; some outputs are views of an input (same buffer), some nodes write an
    input in place, some make two outputs, some have no output (an effect)."""
    buffer_of = {0: 0, 1: 1, 2: 2}        # slots 0-2: inputs and variables
    nodes = []
    for _ in range(n):
        live = list(buffer_of)
        ins = rng.sample(live, k=min(len(live), rng.choice([1, 1, 2, 3])))
        kind = rng.random()
        new = len(buffer_of)
        if kind < 0.15:                                  # writes its first input in place
            nodes.append(_Node(ins, None, [ins[0]]))
        elif kind < 0.3:                                 # a view of its first input
            buffer_of[new] = buffer_of[ins[0]]
            nodes.append(_Node(ins, new))
        elif kind < 0.4:                                 # out= an input: result aliases it
            buffer_of[new] = buffer_of[ins[0]]
            nodes.append(_Node(ins, new, [ins[0]]))
        elif kind < 0.5:                                 # two results
            buffer_of[new], buffer_of[new + 1] = new, new + 1
            nodes.append(_Node(ins, (new, new + 1)))
        elif kind < 0.53:                                # an effect, no result
            nodes.append(_Node(ins, None))
        elif kind < 0.58:                                # a library call: runs alone
            buffer_of[new] = new
            nodes.append(_Node(ins, new, alone=True))
        else:
            buffer_of[new] = new
            nodes.append(_Node(ins, new))
    return nodes, buffer_of


def _needed(nodes, buffer_of):
    """(j, i) pairs: node i must come after node j (brute force over buffers)."""
    def reads(nd):
        return {buffer_of[s] for s in nd.ins}

    def writes(nd):
        outs = () if nd.outs is None else nd.outs if type(nd.outs) is tuple else (nd.outs,)
        fresh = {buffer_of[s] for s in outs} - reads(nd)
        return {buffer_of[s] for s in nd.writes} | fresh
    pairs = set()
    for i, a in enumerate(nodes):
        for j in range(i):
            b = nodes[j]
            if writes(b) & (reads(a) | writes(a)) or reads(b) & writes(a):
                pairs.add((j, i))
            if (a.outs is None and not a.writes) or a.alone or b.alone:
                pairs.add((j, i))          # an effect, a node alone: ordered with everything
    return pairs


def _happens_before(plan):
    """For each node, the set of nodes the streams and events order before it."""
    before: list = []
    last_on: dict = {}
    for i, step in enumerate(plan.steps):
        prev = last_on.get(step.stream)
        b = set() if prev is None else before[prev] | {prev}
        for d in step.waits:
            assert plan.steps[d].record, f"node {i} waits for {d}, which records no event"
            b |= before[d] | {d}
            # an event recorded after d covers everything on d's stream up to d
        before.append(b)
        last_on[step.stream] = i
    return before


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("streams", [2, 3, 4])
def test_schedule_orders_every_dependency(seed, streams):
    rng = random.Random(seed)
    nodes, buffer_of = _random_program(rng, 40)
    plan = graph_streams.schedule(nodes, buffer_of.__getitem__, lambda nd: nd.writes, streams,
                                  exclusive=lambda nd: nd.alone)
    before = _happens_before(plan)
    for j, i in _needed(nodes, buffer_of):
        assert j in before[i], (j, i, plan.steps[i])
    assert all(0 <= s.stream < streams for s in plan.steps)
    assert all(s.stream == 0 for s, nd in zip(plan.steps, nodes) if nd.alone)
    assert plan.used > 1            # (40 random nodes always leave some work side by side)


def test_independent_chains_go_to_different_streams():
    # x -> a -> b and x -> c -> d: two chains after x, joined by e
    nodes = [_Node([0], 1), _Node([1], 2), _Node([2], 3), _Node([1], 4), _Node([4], 5),
             _Node([3, 5], 6)]
    plan = graph_streams.schedule(nodes, lambda s: s, lambda nd: nd.writes, 2)
    streams = [s.stream for s in plan.steps]
    assert streams[1] == streams[2] and streams[3] == streams[4] and streams[1] != streams[3]
    assert plan.used == 2


def test_one_chain_stays_on_one_stream():
    nodes = [_Node([0], 1), _Node([1], 2), _Node([2], 3, [2]), _Node([3], 4)]
    plan = graph_streams.schedule(nodes, lambda s: s, lambda nd: nd.writes, 3)
    assert plan.used == 1 and not any(s.waits for s in plan.steps)


def _mlp_step(seed: int):
    """Issue 13's mid MLP shape, smaller: Dense relu layers, sparse CE, Adam, traced."""
    tf.random.set_seed(seed)
    keras = tf.keras
    model = keras.Sequential([keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(32, activation="relu"),
                              keras.layers.Dense(10)])
    rng = np.random.default_rng(seed)
    model.build((None, 20))
    model.set_weights([rng.standard_normal(w.shape).astype(np.float32) * 0.3
                       for w in model.weights])
    x = tf.constant(rng.standard_normal((48, 20)).astype(np.float32))
    y = tf.constant(rng.integers(0, 10, 48).astype(np.int32))
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    opt = keras.optimizers.Adam(1e-2)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))
        return loss
    return model, step


def _train(streams: int, monkeypatch):
    monkeypatch.setattr(codegen, "STREAMS", streams)
    model, step = _mlp_step(3)
    losses = [float(step()) for _ in range(6)]
    spec = next(iter(next(iter(step._concrete.values()))._specialisations.values()))
    return losses, [w.numpy() for w in model.weights], spec


def test_multi_stream_graph_replays_the_one_stream_graph_bit_for_bit(backend, monkeypatch):  # noqa: F811
    l3, w3, spec = _train(3, monkeypatch)
    l1, w1, _ = _train(1, monkeypatch)
    assert l3 == l1
    for a, b in zip(w3, w1):
        np.testing.assert_array_equal(a, b)
    if backend == "cupy":
        runner = spec.graph_runner
        assert runner is not None and runner.graph is not None, getattr(runner, "reason", None)
        assert runner.program.streams is not None and runner.program.streams.n > 1
        assert ".fork()" in runner.program.source and ".join()" in runner.program.source


def test_the_longest_chain_runs_on_the_first_stream_and_nothing_else_does():
    # x -> a (long) -> b (long) -> e; x -> c (short) -> d (short) -> e: a, b on stream 0 with
    # e; c and d, though first in program order after x, go to a side stream
    nodes = [_Node([0], 1), _Node([1], 4), _Node([4], 5), _Node([1], 2), _Node([2], 3),
             _Node([3, 5], 6)]
    cost = {0: 1, 1: 2, 2: 2, 3: 50, 4: 50, 5: 1}
    plan = graph_streams.schedule(nodes, lambda s: s, lambda nd: nd.writes, 3,
                                  cost=lambda nd: cost[nodes.index(nd)])
    streams = [s.stream for s in plan.steps]
    assert streams[0] == streams[3] == streams[4] == streams[5] == 0
    assert streams[1] == streams[2] != 0
    before = _happens_before(plan)
    assert 2 in before[5] and 4 in before[5] and 0 in before[1]


def test_a_node_that_calls_nothing_does_not_order_the_program():
    # A lifted constant's node (`s3 = c1`) launches nothing: it must not run alone, which
    # would order everything after it behind everything before it (the labels' cast behind
    # the whole forward pass). Built on a real trace, scheduled as a graph program is.
    from minitf.function import tracing
    tr = tracing.Trace()
    x = tr.input(np.ones((64, 64), np.float32))
    y1, c, z, y2 = (tr._new(np.ones((64, 64), np.float32)) for _ in range(4))
    nodes = [tracing.Node(np.matmul, (x, x), {}, y1.slot, []),
             tracing.Node(tracing._constant, (np.ones((64, 64), np.float32),), {}, c.slot, []),
             tracing.Node(np.multiply, (c, 2.0), {}, z.slot, []),
             tracing.Node(np.matmul, (y1, z), {}, y2.slot, [])]
    plan = codegen._streams_plan(tr, nodes)
    assert plan is not None
    before = _happens_before(plan)
    assert 0 not in before[2]            # the multiply need not wait for the first product
    assert {0, 2} <= before[3]
    assert plan.steps[0].stream == plan.steps[3].stream == 0 and plan.steps[2].stream != 0
