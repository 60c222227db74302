"""micrograd_c: micrograd's Python API on the micrograd-c engine.

A notebook written for micrograd runs unchanged after one import changes:

    from micrograd_c.engine import Value      # was: from micrograd.engine import Value
    from micrograd_c.nn import MLP            # was: from micrograd.nn import MLP

and gains what micrograd lacks: v.dot(), v.trace(), v.explain(x), v.dump(),
v.gradcheck(), the interactive page (v.html(), shown inline by Jupyter),
messages and teaching outputs in Spanish (lang='es'), and speed (a network's
forward pass is one call into C).

Lifetimes (see micrograd_c._graph): Values live in a C graph until
micrograd_c.reset(), the end of a `with micrograd_c.scope():` block they were
made in, or the end of their `with micrograd_c.graph():` block.  Using one
after that raises StaleValueError; it never touches freed memory.
"""
from ._graph import (Graph, GraphError, StaleValueError, current, graph, reset, scope,
                     set_lang)
from ._lib import path as library_path
from ._text import Text
from .engine import Value
from . import nn

import ctypes as _ctypes

from . import _graph as _g
from . import _lib as _L

__version__ = "0.1.0"

__all__ = ["Value", "nn", "graph", "scope", "reset", "set_lang", "current", "Graph",
           "GraphError", "StaleValueError", "Text", "grad", "library_path"]


def grad(root, x):
    """d root / d x as a new Value of the graph: the backward pass recorded as
    nodes, so it can be differentiated again (second derivatives, Newton's
    method).  Its data equals the grad backward() gives x; nothing else
    changes."""
    from ._teach import _values
    arr, _ = _values(root, [root, x], "grad")
    p = _L.grad(arr[0], arr[1])
    if not p:
        _g.failed(root._e.graph)
    from .engine import _wrap
    return _wrap(p, root._e.graph._epoch)
