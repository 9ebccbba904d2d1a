"""The userpersona command."""

import pandas as pd

from userpersona.cli import main


def test_default_job_summarises_bundled_cdnow(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main([]) == 0
    table = pd.read_csv(tmp_path / "userpersona-customers.csv", index_col="customer_id")
    assert len(table) == 23570 and "recency_days" in table
    out = capsys.readouterr().out
    assert "23,570 customers" in out and "exact_duplicate_kept" in out


def test_summarize_a_file(tmp_path, capsys):
    log = pd.DataFrame({"user": ["a", "a", "b"], "timestamp": ["2024-01-01", "2024-01-05",
                                                                "2024-01-02"],
                        "amount": [1.0, 2.0, 3.0]})
    log.to_csv(tmp_path / "log.csv", index=False)
    out = tmp_path / "out.csv"
    assert main(["summarize", "--input", str(tmp_path / "log.csv"), "--customer", "user",
                 "--output", str(out), "--as-of", "2024-01-10"]) == 0
    table = pd.read_csv(out, index_col="user")
    assert table.loc["a", "recency_days"] == 5


def test_bad_input_is_a_clear_error(tmp_path, capsys):
    pd.DataFrame({"x": [1]}).to_csv(tmp_path / "log.csv", index=False)
    assert main(["--input", str(tmp_path / "log.csv")]) == 2
    assert "no column 'customer_id'" in capsys.readouterr().err
