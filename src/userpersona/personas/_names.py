"""Short names for personas, from the features that set them apart.

A persona's *distinction* on a feature is how far its members' mean lies from
the mean of all customers, in standard deviations of the prepared feature (after
the log transform and scaling, so that one customer spending a fortune does not
make a whole persona "high spend"). A name joins the words of the largest
distinctions in the order of the features, "recent · frequent · high spend"; a
feature's words say which way the persona leans.
"""

import numpy as np
import pandas as pd

from ._purchase_evidence import REPEAT_RATE, share_family

SEPARATOR = " · "
# Smallest distinction, in standard deviations, worth a word in a name.
MIN_DISTINCTION = 0.5

# Words for a persona above / below the average on a feature.
VOCABULARIES = {
    "en": {
        "monetary_mean": ("high spend", "low spend"),
        "monetary_total": ("high value", "low value"),
        "frequency": ("frequent", "infrequent"),
        "repeat_purchases_per_year": ("frequent", "infrequent"),
        "recency_days": ("lapsed", "recent"),
        "tenure_days": ("long-standing", "new"),
        "weekend_share": ("weekend shopper", "weekday shopper"),
        "category_entropy": ("broad tastes", "focused tastes"),
        "n_categories": ("many categories", "few categories"),
        "sessions": ("heavy browser", "light browser"),
        "events_per_session": ("deep sessions", "short sessions"),
        "view_to_cart_rate": ("decisive", "window shopper"),
        "cart_to_purchase_rate": ("completes carts", "abandons carts"),
        "mean_gap_days": ("long gaps", "short gaps"),
        "age": ("older", "younger"),
    },
    "zh": {
        "monetary_mean": ("高客单价", "低客单价"),
        "monetary_total": ("高价值", "低价值"),
        "frequency": ("高频", "低频"),
        "repeat_purchases_per_year": ("高频", "低频"),
        "recency_days": ("久未购买", "近期活跃"),
        "tenure_days": ("老客", "新客"),
        "weekend_share": ("周末购物", "工作日购物"),
        "category_entropy": ("品类广泛", "品类专一"),
        "n_categories": ("多品类", "少品类"),
        "sessions": ("高浏览", "低浏览"),
        "events_per_session": ("深度浏览", "浅度浏览"),
        "view_to_cart_rate": ("果断加购", "只看不买"),
        "cart_to_purchase_rate": ("加购必买", "弃购"),
        "mean_gap_days": ("购买间隔长", "购买间隔短"),
        "age": ("年长", "年轻"),
    },
}
# The word for customers who bought exactly once, stronger than "infrequent".
ONE_TIME = {"en": "one-time", "zh": "一次性购买"}
# The level a categorical feature has where its value is missing.
MISSING_LEVEL = "(missing)"
# The name of a persona that stands out on no feature.
TYPICAL = {"en": "typical", "zh": "普通"}


def check_vocabulary(vocabulary):
    """Refuse a ``vocabulary`` entry that is not two words."""
    for feature, words in (vocabulary or {}).items():
        if (not isinstance(words, (tuple, list)) or len(words) != 2
                or not all(isinstance(word, str) for word in words)):
            raise ValueError(
                f"vocabulary[{feature!r}] must be two words (above average, below "
                f"average), got {words!r}."
            )


def feature_words(feature, language, vocabulary=None):
    """The (above, below) words of a numeric feature, or generic ones."""
    if vocabulary and feature in vocabulary:
        return tuple(vocabulary[feature])
    words = VOCABULARIES[language].get(feature)
    if words:
        return words
    if language == "zh":
        return f"{feature}高", f"{feature}低"
    return f"high {feature}", f"low {feature}"


def level_word(feature, level, language):
    """The word for a persona over-represented at one level of a categorical feature.

    None for the level of missing values, which describes the data, not the persona.
    """
    if level == MISSING_LEVEL:
        return None
    return f"偏好{level}" if language == "zh" else f"mostly {level}"


def distinctions(prepared, labels, n_personas):
    """Persona x prepared-column table of standardised mean differences.

    Parameters
    ----------
    prepared : float array of shape (n, p)
        The customers in the clustering space.
    labels : int array of shape (n,)
        Persona ids.

    Returns
    -------
    ndarray of shape (n_personas, p)
        ``(persona mean - overall mean) / overall standard deviation``; 0 for a
        column without spread.
    """
    if not len(prepared):
        return np.zeros((n_personas, prepared.shape[1]))
    counts = np.bincount(labels, minlength=n_personas).astype(np.float64)
    sums = np.column_stack([np.bincount(labels, weights=column, minlength=n_personas)
                            for column in prepared.T]).reshape(n_personas, -1)
    means = sums / np.maximum(counts, 1)[:, None]
    spread = prepared.std(axis=0)
    spread[spread == 0] = np.inf
    return (means - prepared.mean(axis=0)) / spread


def name_personas(scores, terms, one_time, language, vocabulary=None, n_words=3):
    """A distinct short name per persona.

    Parameters
    ----------
    scores : ndarray of shape (n_personas, n_terms)
        Distinctions of each persona on each term (see :func:`distinctions`).
    terms : list of (feature, level)
        What each column of ``scores`` is: a numeric feature (level None) or one
        level of a categorical feature.
    one_time : bool array of shape (n_personas,)
        Personas whose typical member bought once: "one-time", not "infrequent".
    language : {"en", "zh"}
    vocabulary : dict, optional
        Words of your own, feature -> (above, below), taking precedence.
    n_words : int
        Most words in a name, before any needed to tell two personas apart.

    Returns
    -------
    list of str
    """
    # Each persona's words by decreasing distinction; a feature on which the
    # persona sits exactly at the average says nothing.
    words = [
        [_word(terms[j], score[j], one_time[i], language, vocabulary) if score[j] else None
         for j in _ranked(score)]
        for i, score in enumerate(scores)
    ]
    strong = [
        [word for word, j in zip(ranked, _ranked(score), strict=True)
         if word and abs(score[j]) >= MIN_DISTINCTION][:n_words]
        for ranked, score in zip(words, scores, strict=True)
    ]
    # Two personas leaning the same way on their top features: add the next
    # words, weak or not, until the names differ. Names with the same words in
    # another order clash too: "one-time · weekday" and "weekday · one-time" say
    # the same thing.
    for _ in range(scores.shape[1]):
        clashes = pd.Series([frozenset(chosen) for chosen in strong]).duplicated(
            keep=False).to_numpy()
        if not clashes.any():
            break
        for i in np.flatnonzero(clashes):
            extra = [word for word in words[i] if word and word not in strong[i]]
            if extra:
                strong[i].append(extra[0])
    # The words go in the order of the features, not of their distinctions: two
    # fits of the same personas whose distinctions differ by a hair then give the
    # same name ("recent · long gaps", never "long gaps · recent" on a refit).
    for i, score in enumerate(scores):
        place = {}
        for word, j in zip(words[i], _ranked(score), strict=True):
            place.setdefault(word, j)
        strong[i].sort(key=place.get)
    names = [SEPARATOR.join(chosen) or TYPICAL[language] for chosen in strong]
    # Personas alike on every feature keep a number to tell them apart.
    seen = {}
    for i, name in enumerate(names):
        key = frozenset(strong[i])
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            names[i] = f"{name} ({seen[key]})"
    return names


def _ranked(score):
    """Term positions by decreasing absolute distinction (stable for ties)."""
    return np.argsort(-np.abs(score), kind="stable")


def _word(term, score, one_time, language, vocabulary):
    feature, level = term
    if level is not None:
        # Being *under*-represented at a level says little; only the lean counts.
        return level_word(feature, level, language) if score > 0 else None
    if (feature in ("frequency", REPEAT_RATE) and score < 0 and one_time
            and feature not in (vocabulary or {})):
        return ONE_TIME[language]
    family = share_family(feature)
    if family and feature not in (vocabulary or {}):
        # a share of purchases reads like a level: only the lean counts
        return level_word(family[:-len("_share_")], feature[len(family):], language) if (
            score > 0) else None
    above, below = feature_words(feature, language, vocabulary)
    return above if score > 0 else below
