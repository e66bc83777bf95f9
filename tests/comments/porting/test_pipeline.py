"""The reader's second process: what it reads, where it stops, and what it says when it fails."""

import os
from pathlib import Path

import pytest

from comments.porting.detect import Source
from comments.porting.pipeline import read_in_child
from comments.porting.records import FileError, SourceComment, SourceThread
from comments.porting.report import ImportReport

pytestmark = pytest.mark.skipif(
    not hasattr(os, "fork"), reason="the reader forks only where it can"
)


def comment(n: int) -> SourceComment:
    return SourceComment(
        system="wordpress",
        id=str(n),
        thread="7",
        status="approved",
        original_status="1",
        author_name=f"Reader {n}",
        body=f"<p>Comment <b>{n}</b><script>x()</script></p>",
    )


def export(tmp_path: Path) -> Source:
    """A file to read: the readers below make up their records, the reading is real."""
    path = tmp_path / "export.xml"
    path.write_text("<rss/>")
    return Source(path)


def reading(tmp_path: Path, read) -> tuple[ImportReport, list]:
    report = ImportReport(format="wxr")
    return report, list(read_in_child(read, export(tmp_path), report))


def test_every_record_crosses_in_order_cleaned_with_the_readers_repairs(tmp_path):
    """A thread and 300 comments (three messages' worth) arrive whole, each comment cleaned."""

    def read(source, report):
        report.repair("declared the undeclared 'atom:' namespace prefix")
        yield SourceThread(key="7", title="Hello")
        yield from (comment(n) for n in range(300))

    report, records = reading(tmp_path, read)
    assert records[0] == SourceThread(key="7", title="Hello")
    assert [r.id for r in records[1:]] == [str(n) for n in range(300)]
    assert all(r.cleaned is not None for r in records[1:])
    assert "<script>" not in records[1].cleaned.body_html
    assert report.repairs == {"declared the undeclared 'atom:' namespace prefix": 1}


def test_a_file_error_arrives_with_its_line_after_the_records_read_before_it(tmp_path):
    """A truncated file: the comments before the error are handed over, then the error."""

    def read(source, report):
        yield from (comment(n) for n in range(3))
        raise FileError("the file is not well-formed XML (no element found)", line=41)

    got = []
    with pytest.raises(FileError) as error:
        got.extend(read_in_child(read, export(tmp_path), ImportReport(format="wxr")))
    assert [r.id for r in got] == ["0", "1", "2"]
    assert error.value.line == 41
    assert str(error.value) == "line 41: the file is not well-formed XML (no element found)"


def test_a_reader_that_crashes_says_what_it_hit(tmp_path):
    """A bug in the reader is not a quiet end of file: the import stops and names it."""

    def read(source, report):
        yield comment(1)
        raise ValueError("an attribute the reader did not expect")

    with pytest.raises(RuntimeError, match="reading the file failed") as error:
        reading(tmp_path, read)
    assert "ValueError: an attribute the reader did not expect" in str(error.value)


def children() -> set[str]:
    """Return the ids of this process's child processes (Linux's /proc)."""
    found: set[str] = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        found.update((task / "children").read_text().split())
    return found


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux's /proc")
def test_a_writer_that_stops_early_leaves_no_reader_behind(tmp_path):
    """Stopping after the first record (an error while writing) ends the child at once."""

    def read(source, report):
        while True:
            yield comment(1)

    before = children()
    records = read_in_child(read, export(tmp_path), ImportReport(format="wxr"))
    assert next(records).id == "1"
    assert len(children() - before) == 1  # the reader, still reading
    records.close()  # the writer's loop ended: the generator is closed
    assert children() - before == set()
