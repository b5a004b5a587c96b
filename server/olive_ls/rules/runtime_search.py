"""Search at run time (OLV480-OLV489): SEARCHABLE_VALUES without search values, conditional search parameters.
"""

from __future__ import annotations
