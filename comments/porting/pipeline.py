"""Read the file in a second process while this one writes: an import then uses two cores.

Reading an XML export (expat and the Python around it) and cleaning each comment (the
sanitizer, names, addresses, avatar hashes) depend on the file alone, and cost about as
much as writing the rows. A forked child does them and sends the records through a pipe
in small batches; the parent matches threads and writes, as it would have done with the
records read in-process. The pipe holds a few batches at most (the child waits while it
is full), so memory stays flat; each process holds one batch.

What the child reports reaches the parent's report: the repairs made while reading
(the undeclared prefix, a local date), and a FileError with its line, after the records
read before it. Where fork is not available, the records are read in this process.
"""

import fcntl
import gc
import os
import signal
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import fields
from multiprocessing.connection import Connection, Pipe
from typing import Any

from comments.porting.build import clean
from comments.porting.detect import Source
from comments.porting.records import FileError, Record, SourceComment, SourceThread
from comments.porting.report import ImportReport

BATCH = 128  # records per message (about 50 KB): a message's cost is small, many fit the pipe
PIPE_BYTES = 1 << 20

Reader = Callable[[Source, ImportReport], Iterable[Record]]
_THREAD_FIELDS = tuple(f.name for f in fields(SourceThread))
_COMMENT_FIELDS = tuple(f.name for f in fields(SourceComment))


def read_in_child(read: Reader, source: Source, report: ImportReport) -> Iterator[Record]:
    """Yield what `read` yields, each comment cleaned, reading in a forked child process."""
    if not hasattr(os, "fork"):
        yield from read(source, report)
        return
    receiving, sending = Pipe(duplex=False)
    _widen(receiving)
    # Objects that exist now are left out of the child's garbage collections: they would
    # cost it time and copy the pages they sit on (shared with the parent until written).
    gc.freeze()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        receiving.close()
        _child(read, source, report.format, sending)
    gc.unfreeze()
    sending.close()
    finished = False
    try:
        while True:
            try:
                kind, payload, fraction = receiving.recv()
            except EOFError:
                raise RuntimeError("the process reading the file ended without a word") from None
            if kind == "records":
                source.done = fraction
                yield from _decoded(payload)
            elif kind == "end":
                report.repairs.update(payload)
                finished = True
                return
            elif kind == "error":
                message, line, repairs = payload
                report.repairs.update(repairs)
                finished = True
                raise _file_error(message, line)
            else:
                finished = True
                raise RuntimeError(f"reading the file failed:\n{payload}")
    finally:
        receiving.close()
        if not finished:  # the writer stopped early: the reader is not needed any more
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


def _child(read: Reader, source: Source, format_name: str, sending: Connection) -> None:
    """Read, clean and send every record, then what the report needs; exit without cleanup.

    `os._exit`: the parent's database connections and files are shared with this process,
    and must not be closed or flushed from here.
    """
    status = 0
    # Handlers inherited from the parent (a worker's, a server's) are not this process's.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    report = ImportReport(format=format_name)
    batch: list[tuple[Any, ...]] = []
    try:
        try:
            for record in read(source, report):
                batch.append(_encoded(record))
                if len(batch) >= BATCH:
                    sending.send(("records", batch, source.fraction()))
                    batch = []
        except FileError as exc:
            sending.send(("records", batch, source.fraction()))
            message = str(exc).split(": ", 1)[1] if exc.line is not None else str(exc)
            sending.send(("error", (message, exc.line, dict(report.repairs)), 1.0))
        else:
            sending.send(("records", batch, 1.0))
            sending.send(("end", dict(report.repairs), 1.0))
    except BrokenPipeError:  # the parent stopped reading
        status = 1
    except BaseException:
        status = 1
        with suppress(OSError):
            sending.send(("crash", traceback.format_exc(), 1.0))
    finally:
        os._exit(status)


def _widen(pipe: Connection) -> None:
    """Let the pipe hold about a batch of comments (Linux; elsewhere it keeps its size).

    With the default 64 KB the child stops as soon as the parent starts writing a batch,
    and the parent then waits for the child to read the next records: each waits for the
    other in turn. With a megabyte, the child reads on while the parent writes.
    """
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None)
    if set_size is None:
        return
    for size in (PIPE_BYTES, PIPE_BYTES // 4):
        try:
            fcntl.fcntl(pipe.fileno(), set_size, size)
        except OSError:  # above the system's limit (fs.pipe-max-size)
            continue
        return


def _encoded(record: Record) -> tuple[Any, ...]:
    """A record as a tuple of its fields (pickled several times faster than the dataclass)."""
    if isinstance(record, SourceThread):
        return (False, *(getattr(record, name) for name in _THREAD_FIELDS))
    record.cleaned = clean(record)
    return (True, *(getattr(record, name) for name in _COMMENT_FIELDS))


def _decoded(payload: list[tuple[Any, ...]]) -> Iterator[Record]:
    for is_comment, *values in payload:
        yield SourceComment(*values) if is_comment else SourceThread(*values)


def _file_error(message: str, line: int | None) -> FileError:
    return FileError(message, line=line)
