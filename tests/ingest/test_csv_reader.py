"""Landing CSVs are read as text: nothing is coerced, and rows keep their position in the file."""

from __future__ import annotations

import pytest

from assets.common.csv_reader import UnreadableFileError, read_csv_strings


def test_values_stay_text_and_headers_are_trimmed(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes("\ufeffid, amount\n007,1.50\n008,\n".encode())
    read = read_csv_strings(path, "landing/x/f.csv", required_columns=["id", "amount"])
    assert read.table.to_pylist() == [
        {"id": "007", "amount": "1.50", "_source_file": "landing/x/f.csv", "_source_row": 1},
        {"id": "008", "amount": None, "_source_file": "landing/x/f.csv", "_source_row": 2},
    ]


def test_rows_that_cannot_be_split_are_kept_aside_with_their_line(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("a,b\n1,2\n3\n4,5,6\n7,8\n")
    read = read_csv_strings(path, "f.csv")
    assert read.table.column("_source_row").to_pylist() == [1, 4]
    assert [(m.source_row, m.line, m.text) for m in read.malformed] == [(2, 3, "3"), (3, 4, "4,5,6")]
    assert read.rows_in == 4


@pytest.mark.parametrize(
    ("content", "words"),
    [(b"", "is empty"), (b"a,a\n1,2\n", r"repeats header column\(s\) a"), (b"\xff\xfe,\n", "is not UTF-8")],
)
def test_unreadable_files_say_why(tmp_path, content, words):
    path = tmp_path / "f.csv"
    path.write_bytes(content)
    with pytest.raises(UnreadableFileError, match=words) as caught:
        read_csv_strings(path, "landing/x/f.csv")
    assert str(caught.value).startswith("landing/x/f.csv: ")
