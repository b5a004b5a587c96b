"""Vendor SDK passes at run time (OLV450-OLV469): QAIRT, QNN, AIMET, Vitis AI and Quark options and pass order.
"""

from __future__ import annotations
