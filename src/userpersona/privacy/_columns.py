"""Which columns hold personal or sensitive information, and may not leave unasked.

A profile joins the customer file, and a customer file often carries names,
phone numbers, addresses or id numbers next to the attributes a profile needs.
Under PIPL (art. 28) and the GDPR (art. 9) some of them are sensitive:
whoever publishes or exports them needs a separate reason and, under PIPL,
separate consent. Nothing in a report or an export needs them, so they are left
out unless named on purpose: a mistake then shows as a missing column, not as a
leak.

The columns are known by their declared marks and, unless switched off, by
their names. The name patterns are plain tables below, so that what is caught
can be read, tested and quoted in an audit.
"""

import difflib
import re
from collections.abc import Iterable, Mapping

import pandas as pd

#: The categories of sensitive personal information: PIPL art. 28 (biometrics,
#: religious belief, specific identity, medical health, financial accounts,
#: whereabouts, minors under 14), and "other" for the rest of GDPR art. 9
#: (ethnic origin, political opinions, trade-union membership, sex life,
#: genetic data) and of criminal records.
SENSITIVE_CATEGORIES = ("biometric", "religion", "identity", "health", "financial",
                        "location", "minor", "other")
PERSONAL, SENSITIVE, NOT_PERSONAL = "personal", "sensitive", "not personal"

# The name patterns. Each maps words, as the tokens of a column name (lower case,
# split at non-letters and at camelCase), to "personal" or a sensitive category.
# A word is put in the narrowest table that still catches its usual column names:
# "phone" only ends a name ("contact_phone"), since "phone_model" and
# "phone_brand" describe a device; "name" is only a whole name, since
# "persona_name" and "product_name" name no person.

#: Words that name personal information wherever they stand in a column name.
ANYWHERE = {
    "personal": [
        "first name", "last name", "full name", "given name", "family name", "real name",
        "customer name", "contact name", "user name", "buyer name", "receiver name",
        "recipient name", "firstname", "lastname", "fullname", "surname", "username",
        "consignee", "phone number", "phone no", "phone num", "mobile phone",
        "mobile number", "mobile no", "mobile num", "cellphone", "cell phone", "telephone",
        "tel no", "email address", "mail address", "address", "street", "postcode",
        "zipcode", "zip", "post code", "postal code", "birthday", "birthdate", "birth date",
        "date of birth", "dob", "ip", "ipv", "device id", "deviceid", "imei", "idfa",
        "android id", "wechat", "weixin", "openid", "open id", "unionid", "union id",
        "license plate", "licence plate", "plate number",
    ],
    "identity": [
        "id card", "idcard", "id number", "id no", "identity card", "identity number",
        "passport", "ssn", "national id", "social security", "driver license",
        "drivers license", "driving licence", "driving license",
    ],
    "financial": [
        "bank account", "bank card", "iban", "card number", "card no", "credit card",
        "debit card", "account number", "account no", "cvv", "routing number",
        "credit score",
    ],
    "location": [
        "latitude", "longitude", "gps", "geolocation", "geohash", "coordinates",
        "precise location", "exact location", "whereabouts", "trajectory",
    ],
    "health": [
        "health", "diagnosis", "medical", "illness", "disease", "medication", "disability",
        "pregnancy", "pregnant", "blood type", "allergy", "allergies",
    ],
    "biometric": [
        "biometric", "biometrics", "face", "faceid", "fingerprint", "voiceprint", "iris",
        "retina", "palmprint",
    ],
    "religion": ["religion", "religious"],
    "minor": ["is minor", "under 14", "guardian", "parental consent"],
    "other": ["ethnicity", "ethnic", "political", "trade union", "sexual orientation",
              "criminal", "genetic"],
}
#: Words that name personal information at the end of a column name only.
ENDING = {
    "personal": ["phone", "tel", "email", "e mail"],
    "location": ["lat", "lng", "lon"],
}
#: Words that name personal information only as the whole column name.
WHOLE = {
    "personal": ["name", "mobile", "cell"],
    "minor": ["minor"],
    "other": ["race"],
}
#: Words that name personal information at the start of a column name.
LEADING = {"location": ["geo"]}
#: Chinese words, found anywhere in the name (Chinese has no spaces to split at).
CHINESE = {
    "personal": ["姓名", "手机号", "电话", "邮箱", "电子邮件", "地址", "生日", "出生日期",
                 "微信", "邮编", "收货人", "联系人", "车牌"],
    "identity": ["身份证", "护照", "证件号"],
    "financial": ["银行卡", "银行账户", "银行账号", "信用卡"],
    "location": ["经纬度", "经度", "纬度", "位置", "行踪", "轨迹", "定位"],
    "health": ["病", "健康", "医疗", "诊断", "残疾"],
    "biometric": ["人脸", "面部", "指纹", "声纹", "虹膜", "生物识别"],
    "religion": ["宗教", "信仰"],
    "minor": ["未成年", "监护人"],
    "other": ["民族", "政治"],
}
#: Chinese words that end a name ("联系手机") but also start device attributes
#: ("手机型号", the phone model), or are too common inside other words ("产品名字").
CHINESE_ENDING = {"personal": ["手机"]}
CHINESE_WHOLE = {"personal": ["名字"]}

# The profile's own columns named after values of the data (a category, a
# channel, a device, an event type): "category_share_health" is the share of
# purchases in a shop's category "health", not a health record. Their names say
# nothing about what they hold, so patterns skip them; declared marks still apply.
VALUE_NAMED = re.compile(r"^(?:(?:category|channel|device|part_of_day)_share_|n_)")

# camelCase boundaries: "phoneNumber" -> phone|Number, "IDCard" -> ID|Card
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def _tokens(name):
    """The words of a column name: split at camelCase, lower-cased, letters and digits
    apart (``"under14"`` -> ``("under", "14")``); other characters separate words."""
    return tuple(re.findall(r"[a-z]+|[0-9]+", _CAMEL.sub(" ", name).lower()))


def _compiled(table):
    return [(tuple(words.split()), mark) for mark, entries in table.items()
            for words in entries]


# the marks in order of strength: a name matching a sensitive pattern and a
# personal one ("guardian_phone") is sensitive
_ORDER = {**{category: i for i, category in enumerate(SENSITIVE_CATEGORIES)},
          PERSONAL: len(SENSITIVE_CATEGORIES)}
_ANYWHERE, _ENDING = _compiled(ANYWHERE), _compiled(ENDING)
_WHOLE, _LEADING = _compiled(WHOLE), _compiled(LEADING)


def _contains(tokens, words):
    n = len(words)
    return any(tokens[i:i + n] == words for i in range(len(tokens) - n + 1))


def pattern_mark(name):
    """``"personal"``, a sensitive category, or None: what the name patterns say of
    a column name."""
    name = str(name)
    if VALUE_NAMED.match(name):
        return None
    tokens = _tokens(name)
    marks = [mark for words, mark in _ANYWHERE if _contains(tokens, words)]
    marks += [mark for words, mark in _ENDING if tokens[-len(words):] == words]
    marks += [mark for words, mark in _LEADING if tokens[:len(words)] == words]
    marks += [mark for words, mark in _WHOLE if tokens == words]
    marks += [mark for mark, words in CHINESE.items() if any(w in name for w in words)]
    marks += [mark for mark, words in CHINESE_ENDING.items()
              if any(name.endswith(w) for w in words)]
    marks += [mark for mark, words in CHINESE_WHOLE.items() if name.strip() in words]
    return min(marks, key=_ORDER.__getitem__) if marks else None


class ColumnRegistry:
    """The columns holding personal or sensitive information, withheld unless named.

    A column is *personal* (it identifies a person or reaches them: a name, a
    phone number, an address, a device id) or *sensitive* (PIPL art. 28,
    GDPR art. 9: one of :attr:`CATEGORIES`). Declared marks come
    first; with ``patterns=True`` the other columns are also recognised by their
    names (see Notes). A column with either mark is *withheld*: left out of
    what is released (:meth:`release`) unless named in ``reveal``.

    ``age``, ``gender``, ``city`` and ``region`` are not withheld by default:
    they are coarse, a profile uses them, and a bias audit needs them (see
    :func:`~userpersona.privacy.bias_audit`). Declare them to withhold them.
    Customer ids are not withheld either: they are what a profile is indexed
    by; pseudonymise them with :class:`~userpersona.privacy.Pseudonymizer`.

    Parameters
    ----------
    personal : iterable of str, default=()
        Columns that hold personal information.
    sensitive : dict of str to str, optional
        Columns that hold sensitive personal information, each with its
        category, one of ``"biometric"``, ``"religion"``, ``"identity"``
        (specific identity, such as id numbers), ``"health"``,
        ``"financial"`` (financial accounts), ``"location"`` (whereabouts,
        precise location), ``"minor"`` (a child under 14) and ``"other"``
        (the rest of GDPR art. 9: ethnic origin, political opinions,
        trade-union membership, sex life, genetic data).
    not_personal : iterable of str, default=()
        Columns known to hold no personal information, which the name patterns
        would withhold, such as a ``phone_brand`` or an account ``health_score``.
    patterns : bool, default=True
        Also recognise columns by their names (Notes). False: only the
        declared columns are withheld.

    Raises
    ------
    ValueError
        For an unknown category, or a column declared twice.

    See Also
    --------
    userpersona.privacy.Pseudonymizer : Keyed pseudonyms of the customer ids.

    Notes
    -----
    A name is matched on its words: lower case, split at every character that
    is not a letter or a digit, at camelCase (``phoneNumber``, ``IDCard``) and
    between letters and digits (``under14``); Chinese words are found anywhere
    in the name. A name matching both a sensitive and a personal pattern is
    sensitive.

    =========================  ===================================================
    Mark                       Words in the name (``*``: wherever they stand)
    =========================  ===================================================
    personal                   ``name``, ``mobile``, ``cell`` as the whole name;
                               ``phone``, ``tel``, ``email``, ``e_mail`` ending
                               it; ``*first_name``, ``*last_name``,
                               ``*full_name``, ``*customer_name``,
                               ``*user_name``, ``*surname``, ``*phone_number``,
                               ``*mobile_phone``, ``*telephone``, ``*address``,
                               ``*street``, ``*postcode``, ``*zip``,
                               ``*birthday``, ``*birth_date``, ``*dob``,
                               ``*ip``, ``*device_id``, ``*imei``, ``*idfa``,
                               ``*wechat``, ``*openid``, ``*unionid``,
                               ``*license_plate``; 姓名, 手机号, 电话, 邮箱,
                               地址, 生日, 微信, 邮编, 收货人, 联系人, 车牌;
                               手机 ending it, 名字 as the whole name
    identity                   ``*id_card``, ``*id_number``, ``*passport``,
                               ``*ssn``, ``*national_id``,
                               ``*social_security``, ``*driver_license``;
                               身份证, 护照, 证件号
    financial                  ``*bank_account``, ``*bank_card``, ``*iban``,
                               ``*card_number``, ``*credit_card``,
                               ``*account_number``, ``*cvv``,
                               ``*credit_score``; 银行卡, 银行账户, 信用卡
    location                   ``*latitude``, ``*longitude``, ``*gps``,
                               ``*geolocation``, ``*geohash``,
                               ``*coordinates``, ``*precise_location``,
                               ``*whereabouts``, ``*trajectory``; ``lat``,
                               ``lng``, ``lon`` ending it; ``geo_`` starting
                               it; 经纬度, 经度, 纬度, 位置, 行踪, 轨迹, 定位
    health                     ``*health``, ``*diagnosis``, ``*medical``,
                               ``*illness``, ``*disease``, ``*medication``,
                               ``*disability``, ``*pregnancy``, ``*allergy``;
                               病, 健康, 医疗, 诊断, 残疾
    biometric                  ``*face``, ``*fingerprint``, ``*voiceprint``,
                               ``*iris``, ``*retina``, ``*biometric``; 人脸,
                               面部, 指纹, 声纹, 虹膜, 生物识别
    religion                   ``*religion``, ``*religious``; 宗教, 信仰
    minor                      ``minor`` as the whole name; ``*is_minor``,
                               ``*under_14``, ``*guardian``,
                               ``*parental_consent``; 未成年, 监护人
    other                      ``*ethnicity``, ``*political``,
                               ``*trade_union``, ``*sexual_orientation``,
                               ``*criminal``, ``*genetic``; ``race`` as the
                               whole name; 民族, 政治
    =========================  ===================================================

    The full lists are the module's constants ``ANYWHERE``, ``ENDING``,
    ``WHOLE``, ``LEADING``, ``CHINESE``, ``CHINESE_ENDING`` and
    ``CHINESE_WHOLE``. Short words stand only where they rarely mean anything
    else: ``phone_model``, ``persona_name``, ``mobile_first`` and
    ``device_share_mobile`` are not withheld. The profile's own columns named
    after values of the data (``category_share_<label>``,
    ``channel_share_<label>``, ``device_share_<label>``,
    ``part_of_day_share_<label>``, ``n_<event type>``) are never matched: a
    shop's category ``health`` is not a health record. Names are a guess: a
    column a pattern misses must be declared, and one it catches wrongly can be
    declared ``not_personal`` or let out with ``reveal=``.

    Examples
    --------
    >>> import pandas as pd
    >>> from userpersona.privacy import ColumnRegistry
    >>> registry = ColumnRegistry(personal=["member_note"], sensitive={"hba1c": "health"})
    >>> profile = pd.DataFrame({"clv": [120.0], "phoneNumber": ["138..."], "hba1c": [6.1],
    ...                         "id_card": ["1101..."], "member_note": ["..."],
    ...                         "phone_model": ["X1"], "gender": ["f"]},
    ...                        index=pd.Index(["c-1"], name="customer_id"))
    >>> registry.withheld(profile.columns)
    ['phoneNumber', 'hba1c', 'id_card', 'member_note']
    >>> released = registry.release(profile, reveal=["member_note"])
    >>> released.columns.tolist()
    ['clv', 'member_note', 'phone_model', 'gender']
    >>> released.attrs["withheld"]
    {'phoneNumber': 'personal', 'hba1c': 'health', 'id_card': 'identity'}
    """

    #: The categories of sensitive information, as ``sensitive=`` takes them.
    CATEGORIES = SENSITIVE_CATEGORIES

    def __init__(self, personal=(), sensitive=None, *, not_personal=(), patterns=True):
        personal = _names(personal, "personal")
        not_personal = _names(not_personal, "not_personal")
        if sensitive is None:
            sensitive = {}
        if not isinstance(sensitive, Mapping):
            raise TypeError("sensitive must be a dict of column -> category, got "
                            f"{type(sensitive).__name__}.")
        for column, category in sensitive.items():
            if category not in SENSITIVE_CATEGORIES:
                raise ValueError(
                    f"Unknown category {category!r} of the sensitive column {column!r}; "
                    f"the categories are: {', '.join(SENSITIVE_CATEGORIES)}.")
        marks = {}
        for column, mark in [*((c, PERSONAL) for c in personal), *sensitive.items(),
                             *((c, NOT_PERSONAL) for c in not_personal)]:
            if column in marks:
                raise ValueError(f"Column {column!r} is declared twice ({marks[column]} and "
                                 f"{mark}); declare each column once.")
            marks[column] = mark
        if not isinstance(patterns, bool):
            raise TypeError(f"patterns must be True or False, got {patterns!r}.")
        self._marks = marks
        self.patterns = patterns

    @classmethod
    def default(cls):
        """The registry of the name patterns alone, as ``ColumnRegistry()``.

        Returns
        -------
        ColumnRegistry

        Examples
        --------
        >>> from userpersona.privacy import ColumnRegistry
        >>> ColumnRegistry.default().withheld(["email", "clv", "身份证号"])
        ['email', '身份证号']
        """
        return cls()

    def _mark(self, column):
        """``"personal"``, a sensitive category, or None."""
        declared = self._marks.get(column)
        if declared is not None:
            return None if declared == NOT_PERSONAL else declared
        return pattern_mark(column) if self.patterns else None

    def kind(self, column):
        """``"sensitive"``, ``"personal"`` or None: what the registry holds of a column.

        Parameters
        ----------
        column : str

        Returns
        -------
        str or None

        Examples
        --------
        >>> from userpersona.privacy import ColumnRegistry
        >>> registry = ColumnRegistry()
        >>> registry.kind("customer_phone"), registry.kind("idCard"), registry.kind("age")
        ('personal', 'sensitive', None)
        """
        mark = self._mark(column)
        return None if mark is None else PERSONAL if mark == PERSONAL else SENSITIVE

    def category(self, column):
        """The category of a sensitive column; None for the others.

        Parameters
        ----------
        column : str

        Returns
        -------
        str or None
            One of :attr:`CATEGORIES`.

        Examples
        --------
        >>> from userpersona.privacy import ColumnRegistry
        >>> registry = ColumnRegistry()
        >>> registry.category("home_lat"), registry.category("银行卡号"), registry.category("email")
        ('location', 'financial', None)
        """
        mark = self._mark(column)
        return None if mark in (None, PERSONAL) else mark

    def withheld(self, columns, reveal=()):
        """The columns that must not leave, in their order, but those in ``reveal``.

        Parameters
        ----------
        columns : iterable of str
            Column names, such as ``frame.columns``.
        reveal : iterable of str, default=()
            Columns to let out although marked.

        Returns
        -------
        list of str

        Raises
        ------
        ValueError
            When ``reveal`` names a column not in ``columns``.

        Examples
        --------
        >>> from userpersona.privacy import ColumnRegistry
        >>> registry = ColumnRegistry()
        >>> registry.withheld(["clv", "email", "passport_no", "persona_name"])
        ['email', 'passport_no']
        >>> registry.withheld(["clv", "email", "passport_no"], reveal=["email"])
        ['passport_no']
        """
        columns = list(columns)
        reveal = set(_revealed(reveal, columns))
        return [column for column in columns
                if column not in reveal and self._mark(column) is not None]

    def release(self, frame, reveal=()):
        """A copy of ``frame`` without the withheld columns.

        Parameters
        ----------
        frame : pandas.DataFrame
        reveal : iterable of str, default=()
            Columns to keep although marked.

        Returns
        -------
        pandas.DataFrame
            Its index and other attributes kept; ``attrs["withheld"]`` maps
            each column left out to ``"personal"`` or its sensitive category.

        Raises
        ------
        ValueError
            When ``reveal`` names a column ``frame`` does not have.

        Examples
        --------
        >>> import pandas as pd
        >>> from userpersona.privacy import ColumnRegistry
        >>> customers = pd.DataFrame({"age": [31, 45], "手机": ["139...", "186..."]},
        ...                          index=pd.Index([7, 9], name="customer_id"))
        >>> released = ColumnRegistry().release(customers)
        >>> released
                     age
        customer_id
        7             31
        9             45
        >>> released.attrs["withheld"]
        {'手机': 'personal'}
        """
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"frame must be a pandas DataFrame, got {type(frame).__name__}.")
        withheld = self.withheld(frame.columns, reveal)
        out = frame.drop(columns=withheld)
        out.attrs = {**frame.attrs,
                     "withheld": {str(column): self._mark(column) for column in withheld}}
        return out

    def to_frame(self):
        """The declared marks, one row per column, for documentation and audit.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``column``: ``kind`` (``"personal"``, ``"sensitive"``
            or ``"not personal"``) and ``category`` (of a sensitive column).

        Examples
        --------
        >>> from userpersona.privacy import ColumnRegistry
        >>> ColumnRegistry(personal=["nickname"], sensitive={"hba1c": "health"},
        ...                not_personal=["phone_brand"]).to_frame()
                             kind category
        column
        nickname         personal     None
        hba1c           sensitive   health
        phone_brand  not personal     None
        """
        rows = [(column, mark if mark in (PERSONAL, NOT_PERSONAL) else SENSITIVE,
                 None if mark in (PERSONAL, NOT_PERSONAL) else mark)
                for column, mark in self._marks.items()]
        return pd.DataFrame(rows, columns=["column", "kind", "category"],
                            dtype=object).set_index("column")

    def __repr__(self):
        personal = [c for c, mark in self._marks.items() if mark == PERSONAL]
        sensitive = {c: mark for c, mark in self._marks.items()
                     if mark not in (PERSONAL, NOT_PERSONAL)}
        not_personal = [c for c, mark in self._marks.items() if mark == NOT_PERSONAL]
        return (f"ColumnRegistry(personal={personal!r}, sensitive={sensitive!r}, "
                f"not_personal={not_personal!r}, patterns={self.patterns!r})")


def _names(columns, what):
    """A list of column names; one name alone is taken as one column, not as letters."""
    if isinstance(columns, str):
        return [columns]
    if not isinstance(columns, Iterable):
        raise TypeError(f"{what} must be a list of column names, got "
                        f"{type(columns).__name__}.")
    return list(columns)


def _revealed(reveal, columns):
    """``reveal`` as a list, each name checked to be one of ``columns``: a misspelt
    name would leave its column withheld without a word."""
    reveal = _names(reveal, "reveal")
    names = [str(column) for column in columns]
    for name in reveal:
        if name not in columns:
            close = difflib.get_close_matches(str(name), names, n=3)
            hint = f"; did you mean {', '.join(map(repr, close))}?" if close else "."
            raise ValueError(f"reveal names {name!r}, which is not a column{hint}")
    return reveal
