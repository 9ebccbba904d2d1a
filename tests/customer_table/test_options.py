"""The options of the log summaries: frozen, checked, unknown options refused."""

import dataclasses
import doctest
import pickle

import pandas as pd
import pytest

from userpersona.customer_table import _options
from userpersona.customer_table._log_kinds import EVENTS, ORDERS, summarize_in_parts
from userpersona.customer_table._options import EventLogOptions, OrderLogOptions


@pytest.mark.parametrize("options", [OrderLogOptions(), EventLogOptions()])
def test_options_are_frozen(options):
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.invalid = "drop"


def test_an_unknown_option_is_refused_with_the_closest_and_the_known_ones():
    with pytest.raises(TypeError, match=r"summarize_transactions has no option 'categroy'\. "
                                        r"Did you mean 'category'\? Its options are: "
                                        r"\['customer', 'time', 'amount', 'order'"):
        OrderLogOptions.from_mapping({"category": "category", "categroy": "category"})
    with pytest.raises(TypeError, match="summarize_events has no option 'n_buckets'.*"
                                        "'max_share_columns'"):
        EventLogOptions.from_mapping({"n_buckets": 4})
    with pytest.raises(TypeError, match="unexpected keyword argument 'categroy'"):
        OrderLogOptions(categroy="category")


def test_the_call_options_are_not_summary_options():
    for options in (OrderLogOptions, EventLogOptions):
        names = {field.name for field in dataclasses.fields(options)}
        assert not names & {"n_buckets", "return_report"}


def test_equal_options_compare_equal_and_survive_pickling():
    orders = OrderLogOptions.from_mapping({"category": "category", "as_of": "2024-01-31"})
    assert orders == OrderLogOptions(category="category", as_of="2024-01-31")
    assert orders != OrderLogOptions(category="category")
    assert hash(orders) == hash(OrderLogOptions(category="category", as_of="2024-01-31"))
    assert pickle.loads(pickle.dumps(orders)) == orders
    # the session gap is held as a Timedelta, however it was spelt
    events = EventLogOptions(session_gap="30min")
    assert events == EventLogOptions(session_gap=pd.Timedelta(minutes=30)) == EventLogOptions()
    assert pickle.loads(pickle.dumps(events)) == events


@pytest.mark.parametrize("changes, message", [
    ({"occasion": "week"}, "occasion must be one of ['day', 'order'], got 'week'."),
    ({"time_unit": "M"}, "time_unit must be one of ['D', 'W'], got 'M'."),
    ({"refunds": "keep"}, "refunds must be one of ['net', 'ignore', 'raise'], got 'keep'."),
    ({"duplicates": "no"}, "duplicates must be one of ['auto', 'drop', 'keep', 'raise'], "
                           "got 'no'."),
    ({"invalid": "skip"}, "invalid must be one of ['raise', 'drop'], got 'skip'."),
    ({"occasion": "order"}, "occasion='order' needs the order id column: pass order=<column>."),
])
def test_order_options_are_checked_on_construction(changes, message):
    with pytest.raises(ValueError) as error:
        OrderLogOptions(**changes)
    assert str(error.value) == message


@pytest.mark.parametrize("changes, message", [
    ({"invalid": "skip"}, "invalid must be one of ['raise', 'drop'], got 'skip'."),
    ({"session_gap": "-5min"}, "session_gap must be a positive duration, got '-5min'."),
    ({"session_gap": 0}, "session_gap must be a positive duration, got 0."),
])
def test_event_options_are_checked_on_construction(changes, message):
    with pytest.raises(ValueError) as error:
        EventLogOptions(**changes)
    assert str(error.value) == message


def test_options_know_their_columns_and_label_columns():
    orders = OrderLogOptions(order="order_id", channel="channel", device="device")
    assert orders.roles == {"customer": "customer_id", "time": "timestamp", "amount": "amount",
                            "order": "order_id", "category": None, "channel": "channel",
                            "device": "device"}
    assert orders.columns == ["customer_id", "timestamp", "amount", "order_id", "channel",
                              "device"]
    assert orders.label_columns == ["channel", "device"]
    events = EventLogOptions(category="category")
    assert events.columns == ["customer_id", "timestamp", "event_type", "category"]
    assert events.label_columns == ["event_type", "category"]


def test_the_part_summaries_take_only_their_own_options():
    orders = pd.DataFrame({"customer_id": [1], "timestamp": [pd.Timestamp("2024-01-01")],
                           "amount": [1.0]})
    with pytest.raises(TypeError, match="must be OrderLogOptions, got dict"):
        summarize_in_parts(ORDERS, [orders], {"customer": "customer_id"})
    with pytest.raises(TypeError, match="must be EventLogOptions, got OrderLogOptions"):
        summarize_in_parts(EVENTS, [orders], OrderLogOptions())


def test_the_examples_run():
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(_options, optionflags=flags)
    assert result.attempted > 0 and result.failed == 0
