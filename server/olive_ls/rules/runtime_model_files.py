"""What the input model's own files decide at run time (OLV570-OLV589): its config.json's architecture and model_type, an existing quantization_config.
"""

from __future__ import annotations
