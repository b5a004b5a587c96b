"""Text edits on a parsed JSON or YAML document that keep the user's formatting.

Quick fixes and the migration change a config through these: rename a key, replace a value, delete properties
(with their commas or lines), insert properties or list items in the surrounding style, and `diff` a node
against a new Python value, which turns a whole rewritten config into the few edits that differ. Everything
works on the document's UTF-8 byte offsets (the tree's `start`/`end`); `to_text_edits` converts to LSP.

Values are rendered the way the document writes them: JSON with its indentation width (one-line documents and
one-line objects stay compact); YAML in block style with its indentation and sequence style, plain scalars
unless a YAML 1.1 loader (PyYAML, which Olive uses) would read them as something other than the string.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lsprotocol.types import TextEdit

import json
import math
import re
from dataclasses import dataclass
from typing import Any


from olive_ls.document.nodes import ARRAY, OBJECT, Node, Property

DEFAULT_UNIT = "  "


class EditError(Exception):
    """The document does not look the way an edit expects (half-typed, or a form this module does not handle)."""


@dataclass(frozen=True)
class Edit:
    """Replace bytes [start, end) of the document with `text`."""

    start: int
    end: int
    text: str


# --- YAML scalars ---------------------------------------------------------------------------------------------

_YAML_WORDS = frozenset({"~", "null", "true", "false", "yes", "no", "on", "off", "y", "n", "=", "<<"})
_YAML_FIRST = set("?:,[]{}#&*!|>'\"%@`")
_YAML_NUMBERISH = re.compile(
    r"""^[-+]?(
        0[xX][0-9a-fA-F_]+ | 0[oO]?[0-7_]+ | 0[bB][01_]+ |   # ints in other bases (YAML 1.1 and 1.2)
        \d[\d_]*(:[0-5]?\d)+(\.\d*)? |                         # sexagesimal (YAML 1.1)
        \.(inf|Inf|INF|nan|NaN|NAN)                            # infinities and NaN
    )$""",
    re.VERBOSE,
)
_YAML_TIMESTAMP = re.compile(r"^\d{4}-\d\d?-\d\d?")


def yaml_plain_ok(text: str) -> bool:
    """Whether `text` can be written as a plain YAML scalar and still load (YAML 1.1 or 1.2) as this string."""
    if not text or text != text.strip() or text.lower() in _YAML_WORDS:
        return False
    if text[0] in _YAML_FIRST or (text[0] == "-" and (len(text) == 1 or text[1] in " \t")):
        return False
    if ": " in text or " #" in text or text.endswith(":") or any(c in text for c in ",[]{}"):
        return False
    if any(not c.isprintable() for c in text):
        return False
    if _YAML_NUMBERISH.match(text) or _YAML_TIMESTAMP.match(text):
        return False
    try:
        float(text.replace("_", ""))
    except ValueError:
        return True
    return False


def yaml_double_quoted(text: str) -> str:
    printable = all(c.isprintable() for c in text)
    return json.dumps(text, ensure_ascii=not printable)


def yaml_string(text: str, style: str = "") -> str:
    """A string as a YAML scalar: in `style` ("'" or '"') when given, else plain when safe, else double-quoted."""
    if style == "'" and all(c.isprintable() for c in text):
        return "'" + text.replace("'", "''") + "'"
    if style == '"' or not yaml_plain_ok(text):
        return yaml_double_quoted(text)
    return text


def yaml_scalar(value: Any, style: str = "") -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return yaml_string(str(value), style)


def yaml_flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{yaml_string(str(k))}: {yaml_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(yaml_flow(v) for v in value) + "]"
    return yaml_scalar(value)


def _is_container(value: Any) -> bool:
    return isinstance(value, (dict, list)) and bool(value)


def yaml_block(value: Any, indent: str, unit: str = DEFAULT_UNIT, seq_indent: bool = True) -> list[str]:
    """Block-style lines for a non-empty dict or list, every line starting with `indent`."""
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            head = f"{indent}{yaml_string(str(key))}:"
            if isinstance(item, dict) and item:
                lines.append(head)
                lines.extend(yaml_block(item, indent + unit, unit, seq_indent))
            elif isinstance(item, list) and item:
                lines.append(head)
                lines.extend(yaml_block(item, indent + (unit if seq_indent else ""), unit, seq_indent))
            else:
                lines.append(f"{head} {yaml_flow(item)}")
        return lines
    for item in value:
        if isinstance(item, dict) and item:
            inner = yaml_block(item, indent + "  ", unit, seq_indent)
            lines.append(f"{indent}- {inner[0][len(indent) + 2:]}")
            lines.extend(inner[1:])
        else:
            lines.append(f"{indent}- {yaml_flow(item)}")
    return lines


def dump_yaml(value: Any, unit: str = DEFAULT_UNIT, seq_indent: bool = True) -> str:
    """A whole YAML document for `value` (a minimal emitter: block style, plain scalars where safe)."""
    if _is_container(value):
        return "\n".join(yaml_block(value, "", unit, seq_indent)) + "\n"
    return yaml_flow(value) + "\n"


# --- JSON -----------------------------------------------------------------------------------------------------


def json_value(value: Any, unit: str | None, base: str = "") -> str:
    """JSON text for a value: compact when unit is None, else indented by unit with continuation lines at base."""
    if unit is None or not _is_container(value):
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(value, indent=unit, ensure_ascii=False).replace("\n", "\n" + base)


# --- the document ---------------------------------------------------------------------------------------------


def detect_unit(data: bytes) -> str:
    """The indentation step of a document: a tab, or the smallest positive leading-space width (2 if none)."""
    widths = set()
    for line in data.split(b"\n"):
        stripped = line.lstrip(b" \t")
        if not stripped.strip() or stripped.startswith((b"#", b"//")):
            continue
        lead = line[: len(line) - len(stripped)]
        if lead.startswith(b"\t"):
            return "\t"
        if lead:
            widths.add(len(lead))
    return " " * min(widths) if widths else DEFAULT_UNIT


class Editor:
    """Edits on one parsed document. Every operation returns `Edit`s against the original text."""

    def __init__(self, doc):
        self.doc = doc
        self.data: bytes = doc.index.data
        self.yaml = doc.language == "yaml"
        self.unit = detect_unit(self.data)
        self.multiline = b"\n" in self.data.strip()
        self.seq_indent = self._detect_seq_indent() if self.yaml else True

    # --- positions --------------------------------------------------------------------------------------------

    def line_start(self, offset: int) -> int:
        return self.data.rfind(b"\n", 0, offset) + 1

    def line_end(self, offset: int) -> int:
        """Offset of the newline ending the line of `offset` (or the end of the data)."""
        end = self.data.find(b"\n", offset)
        return len(self.data) if end == -1 else end

    def after_line(self, offset: int) -> int:
        """Start of the line after the one holding `offset` (the end of the data on the last line)."""
        return min(self.line_end(offset) + 1, len(self.data))

    def column(self, offset: int) -> int:
        return offset - self.line_start(offset)

    def indentation(self, offset: int) -> str:
        """The leading whitespace of the line holding `offset`."""
        start = self.line_start(offset)
        line = self.data[start : self.line_end(offset)]
        return line[: len(line) - len(line.lstrip(b" \t"))].decode()

    def blank_before(self, offset: int) -> bool:
        return not self.data[self.line_start(offset) : offset].strip()

    def rest_of_line_is_trivia(self, offset: int) -> bool:
        """Only whitespace or a line comment from offset to the end of its line."""
        rest = self.data[offset : self.line_end(offset)].strip()
        return not rest or rest.startswith(b"#" if self.yaml else b"//")

    def skip_trivia(self, offset: int) -> int:
        """The first offset at or after `offset` that is not whitespace or a comment."""
        data, n = self.data, len(self.data)
        while offset < n:
            if data[offset : offset + 1] in (b" ", b"\t", b"\r", b"\n"):
                offset += 1
            elif (self.yaml and data[offset : offset + 1] == b"#") or (not self.yaml and data.startswith(b"//", offset)):
                offset = self.line_end(offset)
            elif not self.yaml and data.startswith(b"/*", offset):
                close = data.find(b"*/", offset + 2)
                offset = n if close == -1 else close + 2
            else:
                break
        return offset

    def comma_after(self, offset: int) -> int:
        at = self.skip_trivia(offset)
        if self.data[at : at + 1] != b",":
            raise EditError("expected a comma")
        return at

    def is_flow(self, container: Node) -> bool:
        """JSON objects and arrays, and YAML's {...}/[...] forms: comma-separated."""
        return not self.yaml or self.data[container.start : container.start + 1] in (b"{", b"[")

    def in_flow(self, node: Node) -> bool:
        parent = self._container_of(node)
        while parent is not None:
            if self.is_flow(parent):
                return True
            parent = self._container_of(parent)
        return False

    @staticmethod
    def _container_of(node: Node) -> Node | None:
        parent = node.parent
        if isinstance(parent, Property):
            return parent.parent
        return parent

    def one_line(self, node: Node) -> bool:
        return self.data.find(b"\n", node.start, node.end) == -1

    def _detect_seq_indent(self) -> bool:
        root = self.doc.root
        if root is None:
            return True
        for node in root.walk():
            if node.kind == ARRAY and node.items and isinstance(node.parent, Property) and not self.is_flow(node):
                return self.column(node.start) > self.column(node.parent.start)
        return True

    # --- rendering ----------------------------------------------------------------------------------------------

    def key_text(self, key: str, like: Node | None = None) -> str:
        if not self.yaml:
            return json.dumps(key, ensure_ascii=False)
        return yaml_string(key, self._quote_style(like))

    def _quote_style(self, like: Node | None) -> str:
        raw = like.raw if like is not None else ""
        return raw[:1] if raw[:1] in ("'", '"') else ""

    def scalar_text(self, value: Any, like: Node | None = None) -> str:
        if not self.yaml:
            return json.dumps(value, ensure_ascii=False)
        return yaml_scalar(value, self._quote_style(like) if isinstance(value, str) else "")

    def json_unit_for(self, container: Node | None) -> str | None:
        """Multi-line rendering unless the document, or the container the value goes into, is on one line."""
        if not self.multiline or (container is not None and self.one_line(container)):
            return None
        return self.unit

    def value_text(self, value: Any, base: str, container: Node | None, like: Node | None = None) -> str:
        """A value written where a scalar could go: after a key, or as a list item (JSON, or YAML flow)."""
        if not isinstance(value, (dict, list)):
            return self.scalar_text(value, like)
        if not self.yaml:
            return json_value(value, self.json_unit_for(container), base)
        return yaml_flow(value)

    def yaml_after_key(self, value: Any, key_indent: str) -> str:
        """What follows 'key:' in a YAML block mapping: ' scalar' or a nested block on the next lines."""
        if not _is_container(value):
            return " " + yaml_flow(value)
        inner = key_indent + (self.unit if isinstance(value, dict) or self.seq_indent else "")
        return "\n" + "\n".join(yaml_block(value, inner, self.unit, self.seq_indent))

    def yaml_property_lines(self, key: str, value: Any, indent: str) -> str:
        return f"{indent}{yaml_string(key)}:{self.yaml_after_key(value, indent)}\n"

    # --- basic operations ---------------------------------------------------------------------------------------

    def rename_key(self, prop: Property, new_key: str) -> Edit:
        return Edit(prop.key_node.start, prop.key_node.end, self.key_text(new_key, prop.key_node))

    def replace_value(self, node: Node, value: Any) -> list[Edit]:
        """Replace a value node with a new value, rendered for where the node sits."""
        parent = node.parent
        if not self.yaml or not _is_container(value) or self.in_flow(node):
            container = self._container_of(node)
            base = self.indentation(node.start)
            return [Edit(node.start, node.end, self.value_text(value, base, container, node))]
        if isinstance(parent, Property):
            if parent.colon < 0:
                raise EditError("property without a colon")
            key_indent = " " * self.column(parent.start)
            return [Edit(parent.colon + 1, node.end, self.yaml_after_key(value, key_indent))]
        if parent is None:
            return [Edit(node.start, node.end, dump_yaml(value, self.unit, self.seq_indent).rstrip("\n"))]
        # A block sequence item: the first line goes after the "- ", the others line up under it.
        indent = " " * self.column(node.start)
        lines = yaml_block(value, indent, self.unit, self.seq_indent)
        lines[0] = lines[0][len(indent) :]
        return [Edit(node.start, node.end, "\n".join(lines))]

    def set_missing_value(self, prop: Property, value: Any) -> list[Edit]:
        """A YAML `key:` with nothing after it gets a value."""
        if prop.value is not None:
            return self.replace_value(prop.value, value)
        if prop.colon < 0:
            raise EditError("property without a colon")
        key_indent = " " * self.column(prop.start)
        text = self.yaml_after_key(value, key_indent) if self.yaml else " " + json_value(value, self.json_unit_for(prop.parent), key_indent)
        return [Edit(prop.colon + 1, prop.end if prop.end > prop.colon else prop.colon + 1, text)]

    def delete_range(self, start: int, end: int) -> Edit:
        """Delete [start, end), and the whitespace or line it leaves behind."""
        blank_before = self.blank_before(start)
        trivia_after = not self.data[end : self.line_end(end)].strip()
        if blank_before and trivia_after:
            # The whole line(s): take the line break with them.
            line_end = self.line_end(end)
            if line_end < len(self.data):
                return Edit(self.line_start(start), line_end + 1, "")
            first = self.line_start(start)
            return Edit(max(first - 1, 0), line_end, "")
        if trivia_after:
            # Something at the end of a line (a comment after a value): take the spaces before it too.
            lead = start
            while lead > 0 and self.data[lead - 1 : lead] in (b" ", b"\t"):
                lead -= 1
            return Edit(lead, self.line_end(end), "")
        if blank_before:
            tail = end
            while self.data[tail : tail + 1] in (b" ", b"\t"):
                tail += 1
            return Edit(start, tail, "")
        if self.data[start - 1 : start] in (b" ", b"\t") and self.data[end : end + 1] in (b" ", b"\t"):
            end += 1
        return Edit(start, end, "")

    # --- properties and items --------------------------------------------------------------------------------

    def delete_elements(self, container: Node, indices: list[int]) -> list[Edit]:
        """Delete properties (of an object) or items (of an array) by index, a run at a time."""
        elements = container.properties if container.kind == OBJECT else container.items
        if not indices:
            return []
        if len(indices) == len(elements):
            return self.replace_value(container, {} if container.kind == OBJECT else [])
        runs: list[tuple[int, int]] = []
        for index in sorted(set(indices)):
            if runs and runs[-1][1] == index - 1:
                runs[-1] = (runs[-1][0], index)
            else:
                runs.append((index, index))
        return [self._delete_run(container, elements, first, last) for first, last in runs]

    def _delete_run(self, container: Node, elements: list, first: int, last: int) -> Edit:
        start_el, end_el = elements[first], elements[last]
        if self.is_flow(container):
            if last < len(elements) - 1:
                comma = self.comma_after(end_el.end) + 1
                if self.rest_of_line_is_trivia(comma) and self.blank_before(start_el.start):
                    return Edit(self.line_start(start_el.start), self.after_line(comma), "")
                end = comma
                while self.data[end : end + 1] in (b" ", b"\t"):
                    end += 1
                return Edit(start_el.start, end, "")
            # The last ones: take the comma that precedes them.
            return Edit(self.comma_after(elements[first - 1].end), end_el.end, "")
        start = self._block_start(container, start_el)
        if start == start_el.start and last < len(elements) - 1:
            # The first key of a "- key: value" item: the next key moves up behind the dash.
            return Edit(start, elements[last + 1].start, "")
        return Edit(start, self.after_line(end_el.end), "")

    def _block_start(self, container: Node, element) -> int:
        """Where a YAML block element begins: its line, or (first key of a "- " item, or an item) itself."""
        start = element.start
        if container.kind == ARRAY:
            dash = self.data.rfind(b"-", 0, start)
            return self.line_start(dash) if self.blank_before(dash) else dash
        return self.line_start(start) if self.blank_before(start) else start

    def insert_properties(self, obj: Node, after: int, items: dict[str, Any]) -> Edit:
        """Insert properties into an object after property index `after` (-1: before the first)."""
        props = obj.properties
        if not props:
            return self.replace_value(obj, items)[0]
        if self.is_flow(obj):
            anchor = props[after] if after >= 0 else props[0]
            multiline = not self.one_line(obj)
            indent = self.indentation(anchor.start) if multiline else ""
            sep = ("\n" + indent) if multiline else " "
            rendered = [f"{self.key_text(k)}: {self.value_text(v, indent, obj)}" for k, v in items.items()]
            if after >= 0:
                return Edit(anchor.end, anchor.end, "".join("," + sep + r for r in rendered))
            return Edit(anchor.start, anchor.start, "".join(r + "," + sep for r in rendered))
        indent = " " * self.column(props[0].start)
        text = "".join(self.yaml_property_lines(k, v, indent) for k, v in items.items())
        if after >= 0:
            pos = self.after_line(props[after].end)
            if pos == len(self.data) and not self.data.endswith(b"\n"):
                return Edit(pos, pos, "\n" + text.rstrip("\n"))
            return Edit(pos, pos, text)
        first = props[0]
        if self.blank_before(first.start):
            pos = self.line_start(first.start)
            return Edit(pos, pos, text)
        # Before the first key of a "- " item: the new first line goes behind the dash.
        return Edit(first.start, first.start, text[len(indent) :] + indent)

    def append_items(self, array: Node, values: list[Any]) -> Edit:
        items = array.items
        if not items:
            return self.replace_value(array, values)[0]
        last = items[-1]
        if self.is_flow(array):
            multiline = not self.one_line(array)
            indent = self.indentation(last.start) if multiline else ""
            sep = ("\n" + indent) if multiline else " "
            return Edit(last.end, last.end, "".join("," + sep + self.value_text(v, indent, array) for v in values))
        dash = self.data.rfind(b"-", 0, items[0].start)
        indent = " " * self.column(dash)
        lines = []
        for value in values:
            if _is_container(value) and isinstance(value, dict):
                block = yaml_block(value, indent + "  ", self.unit, self.seq_indent)
                lines.append(indent + "- " + block[0][len(indent) + 2 :])
                lines.extend(block[1:])
            else:
                lines.append(f"{indent}- {yaml_flow(value)}")
        text = "\n".join(lines) + "\n"
        pos = self.after_line(last.end)
        if pos == len(self.data) and not self.data.endswith(b"\n"):
            return Edit(pos, pos, "\n" + text.rstrip("\n"))
        return Edit(pos, pos, text)

    def set_property(self, obj: Node, key: str, value: Any) -> list[Edit]:
        """Give obj[key] this value: replace it where present, else add it after the last property."""
        prop = obj.prop(key)
        if prop is not None:
            if prop.value is None:
                return self.set_missing_value(prop, value)
            if same(prop.value.to_python(), value):
                return []
            return self.replace_value(prop.value, value)
        return [self.insert_properties(obj, len(obj.properties) - 1, {key: value})]

    # --- structural diff ------------------------------------------------------------------------------------

    def diff(self, node: Node, new: Any) -> list[Edit]:
        """Edits that turn `node` into `new`, touching only what differs (unchanged parts keep their text)."""
        if same(node.to_python(), new):
            return []
        if node.kind == OBJECT and isinstance(new, dict) and new:
            edits = self._diff_object(node, new)
            if edits is not None:
                return edits
        if node.kind == ARRAY and isinstance(new, list) and node.items:
            edits = self._diff_array(node, new)
            if edits is not None:
                return edits
        return self.replace_value(node, new)

    def _diff_object(self, node: Node, new: dict) -> list[Edit] | None:
        keys = node.keys()
        if len(set(keys)) != len(keys):
            return None
        common_old = [k for k in keys if k in new]
        common_new = [k for k in new if k in set(keys)]
        if not common_old or common_old != common_new:
            return None
        edits: list[Edit] = []
        # Inner edits first: where an inner and an outer insertion meet, the inner text goes first.
        for key in common_old:
            prop = node.properties[keys.index(key)]
            if prop.value is None:
                if new[key] is not None:
                    edits.extend(self.set_missing_value(prop, new[key]))
            else:
                edits.extend(self.diff(prop.value, new[key]))
        removed = [i for i, k in enumerate(keys) if k not in new]
        edits.extend(self.delete_elements(node, removed))
        # New keys go after the nearest common key before them (before the first common key if none).
        pending: dict[str, Any] = {}
        anchor: int | None = None
        groups: list[tuple[int | None, dict[str, Any]]] = []
        for key, value in new.items():
            if key in common_old:
                if pending:
                    groups.append((anchor, pending))
                    pending = {}
                anchor = keys.index(key)
            else:
                pending[key] = value
        if pending:
            groups.append((anchor, pending))
        for after, items in groups:
            if after is None and keys.index(common_old[0]) != 0:
                return None  # before a common key whose predecessors are all deleted: rewrite the object instead
            edits.append(self.insert_properties(node, -1 if after is None else after, items))
        return edits

    def _diff_array(self, node: Node, new: list) -> list[Edit] | None:
        old_items = node.items
        if len(new) < len(old_items):
            return None
        edits: list[Edit] = []
        for item, value in zip(old_items, new):
            edits.extend(self.diff(item, value))
        if len(new) > len(old_items):
            edits.append(self.append_items(node, new[len(old_items) :]))
        return edits


def same(a: Any, b: Any) -> bool:
    """Equal as JSON values, key order included (True is not 1, 1.0 is 1)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, (dict, list)) or isinstance(b, (dict, list)):
        return False
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


def normalise(edits: list[Edit]) -> list[Edit]:
    """Sorted, with edits that touch merged into one (LSP clients apply touching edits in no fixed order)."""
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    merged: list[Edit] = []
    for edit in ordered:
        if merged and edit.start < merged[-1].end:
            raise EditError("overlapping edits")
        if merged and edit.start == merged[-1].end:
            last = merged.pop()
            edit = Edit(last.start, edit.end, last.text + edit.text)
        merged.append(edit)
    return merged


def apply_edits(data: bytes, edits: list[Edit]) -> str:
    out = []
    position = 0
    for edit in normalise(edits):
        out.append(data[position : edit.start])
        out.append(edit.text.encode("utf-8"))
        position = edit.end
    out.append(data[position:])
    return b"".join(out).decode("utf-8", errors="surrogatepass")


def to_text_edits(doc, edits: list[Edit]) -> list["TextEdit"]:
    from lsprotocol.types import TextEdit  # only features that answer the editor get here

    index = doc.index
    return [TextEdit(range=index.range_of(e.start, e.end), new_text=e.text) for e in normalise(edits)]
