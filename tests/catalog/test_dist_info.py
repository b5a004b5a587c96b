"""catalog/dist_info.py answers what importlib.metadata answers, for every distribution of this environment."""

from __future__ import annotations

import importlib.metadata
import sys

from olive_ls.catalog.dist_info import find_distribution, normalized


def test_every_installed_distribution_agrees_with_importlib_metadata():
    names = {normalized(dist.metadata["Name"]) for dist in importlib.metadata.distributions() if dist.metadata["Name"]}
    assert "olive-ai" in names and len(names) > 50
    for name in sorted(names):
        found = find_distribution(name, sys.path)
        assert found is not None, name
        assert found.version == importlib.metadata.version(name), name


def test_spellings_of_a_name_and_a_missing_one(tmp_path):
    folder = tmp_path / "Olive_AI-0.12.1.dist-info"
    folder.mkdir()
    (folder / "METADATA").write_text("Metadata-Version: 2.1\nName: olive-ai\nVersion: 0.12.1\n\nVersion: not the header\n")
    (folder / "direct_url.json").write_text('{"url": "file:///src"}')
    for spelling in ("olive-ai", "olive_ai", "Olive.AI"):
        found = find_distribution(spelling, [str(tmp_path / "missing"), str(tmp_path)])
        assert found is not None and found.version == "0.12.1"
    assert found.read_text("direct_url.json") == '{"url": "file:///src"}'
    assert found.read_text("RECORD") is None
    assert find_distribution("olive-ai-extras", [str(tmp_path)]) is None


def test_the_first_path_wins(tmp_path):
    for where, version in (("a", "0.13.0"), ("b", "0.9.0")):
        folder = tmp_path / where / f"olive_ai-{version}.dist-info"
        folder.mkdir(parents=True)
        (folder / "METADATA").write_text(f"Name: olive-ai\nVersion: {version}\n")
    assert find_distribution("olive-ai", [str(tmp_path / "b"), str(tmp_path / "a")]).version == "0.9.0"


def test_every_distribution_listed_as_importlib_metadata_lists_them():
    from olive_ls.catalog.dist_info import installed_distributions

    expected: dict[str, str] = {}
    for dist in importlib.metadata.distributions():
        if dist.metadata["Name"]:
            expected.setdefault(normalized(dist.metadata["Name"]), dist.version)
    assert installed_distributions(sys.path) == expected


def test_egg_info_folders_and_files(tmp_path):
    from olive_ls.catalog.dist_info import installed_distributions

    (tmp_path / "legacy_pkg-1.2-py3.11.egg-info").mkdir()
    (tmp_path / "legacy_pkg-1.2-py3.11.egg-info" / "PKG-INFO").write_text("Metadata-Version: 1.1\nName: legacy-pkg\nVersion: 1.2\n")
    (tmp_path / "flat.egg-info").write_text("Metadata-Version: 1.1\nName: flat\nVersion: 0.3\n")
    assert installed_distributions([str(tmp_path)]) == {"legacy-pkg": "1.2", "flat": "0.3"}
    assert find_distribution("legacy_pkg", [str(tmp_path)]).version == "1.2"
