"""What AutoGraph needs to know about a function body before rewriting it: which names a
statement reads and writes, and which names are *live* (read later, before being written again)
after each ``if`` and loop.

A converted ``if`` or loop passes its *state* (the names it modifies that are live around it)
through ``tf.cond`` / ``tf.while_loop``; a temporary assigned in one branch only and never read
afterwards is no state, as in TensorFlow's AutoGraph, so it raises no "must also be initialized
in the else branch" error.

>>> import ast
>>> tree = ast.parse("if c:\\n    y = 1\\n    t = 2\\nz = y")
>>> live_before(tree.body, set()) == {"c", "y"}
True
>>> sorted(tree.body[0].ag_live_out)
['y']
"""
from __future__ import annotations

import ast

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.ListComp,
           ast.SetComp, ast.DictComp, ast.GeneratorExp)


def loaded(node) -> set:
    """Every name ``node`` reads from the current scope: now, or when a nested function,
    lambda or comprehension in it runs. A nested scope's own names (its parameters, a def's
    locals, a comprehension's targets) are not reads of this scope: after
    ``for i in tf.range(n)``, ``lambda i: i + 1`` does not read the loop's ``i``.

    >>> sorted(loaded(ast.parse("f(lambda i, y=z: i + y + w)")))
    ['f', 'w', 'z']
    >>> sorted(loaded(ast.parse("[a * k for k in ks if k > b]")))
    ['a', 'b', 'ks']
    """
    out: set = set()
    _loaded_walk(node, out)
    return out


_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _loaded_walk(node, out: set) -> None:
    if isinstance(node, ast.Name):
        if isinstance(node.ctx, ast.Load):
            out.add(node.id)
        return
    if isinstance(node, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef)):
        a = node.args
        # defaults, decorators and annotations are evaluated here, when the def runs
        outer = a.defaults + [d for d in a.kw_defaults if d is not None]
        if not isinstance(node, ast.Lambda):
            outer += node.decorator_list + ([node.returns] if node.returns else [])
        outer += [x.annotation for x in a.posonlyargs + a.args + a.kwonlyargs +
                  [a.vararg, a.kwarg] if x is not None and x.annotation is not None]
        for e in outer:
            _loaded_walk(e, out)
        body = [node.body] if isinstance(node, ast.Lambda) else node.body
        own = {x.arg for x in a.posonlyargs + a.args + a.kwonlyargs + [a.vararg, a.kwarg]
               if x is not None}
        if not isinstance(node, ast.Lambda):
            declared = {name for n in ast.walk(node) if isinstance(n, (ast.Global, ast.Nonlocal))
                        for name in n.names}
            own |= modified(node.body) - declared
        inner: set = set()
        for b in body:
            _loaded_walk(b, inner)
        out |= inner - own
        return
    if isinstance(node, _COMPREHENSIONS):
        gens = node.generators
        _loaded_walk(gens[0].iter, out)        # the first iterable is evaluated here
        inner: set = set()
        targets: set = set()
        for k, g in enumerate(gens):
            targets |= {n.id for n in ast.walk(g.target) if isinstance(n, ast.Name)}
            for e in ([g.iter] if k else []) + g.ifs:
                _loaded_walk(e, inner)
        for e in ((node.key, node.value) if isinstance(node, ast.DictComp) else (node.elt,)):
            _loaded_walk(e, inner)
        out |= inner - targets
        return
    for child in ast.iter_child_nodes(node):
        _loaded_walk(child, out)


def _stored_walk(node, out: set, top: bool) -> None:
    if not top and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        out.add(node.name)                 # the def binds its name; its body is another scope
        return
    if not top and isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp,
                                     ast.GeneratorExp)):
        return
    if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
        out.add(node.id)
    elif isinstance(node, (ast.Import, ast.ImportFrom)):
        for a in node.names:
            out.add((a.asname or a.name).split(".")[0])
    elif isinstance(node, ast.ExceptHandler) and node.name:
        out.add(node.name)
    elif isinstance(node, ast.NamedExpr):
        out.add(node.target.id)
    for child in ast.iter_child_nodes(node):
        _stored_walk(child, out, False)


def modified(node) -> set:
    """The names a statement (or list of statements) binds in the current scope."""
    out: set = set()
    for n in node if isinstance(node, list) else [node]:
        _stored_walk(n, out, True)
    return out


def closure_reads(body: list) -> set:
    """Names read inside nested functions and lambdas of a body: they may be read whenever
    the closure is called, so they count as live everywhere."""
    out: set = set()
    for stmt in body:
        for n in ast.walk(stmt):
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                out |= loaded(n)
    return out


def live_before(stmts: list, live_after: set) -> set:
    """The names live before ``stmts`` given those live after them. Annotates every ``if``,
    ``while`` and ``for`` met with ``ag_live_out`` (live after it) and ``ag_live_in`` (live
    before it), and loops with ``ag_live_head`` (live at the top of each iteration)."""
    live = set(live_after)
    for stmt in reversed(stmts):
        live = _stmt(stmt, live)
    return live


def _stmt(s, out: set) -> set:
    if isinstance(s, ast.If):
        body_in = live_before(s.body, out)
        else_in = live_before(s.orelse, out)
        live = loaded(s.test) | body_in | else_in
        s.ag_live_out, s.ag_live_in = set(out), set(live)
        return live
    if isinstance(s, ast.While):
        exit_live = live_before(s.orelse, out) | out
        test = loaded(s.test) | set(getattr(s, "ag_extra_tests", ()))   # break/return flags
        head = test | exit_live
        while True:                        # sets only grow: a few rounds reach the fixpoint
            new = test | exit_live | live_before(s.body, head)
            if new <= head:
                break
            head |= new
        s.ag_live_out, s.ag_live_head, s.ag_live_in = set(out), set(head), set(head)
        return head
    if isinstance(s, ast.For):
        exit_live = live_before(s.orelse, out) | out
        target = {n.id for n in ast.walk(s.target) if isinstance(n, ast.Name)}
        head = exit_live | set(getattr(s, "ag_extra_tests", ()))        # break/return flags
        while True:
            new = head | (live_before(s.body, head) - target) | (loaded(s.target) - target)
            if new <= head:
                break
            head |= new
        live = loaded(s.iter) | head
        s.ag_live_out, s.ag_live_head, s.ag_live_in = set(out), set(head), set(live)
        return live
    if isinstance(s, (ast.Assign, ast.AnnAssign)):
        targets = s.targets if isinstance(s, ast.Assign) else [s.target]
        killed = {t.id for t in targets if isinstance(t, ast.Name)}
        for t in targets:
            if isinstance(t, (ast.Tuple, ast.List)):
                killed |= {e.id for e in t.elts if isinstance(e, ast.Name)}
        return (out - killed) | loaded(s)
    if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return (out - {s.name}) | loaded(s)
    if isinstance(s, ast.Return):
        return loaded(s)
    if isinstance(s, ast.Delete):
        return out - modified(s)
    if isinstance(s, (ast.Import, ast.ImportFrom)):
        return out - modified(s)
    # try, with, match and anything else: no kills (conservative), and the blocks inside are
    # annotated with everything the statement reads counted live after them.
    inner = out | loaded(s)
    for field in ("body", "orelse", "finalbody", "handlers"):
        block = getattr(s, field, None)
        if isinstance(block, list):
            for item in block:
                if isinstance(item, ast.ExceptHandler):
                    live_before(item.body, inner)
            if block and isinstance(block[0], ast.stmt):
                live_before(block, inner)
    return inner
