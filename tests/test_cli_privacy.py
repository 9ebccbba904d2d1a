"""The privacy commands: audit a profile file, answer and erase a person."""

import json

import numpy as np
import pandas as pd
import pytest

from userpersona import CustomerState
from userpersona.cli import main
from userpersona.datasets import make_transactions


@pytest.fixture
def files(tmp_path):
    rng = np.random.default_rng(0)
    n = 3000
    gender = rng.choice(["f", "m"], size=n)
    region = rng.choice(["east", "west"], size=n)
    profile = pd.DataFrame({
        "customer_id": [f"cu-{i:05d}" for i in range(n)],
        "gender": gender, "region": region,
        # planted: VIP status against women; the segment independent of both
        "vip": rng.random(n) < np.where(gender == "f", 0.1, 0.3),
        "rfm_segment": rng.choice(["Champions", "Lost"], size=n),
    })
    profile.to_csv(tmp_path / "profile.csv", index=False)
    orders = make_transactions(n_customers=40, random_state=0).orders
    orders["customer_id"] = "cu-" + orders["customer_id"].astype(str)
    CustomerState().update(orders).save(tmp_path / "state")
    pd.DataFrame({"customer_id": ["cu-00001", "cu-00001"], "purpose": ["email", "email"],
                  "granted": [True, False],
                  "timestamp": ["2024-01-01", "2024-02-01"]}).to_csv(tmp_path / "consent.csv",
                                                                      index=False)
    return tmp_path, profile, orders


def test_audit_flags_the_planted_bias_only(files, capsys):
    folder, _, _ = files
    code = main(["privacy", "audit", str(folder / "profile.csv"), "--protected",
                 "gender,region", "--out", str(folder / "audit.csv")])
    out = capsys.readouterr().out
    assert code == 1 and "1 group(s) flagged" in out and "vip: gender = f" in out
    audit = pd.read_csv(folder / "audit.csv")
    assert set(audit["outcome"]) == {"vip", "rfm_segment = Champions", "rfm_segment = Lost"}
    assert audit["flag"].sum() == 1
    assert main(["privacy", "audit", str(folder / "profile.csv"), "--protected", "region",
                 "--outcome", "vip"]) == 0


def test_access_prints_what_is_held_as_json(files, capsys):
    folder, _, orders = files
    customer = str(orders["customer_id"].iloc[0])
    assert main(["privacy", "access", customer, "--profile", str(folder / "profile.csv"),
                 "--state", str(folder / "state"), "--consent",
                 str(folder / "consent.csv")]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["customer_id"] == customer and answer["held"]
    assert answer["state"]["frequency"] >= 1
    assert main(["privacy", "access", "cu-00001", "--consent", str(folder / "consent.csv"),
                 "--out", str(folder / "answer.json")]) == 0
    saved = json.loads((folder / "answer.json").read_text())
    assert [event["granted"] for event in saved["consent"]] == [True, False]


def test_erase_rewrites_the_files_without_the_ids_and_prints_a_receipt(files, capsys,
                                                                         monkeypatch):
    folder, profile, orders = files
    gone = [str(orders["customer_id"].iloc[0]), "cu-00007"]
    pd.DataFrame({"customer_id": gone}).to_csv(folder / "ids.csv", index=False)
    monkeypatch.setenv("USERPERSONA_AUDIT_KEY", "the audit log's key")
    assert main(["privacy", "erase", "--ids", str(folder / "ids.csv"), "--profile",
                 str(folder / "profile.csv"), "--state", str(folder / "state"),
                 "--receipt", str(folder / "receipt.json")]) == 0
    receipt = json.loads((folder / "receipt.json").read_text())
    assert receipt["hash"] == "hmac-sha256" and receipt["n_requested"] == 2
    written = b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file()
                       and p.name != "ids.csv")
    assert not any(customer.encode() in written for customer in gone)
    assert len(pd.read_csv(folder / "profile.csv")) == len(profile) - 1
    held = CustomerState.load(folder / "state").n_customers_
    assert held == orders["customer_id"].nunique() - 1


@pytest.mark.parametrize("arguments, message", [
    (["privacy", "audit", "{profile}", "--protected", "age"], "no column 'age'"),
    (["privacy", "audit", "{profile}", "--protected", "gender", "--outcome", "x"],
     "no column 'x' (given in --outcome)"),
    (["privacy", "access", "cu-1"], "Give at least one of --profile"),
    (["privacy", "erase", "--ids", "{profile}"], "Give --profile or --state"),
    (["privacy", "erase", "--ids", "missing.csv", "--profile", "{profile}"],
     "missing.csv: no such file (ids to erase)"),
])
def test_bad_privacy_requests_are_clear_errors(files, capsys, arguments, message, monkeypatch):
    folder, _, _ = files
    monkeypatch.chdir(folder)
    arguments = [a.format(profile=folder / "profile.csv") for a in arguments]
    assert main(arguments) == 2
    assert message in capsys.readouterr().err


# What the profile command writes: no raw id with --hide-ids, no personal column
# unless named, no small cell in the report.


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """A shop whose ids, phone numbers and e-mail addresses are easy to grep for."""
    folder = tmp_path_factory.mktemp("shop")
    data = make_transactions(300, events=True, customers=True, random_state=3)
    raw = {customer: f"K{customer}Q" for customer in data.customers["customer_id"]}
    for name in ["orders", "events", "customers"]:
        frame = getattr(data, name).assign(
            customer_id=lambda f: f["customer_id"].map(raw))
        if name == "customers":
            frame = frame.assign(phone=[f"+86-139-{i:08d}" for i in range(len(frame))],
                                 email=[f"buyer{i:04d}@example.cn" for i in range(len(frame))])
        frame.to_csv(folder / f"{name}.csv", index=False)
    customers = pd.read_csv(folder / "customers.csv", dtype={"customer_id": str})
    return folder, customers


def _profile(shop, out, *options):
    folder, _ = shop
    return main(["profile", str(folder / "orders.csv"), "--events", str(folder / "events.csv"),
                 "--customers", str(folder / "customers.csv"), "--out", str(out), "--quiet",
                 *options])


def _written(path):
    """Everything a written file holds, as text: its bytes, and for Parquet (whose pages
    may be compressed) its values, index and metadata read back."""
    text = path.read_bytes().decode("utf-8", errors="replace")
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        text += str(table.to_pydict()) + str(table.schema.metadata)
    return text


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_hide_ids_leaves_no_raw_id_in_any_output(shop, tmp_path, monkeypatch, suffix):
    from userpersona.privacy import Pseudonymizer

    monkeypatch.delenv("USERPERSONA_PSEUDONYM_KEY", raising=False)
    key = "the shop's secret pseudonym key"
    (tmp_path / "key.txt").write_text(key + "\n")
    _, customers = shop
    raw = customers["customer_id"]
    for name, options in [("keyed", ["--pseudonym-key-file", str(tmp_path / "key.txt")]),
                          ("random", [])]:
        out, report = tmp_path / f"{name}.{suffix}", tmp_path / f"{name}.html"
        assert _profile(shop, out, "--report", str(report), "--hide-ids", *options) == 0
        files = {out: _written(out), report: report.read_text(encoding="utf-8")}
        for path, text in files.items():
            found = [customer for customer in raw if customer in text]
            assert not found, f"{path.name} holds raw ids such as {found[:3]}"
        profile = pd.read_parquet(out) if suffix == "parquet" else pd.read_csv(
            out, index_col="customer_id")
        assert len(profile) == len(raw) and profile.index.str.fullmatch(r"c-[0-9a-f]{12}").all()
        # the report shows the pseudonyms of the profile file, even with a random key
        top = profile["clv"].sort_values(ascending=False).index[:3]
        assert all(f"<td>{pseudonym}</td>" in files[report] for pseudonym in top)
        if name == "keyed":
            expected = Pseudonymizer(key, prefix="c-", length=12).transform(pd.Index(raw))
            assert sorted(profile.index) == sorted(expected)


def test_personal_columns_stay_out_unless_revealed(shop, tmp_path, capsys):
    _, customers = shop
    phones, emails = customers["phone"], customers["email"]
    out, report = tmp_path / "profile.csv", tmp_path / "report.html"
    assert _profile(shop, out, "--report", str(report)) == 0
    err = capsys.readouterr().err
    assert ("left out of the profile and the report, as personal information: phone "
            "(personal), email (personal)" in err)
    assert "--reveal-columns phone,email" in err
    for text in [out.read_text(), report.read_text(encoding="utf-8")]:
        assert not any(value in text for value in [*phones, *emails])
    profile = pd.read_csv(out, index_col="customer_id")
    assert "phone" not in profile and "email" not in profile and "age" in profile

    assert _profile(shop, out, "--report", str(report), "--reveal-columns", " phone ") == 0
    err = capsys.readouterr().err
    assert "email (personal)" in err and "phone (personal)" not in err
    written = out.read_text()
    assert all(phone in written for phone in phones)
    assert not any(email in written for email in emails)
    assert not any(email in report.read_text(encoding="utf-8") for email in emails)


def test_min_cell_reaches_the_report(shop, tmp_path, monkeypatch):
    import userpersona.report

    given = []
    monkeypatch.setattr(userpersona.report, "write_report",
                        lambda path, profile, pipeline=None, **options: given.append(options))
    for options, k in [([], 10), (["--min-cell", "25"], 25), (["--min-cell", "1"], 1)]:
        assert _profile(shop, tmp_path / "p.csv", "--report", str(tmp_path / "r.html"),
                        *options) == 0
        assert given.pop()["min_cell"] == k


def test_min_cell_hides_the_small_cells_of_the_report(shop, tmp_path):
    pages = {}
    for k in ["1", "100000"]:
        report = tmp_path / f"report-{k}.html"
        assert _profile(shop, tmp_path / "p.csv", "--report", str(report), "--min-cell",
                        k) == 0
        pages[k] = report.read_text(encoding="utf-8")
    assert "(min_cell)" not in pages["1"] and "(min_cell)" in pages["100000"]


@pytest.mark.parametrize("options, message", [
    (["--reveal-columns", "phnoe"],
     "--reveal-columns: the profile has no column 'phnoe'; did you mean phone?"),
    (["--reveal-columns", " , "], "--reveal-columns: ' , ' names no column"),
    (["--min-cell", "0"], "--min-cell: '0' is not a number of customers"),
    (["--min-cell", "ten"], "--min-cell: 'ten' is not a number of customers"),
])
def test_bad_output_options_are_clear_errors(shop, tmp_path, capsys, options, message):
    out = tmp_path / "p.csv"
    assert _profile(shop, out, *options) == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error.startswith("userpersona: error: ") and message in error
    assert not out.exists()
