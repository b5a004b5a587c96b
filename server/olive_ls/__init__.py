"""olive-ls: editor tooling for Microsoft Olive workflow configs.

Importing this package must stay light: no olive, torch, transformers or onnxruntime.
"""

__version__ = "0.1.0"
