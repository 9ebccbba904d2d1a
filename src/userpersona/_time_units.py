"""The lengths of the time units the value models count in, in days."""

#: Days in a month, for horizons given in months: a Julian year over twelve.
DAYS_PER_MONTH = 365.25 / 12
#: Days in each ``time_unit`` of the purchase models.
DAYS_PER_UNIT = {"D": 1.0, "W": 7.0}
