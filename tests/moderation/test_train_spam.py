"""`manage.py train_spam`: bootstrapping the classifier from a labelled CSV."""

import io

import pytest
from django.core.management import CommandError, call_command

from moderation.models import ClassifierState
from moderation.scoring.store import model_current

pytestmark = pytest.mark.django_db


def write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("train_spam", *args, stdout=out)
    return out.getvalue()


def test_a_youtube_style_csv_teaches_spam_and_ham(tmp_path):
    """The default CONTENT/CLASS columns teach 1 as spam and 0 as ham, with progress shown."""
    csv = write(
        tmp_path / "corpus.csv",
        "COMMENT_ID,CONTENT,CLASS\n"
        "a,subscribe to my channel,1\nb,lovely song,0\nc,free gift cards,1\n",
    )
    output = run(str(csv))
    assert "3 comments (2 spam, 1 ham)" in output
    assert "3/3" in output
    assert "Learned 2 spam and 1 ham comments." in output
    state = ClassifierState.objects.get()
    assert (state.spam_docs, state.ham_docs) == (2, 1)
    assert model_current().counts["subscribe"] == (1, 0)


def test_other_column_names_and_labels_can_be_chosen(tmp_path):
    """--text-column, --label-column and --spam-value read any labelled export."""
    csv = write(tmp_path / "export.csv", "body,verdict\nbuy pills,junk\nnice post,fine\n")
    run(str(csv), "--text-column", "body", "--label-column", "verdict", "--spam-value", "junk")
    state = ClassifierState.objects.get()
    assert (state.spam_docs, state.ham_docs) == (1, 1)


def test_a_missing_column_names_the_columns_that_exist(tmp_path):
    """A wrong column name fails with the file's real columns and the option to fix it."""
    csv = write(tmp_path / "export.csv", "body,verdict\nbuy pills,1\n")
    with pytest.raises(CommandError) as error:
        run(str(csv))
    assert "no column 'CONTENT'" in str(error.value)
    assert "body, verdict" in str(error.value)
    assert "--text-column" in str(error.value)
    assert not ClassifierState.objects.exists()


def test_a_missing_file_is_a_clear_error(tmp_path):
    """A path that does not exist says so."""
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "nope.csv"))


def test_a_file_that_is_not_utf8_is_a_clear_error(tmp_path):
    """A non-UTF-8 file asks to be saved as UTF-8."""
    path = tmp_path / "latin1.csv"
    path.write_bytes("CONTENT,CLASS\ncaf\xe9 \xe0 vendre,1\n".encode("latin-1"))
    with pytest.raises(CommandError, match="UTF-8"):
        run(str(path))


def test_several_files_are_learned_together(tmp_path):
    """Every file named is read and learned in one run."""
    first = write(tmp_path / "a.csv", "CONTENT,CLASS\nspam one,1\n")
    second = write(tmp_path / "b.csv", "CONTENT,CLASS\nham one,0\nham two,0\n")
    run(str(first), str(second))
    state = ClassifierState.objects.get()
    assert (state.spam_docs, state.ham_docs) == (1, 2)
