"""Random order and behaviour logs, and ways of cutting them, for the scaling tests.

Every engine (parts in memory, Dask, Spark, an incremental state) must give the
summary of the whole log in pandas; these strategies draw the logs and the
parameters the tests compare them on.
"""

import numpy as np
import pandas as pd
from hypothesis import strategies as st

ORDER_DEFAULTS = dict(customer="customer_id", time="timestamp", amount="amount", order=None,
                      occasion="day", as_of=None, time_unit="D", category=None, channel=None,
                      device=None, habits=True, refunds="net", duplicates="auto",
                      invalid="raise", timezone="UTC", max_share_columns=20)
EVENT_DEFAULTS = dict(customer="customer_id", time="timestamp", event_type="event_type",
                      category=None, device=None, session_gap="30min", as_of=None,
                      view="view", cart="add_to_cart", purchase="purchase", invalid="raise",
                      timezone="UTC", max_share_columns=20)
START = pd.Timestamp("2024-01-01")
AS_OF_CHOICES = [None, "2024-01-20", "2024-03-15"]  # before the end, inside, after


def order_log(seed, n_rows, n_customers, string_ids=False, time_of_day=True, refunds=False,
              duplicates=False, gaps=False, days=60):
    """An order log over ``days`` days from 2024-01-01, one order per customer and day."""
    rng = np.random.default_rng(seed)
    customer = rng.integers(n_customers, size=n_rows)
    day = rng.integers(0, days, size=n_rows)
    seconds = rng.integers(0, 86_400, size=n_rows) if time_of_day else 0
    stamps = START + pd.to_timedelta(day * 86_400 + seconds, unit="s")
    amount = np.round(rng.gamma(2.0, 20.0, size=n_rows), 2)
    if refunds:
        amount = np.where(rng.random(n_rows) < 0.1, -amount, amount)
    labels = np.array(["books", "toys", "home", "<b>", "garden"], dtype=object)
    category = labels[rng.integers(len(labels), size=n_rows)]
    if gaps:
        category = np.where(rng.random(n_rows) < 0.1, None, category)
    orders = pd.DataFrame({
        "customer_id": [f"c{c}" for c in customer] if string_ids else customer,
        "timestamp": stamps,
        "amount": amount,
        "order_id": customer * 1000 + day,
        "category": category,
        "channel": rng.choice(["app", "web"], size=n_rows),
    })
    if duplicates and n_rows:
        orders = pd.concat([orders, orders.sample(max(n_rows // 5, 1), random_state=seed)])
    return orders.reset_index(drop=True)


def event_log(seed, n_rows, n_customers, string_ids=False, gaps=False, days=30):
    """A behaviour log with sessions of a few minutes' gaps and some longer breaks."""
    rng = np.random.default_rng(seed)
    customer = rng.integers(n_customers, size=n_rows)
    # minutes on a coarse grid so that gaps around the 30-minute cut are common
    minutes = rng.integers(0, days * 24 * 6, size=n_rows) * 10
    stamps = START + pd.to_timedelta(minutes, unit="min")
    types = np.array(["view", "add_to_cart", "purchase", "Search term!", "share"], dtype=object)
    event_type = types[rng.choice(len(types), size=n_rows, p=[0.5, 0.2, 0.1, 0.1, 0.1])]
    devices = np.array(["app", "web", "tablet"], dtype=object)
    device = devices[rng.integers(len(devices), size=n_rows)]
    category = np.array(["books", "toys", "home"], dtype=object)[rng.integers(3, size=n_rows)]
    if gaps:
        device = np.where(rng.random(n_rows) < 0.1, None, device)
        category = np.where(rng.random(n_rows) < 0.1, None, category)
    return pd.DataFrame({
        "customer_id": [f"u{c}" for c in customer] if string_ids else customer,
        "timestamp": stamps,
        "event_type": event_type,
        "category": category,
        "device": device,
    })


@st.composite
def order_cases(draw, max_rows=80):
    """An order log and the keyword arguments of its summary."""
    seed = draw(st.integers(0, 2**32 - 1))
    orders = order_log(seed, draw(st.integers(1, max_rows)), draw(st.integers(1, 12)),
                       string_ids=draw(st.booleans()), time_of_day=draw(st.booleans()),
                       refunds=draw(st.booleans()), duplicates=draw(st.booleans()),
                       gaps=draw(st.booleans()))
    params = {**ORDER_DEFAULTS, "order": "order_id",
              "occasion": draw(st.sampled_from(["day", "order"])),
              "as_of": draw(st.sampled_from(AS_OF_CHOICES)),
              "time_unit": draw(st.sampled_from(["D", "W"])),
              "category": "category", "channel": "channel",
              "max_share_columns": draw(st.sampled_from([0, 3, 20]))}
    return orders, params


@st.composite
def event_cases(draw, max_rows=80):
    """A behaviour log and the keyword arguments of its summary."""
    seed = draw(st.integers(0, 2**32 - 1))
    events = event_log(seed, draw(st.integers(1, max_rows)), draw(st.integers(1, 12)),
                       string_ids=draw(st.booleans()), gaps=draw(st.booleans()))
    params = {**EVENT_DEFAULTS, "category": "category", "device": "device",
              "as_of": draw(st.sampled_from([None, "2024-01-10", "2024-02-15"])),
              "max_share_columns": draw(st.sampled_from([0, 2, 20]))}
    return events, params


def renamed(log, params, names):
    """The log and its summary's keyword arguments with columns renamed by ``names``."""
    # the only string values naming something else (event types, options) are no column's name
    return log.rename(columns=names), {
        key: names.get(value, value) if isinstance(value, str) else value
        for key, value in params.items()}


# names that are paths or expressions in Spark SQL unless quoted
ODD_NAMES = {"customer_id": "customer.id", "timestamp": "time stamp", "amount": "amount.eur",
             "order_id": "order`id", "category": "cat.name", "channel": "channel.2",
             "event_type": "event.type", "device": "device (type)"}


def split_by_customer(frame, n_parts, seed, customer="customer_id"):
    """Whole customers to random parts, rows shuffled within each part."""
    rng = np.random.default_rng(seed)
    ids = frame[customer].unique()
    part_of = dict(zip(ids, rng.integers(n_parts, size=len(ids)), strict=True))
    assigned = frame[customer].map(part_of).to_numpy()
    return [frame[assigned == k].sample(frac=1.0, random_state=seed % 1000)
            for k in range(n_parts)]


def shuffled(frame, seed):
    """The rows in a random order, so that any cut splits customers (and orders)."""
    return frame.sample(frac=1.0, random_state=seed % 2**32).reset_index(drop=True)


def spark_frame(spark, frame):
    """A pandas frame in Spark, typed by hand (independently of the library's own
    conversion): aware timestamps as instants, naive ones as wall clock, labels
    and other text as strings."""
    from pyspark.sql import types as T

    frame = frame.copy()
    fields = []
    for name, dtype in frame.dtypes.items():
        if isinstance(dtype, pd.CategoricalDtype):
            frame[name] = frame[name].astype(object).where(frame[name].notna(), None)
            kind = T.StringType()
        elif isinstance(dtype, pd.DatetimeTZDtype):
            kind = T.TimestampType()
        elif pd.api.types.is_datetime64_dtype(dtype):
            kind = T.TimestampNTZType()
        elif pd.api.types.is_bool_dtype(dtype):
            kind = T.BooleanType()
        elif pd.api.types.is_integer_dtype(dtype):
            kind = T.LongType()
        elif pd.api.types.is_float_dtype(dtype):
            kind = T.DoubleType()
        else:
            kind = T.StringType()
        fields.append(T.StructField(name, kind))
    return spark.createDataFrame(frame, schema=T.StructType(fields))
