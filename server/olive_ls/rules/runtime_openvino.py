"""OpenVINO passes at run time (OLV430-OLV449): nncf/optimum-intel option values, ignored_scope pairs, input model types.
"""

from __future__ import annotations
