"""olive_ls/gc_pause.py: collection paused around an analysis, what it built frozen out of later collections, and
cyclic garbage among the frozen objects still collected by collect_frozen (when the server is idle)."""

from __future__ import annotations

import gc
import weakref

from olive_ls import gc_pause


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_paused_collection_resumes_after_the_last_pause():
    assert gc.isenabled()
    with gc_pause.gc_paused():
        with gc_pause.gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_frozen_cyclic_garbage_waits_for_collect_frozen():
    try:
        cycle = _Cycle()
        alive = weakref.ref(cycle)
        before = gc.get_freeze_count()
        gc_pause.keep_out_of_collections()
        assert gc.get_freeze_count() > before
        del cycle
        gc.collect()  # a collection does not look at frozen objects
        assert alive() is not None
        gc_pause.collect_frozen()
        assert alive() is None
        assert not gc_pause.collection_due()
    finally:
        gc.unfreeze()


def test_a_collection_is_due_after_enough_analyses_without_one():
    try:
        gc_pause.collect_frozen()
        for _ in range(gc_pause.COLLECT_EVERY_ANALYSES - 1):
            gc_pause.keep_out_of_collections()
        assert not gc_pause.collection_due()
        gc_pause.keep_out_of_collections()
        assert gc_pause.collection_due()
    finally:
        gc_pause.collect_frozen()
        gc.unfreeze()
