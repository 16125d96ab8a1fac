"""The one vi/en catalogue of every word people read on a page or in a message (see catalogue.py)."""
from api.i18n.catalogue import CATALOGUE, Catalogue, both, t

__all__ = ["CATALOGUE", "Catalogue", "both", "t"]
