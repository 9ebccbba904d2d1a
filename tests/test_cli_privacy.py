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
