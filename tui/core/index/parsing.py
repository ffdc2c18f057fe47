"""Parsing sources into the store: worker processes, and the batches a build commits.

Apart from `NoteIndex` because it is the build's hot path (process pool,
bounded queue, batch sizes and timing), tuned on its own (bench/run.py).
"""

from __future__ import annotations

import gc
import os
import pickle
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path

from tui.core.index.payloads import PayloadDictionary, packing_with
from tui.core.index.prepared import PreparedSource, prepare_source
from tui.core.index.sources import SourceRef, size_of
from tui.core.index.store import IndexStore
from tui.core.text.decoding import read_note_file

PARALLEL_THRESHOLD = 64
PARSE_CHUNK = 8  # sources a worker parses per task
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies
_PARENT: int | None = None  # in a worker: the process it parses for
CHUNKS_AHEAD = 3  # tasks queued per worker until the store has its payload dictionary
# …then this many sources handed to the workers ahead of the writer: while it writes
# a batch (2-4 s at 100k), the workers parse on instead of waiting for it (3 tasks a
# worker left them idle through each write: a 100k build ran parse, write, parse…).
AHEAD_SOURCES = 384
AHEAD_BYTES = 24 << 20  # notes' bytes parsed ahead (held pickled at ~1.5-2x their size)
BATCH_SOURCES = 64  # committed together, so a first start can search what is done
VOCAB_SYNC_SECONDS = 30.0  # during a first build, words inside words become findable this often
BATCH_SECONDS = 0.5  # …or whatever was parsed in this long, whichever comes first
FIRST_BATCH_SECONDS = 0.0  # the first parsed source is committed at once: a first start lists it
# Later batches grow (twice the sources and the seconds each time) up to these: each
# commit writes a new FTS5 segment that merges cost again, and a 100k build spent a
# sixth of its writer's time on 0.5 s commits. Searches still see new files every 2 s.
# 512 sources (~40 MB parsed) with the parsed sources waiting (AHEAD_SOURCES) keep a
# 100k build's writer at ~210-240 MB; 1024 was the ceiling when nothing waited.
MAX_BATCH_SOURCES = 512
MAX_BATCH_SECONDS = 2.0
# A build's batches are committed (and searches see them) at once for the first, then
# after twice as long each time up to this: each commit leaves a segment in the word
# indexes that the build's end merges again (100k at 2 s commits: 9 segments, ~2 of
# the writer's CPU-s more than one), while the batches still go in every 2 s.
MAX_COMMIT_SECONDS = 8.0
Progress = Callable[[int, int], None]
UNREAD = ""  # the signature kept for a note that could not be read: no file has it


def parse_source(root: Path, ref: SourceRef) -> PreparedSource:
    """Parse one note file or archive; never raises (failures become warnings)."""
    # Imported here: a warm start with nothing to parse never loads the parsers.
    from tui.core.ingest.note_parser import parse_note
    from tui.core.ingest.x_archive import parse_x_archive

    warnings: list[str] = []
    try:
        if ref.is_archive:
            parsed = parse_x_archive(root, ref.path)
            return prepare_source(ref.signature, parsed.entries, parsed.warnings)
        read_errors: list[OSError] = []
        decoded = read_note_file(ref.path, display_name=ref.key, warnings=warnings,
                                 read_errors=read_errors)
        if decoded is None:
            # A read that failed is tried again by the next refresh: under its signature
            # the file would count as indexed (with nothing in it) until it changed, and
            # a folder away for a moment of a first build kept thousands so.
            return prepare_source(UNREAD if read_errors else ref.signature, [], warnings)
        parsed = parse_note(ref.key, decoded.text)
        return prepare_source(ref.signature, parsed.entries, warnings + parsed.warnings)
    except Exception as exc:  # a parser bug must cost one file, not the index
        warnings.append(f"{ref.key}: skipped, parser failed ({type(exc).__name__}: {exc})")
        return prepare_source(ref.signature, [], warnings)


def _start_worker(parent: int) -> None:
    """A launch pauses the cyclic collector until its first paint (`tui.launch`):
    workers forked before that collect as usual; and they die with their parent."""
    gc.enable()
    _die_with_parent(parent)


def _die_with_parent(parent: int) -> None:
    """In a worker: end when the process that started it ends, however it ends.

    A forked worker holds a copy of the cache's lock; killed with its parent (Ctrl-C,
    `kill -9`, a closed terminal), it waited on a pipe nobody read, holding the lock,
    and every later notesift on that folder waited for it for good. Linux kills it
    with its parent (PR_SET_PDEATHSIG); elsewhere it leaves when it finds itself
    orphaned at its next task.
    """
    global _PARENT
    _PARENT = parent
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent was gone before the line above
        os._exit(1)


def _parse_chunk(root: Path, refs: list[SourceRef],
                 dictionary: PayloadDictionary | None = None) -> bytes:
    """Parsed `refs`, pickled: the writer keeps hundreds of parsed sources waiting,
    and as bytes they take a third of the memory they take as objects."""
    if _PARENT is not None and os.getppid() != _PARENT:
        os._exit(1)  # orphaned (no PR_SET_PDEATHSIG here): nobody reads the answer
    with packing_with(dictionary):
        parsed = [parse_source(root, ref) for ref in refs]
    return pickle.dumps(parsed, pickle.HIGHEST_PROTOCOL)


def _chunks(refs: list[SourceRef]) -> Iterator[list[SourceRef]]:
    """The workers' tasks: 1, 2, 4 then PARSE_CHUNK sources, so a first build's
    first rows wait for one file to be parsed, not for a whole chunk."""
    start, size = 0, 1
    while start < len(refs):
        yield refs[start : start + size]
        start += size
        size = min(PARSE_CHUNK, size * 2)


def _parse_stream(root: Path, refs: list[SourceRef], jobs: int,
                  dictionary: Callable[[], PayloadDictionary | None]) -> Iterator[PreparedSource]:
    """Parsed sources in order, from worker processes when there are many; their
    payloads packed with the store's `dictionary()` of the moment.

    At most AHEAD_SOURCES are parsed ahead of the writer: parsed sources are
    written as they come, never held for the whole tree (memory stays flat at any size).
    """
    if jobs > 1 and len(refs) >= PARALLEL_THRESHOLD:
        from concurrent.futures import ProcessPoolExecutor  # a warm start never needs it

        try:
            pool = ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker,
                                       initargs=(os.getpid(),))
        except (OSError, RuntimeError, NotImplementedError):
            pool = None  # no process support here: parse serially
        if pool is not None:
            with pool:
                chunks = _chunks(refs)
                pending: deque[tuple[int, int, Future[bytes]]] = deque()
                ahead = ahead_bytes = done = 0
                while True:
                    # Few ahead until the first batches have taught the store its
                    # payload dictionary: sources parsed before it are packed without.
                    most = (AHEAD_SOURCES if done >= 4 * BATCH_SOURCES or dictionary() is not None
                            else jobs * CHUNKS_AHEAD * PARSE_CHUNK)
                    # ...and no more than AHEAD_BYTES of notes: 384 big notes held 1.3 GB.
                    while (ahead < most and (not pending or ahead_bytes < AHEAD_BYTES)
                           and (chunk := next(chunks, None))):
                        weight = sum(size_of(ref.signature) for ref in chunk)
                        pending.append((len(chunk), weight,
                                        pool.submit(_parse_chunk, root, chunk, dictionary())))
                        ahead += len(chunk)
                        ahead_bytes += weight
                    if not pending:
                        break
                    size, weight, future = pending.popleft()
                    ahead -= size
                    ahead_bytes -= weight
                    done += size
                    yield from pickle.loads(future.result())
            return
    for ref in refs:
        with packing_with(dictionary()):
            prepared = parse_source(root, ref)
        yield prepared


def parse_and_store(store: IndexStore, root: Path, to_parse: list[SourceRef], jobs: int,
                    progress: Progress | None,
                    building_elsewhere: Callable[[], bool] | None = None) -> int:
    """Parse `to_parse` and commit them in batches; the number stored.

    `building_elsewhere()` true at the end: another process's build is running,
    and its end (the words, the one-segment merge) is left to it.
    """
    batch: dict[str, PreparedSource] = {}
    done = 0
    if progress is not None and to_parse:
        progress(0, len(to_parse))
    # Many batches (a first build): their words go into the vocabulary in one pass
    # over the index's terms now and then, not batch by batch in Python; and they
    # are committed less often than written (`IndexStore.write_batch`).
    bulk = len(to_parse) > BATCH_SOURCES
    flushed = synced = committed = time.monotonic()
    wait, most = FIRST_BATCH_SECONDS, BATCH_SOURCES
    sync_every, commit_wait = VOCAB_SYNC_SECONDS, 0.0  # the first batch: at once
    parsed = _parse_stream(root, to_parse, jobs, store.payload_dictionary)
    try:
        for ref, prepared in zip(to_parse, parsed, strict=True):
            batch[ref.key] = prepared
            # Large batches build fast; a few large files (an archive) still show up
            # in searches within a fraction of a second of being parsed.
            if len(batch) < most and time.monotonic() - flushed < wait:
                continue
            _write(store, batch, bulk)
            done += len(batch)
            batch = {}
            flushed = time.monotonic()
            wait = min(MAX_BATCH_SECONDS, max(BATCH_SECONDS, wait * 2))
            most = min(MAX_BATCH_SOURCES, most * 2) if done > 1 else most
            if bulk and flushed - committed >= commit_wait:
                store.commit_batches()
                committed = time.monotonic()
                commit_wait = min(MAX_COMMIT_SECONDS, max(BATCH_SECONDS, commit_wait * 2))
                if flushed - synced > sync_every:
                    # Words inside words findable meanwhile; each pass reads every term
                    # of the index, so they come further apart as it grows.
                    store.sync_vocabulary(build_done=False)
                    synced = time.monotonic()
                    sync_every *= 2
            if progress is not None:
                progress(done, len(to_parse))
        if batch:
            _write(store, batch, bulk)
            done += len(batch)
    finally:
        store.commit_batches()  # what was written stays, whatever ended the build
    if progress is not None and to_parse:
        progress(done, len(to_parse))
    # A build's end (also when a pass mid-build had just brought the words up to date).
    # Not another process's: a note saved during its build would merge half of it and
    # undo its held merging, leaving the finished index in several segments.
    # Only when batches wrote words: a refresh that re-tried 65 unreadable notes has
    # no build's end to run (a one-shot search paid 0.46 s for it at 30k entries).
    if store.vocabulary_stale() and not (building_elsewhere and building_elsewhere()):
        store.sync_vocabulary()
    return done


def _write(store: IndexStore, batch: dict[str, PreparedSource], bulk: bool) -> None:
    if bulk:
        store.write_batch(batch)
    else:
        store.replace_sources(batch, [])
