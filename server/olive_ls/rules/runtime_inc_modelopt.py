"""Intel Neural Compressor and NVIDIA ModelOpt passes at run time (OLV470-OLV479).
"""

from __future__ import annotations
