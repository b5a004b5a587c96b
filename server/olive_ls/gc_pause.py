"""Garbage collection paused around work that allocates much and frees little (building a tree, analysing one).

Its own small module: the server imports it at start, before it needs the parsers.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager

_gc_lock = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = False


@contextmanager
def gc_paused():
    """No cyclic garbage collection inside: for work that allocates tens of thousands of objects and frees none
    (building a tree, analysing one). In a server holding a few big trees, every collection walks them all: a
    10,000-line parse went from 40 ms to 130 ms with collections running. Nested and thread-safe: collection
    resumes when the last pause ends (and then runs as usual, so garbage is still freed)."""
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()


# --- the server's policy: the trees it keeps are never walked by a collection while the user types ----------------

# A collection of everything the server holds, at most this many analyses apart while the user never pauses.
COLLECT_EVERY_ANALYSES = 200
_analyses_since_collection = 0


def keep_out_of_collections() -> None:
    """Everything alive now (the tree just built and analysed, its findings) goes to the permanent generation
    (gc.freeze): with a 10,000-line config open, the collections its ~250,000 new objects set off next (gen0 30 ms,
    gen1 16 ms, then a full one of 60 ms) ran on the event loop right after the diagnostics were sent, and held the
    next keystroke's didChange that long. The versions it replaces are freed by reference counting
    (document.nodes.release_tree), frozen or not; what cyclic garbage remains is collected by
    `collect_frozen`, when the user pauses."""
    global _analyses_since_collection
    gc.freeze()
    _analyses_since_collection += 1


def collection_due() -> bool:
    """True once COLLECT_EVERY_ANALYSES analyses were frozen without a collection (a user who never pauses)."""
    return _analyses_since_collection >= COLLECT_EVERY_ANALYSES


def collect_frozen() -> None:
    """A full collection of everything, then everything alive frozen again: for an idle moment (the server calls it
    when no edit came for a while) or when collection_due."""
    global _analyses_since_collection
    with _gc_lock:
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        _analyses_since_collection = 0
