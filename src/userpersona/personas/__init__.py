"""Personas: clusters of customers with readable names and descriptions.

:class:`PersonaClusterer` prepares the profile's features, chooses the number
of personas, clusters the customers and names each persona after the features
that set it apart.
"""

from ._clusterer import PersonaClusterer
from ._warning import PersonaWarning

__all__ = ["PersonaClusterer", "PersonaWarning"]
