"""The warning of persona models: what was left out, merged or chosen on the edge."""

from .._warnings import UserpersonaWarning


class PersonaWarning(UserpersonaWarning):
    """Warning about a persona model: features left out, clusters merged, a count on the edge.

    Examples
    --------
    >>> import warnings
    >>> from userpersona import PersonaWarning
    >>> warnings.simplefilter("error", PersonaWarning)  # make it an error
    >>> warnings.resetwarnings()
    """
