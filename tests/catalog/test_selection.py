"""Which Olive a config is checked as: each source, in order, with real installed metadata.

Order (catalog/selection.py): --olive-version, the olive.oliveVersion setting, the olive-ai installed in the
configured Python (a git install told apart by its direct_url.json), a pin in the nearest requirements file or
the AI Toolkit runtime file beside the config, else the newest shipped release.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from olive_ls.catalog import load_catalog, shipped_versions
from olive_ls.catalog.selection import UnknownVersion, choose_version, installed_olive
from olive_ls.service import OliveLanguageService, path_to_uri
from olive_ls.settings import ServerSettings

MAIN_COMMIT = load_catalog("main").data["olive_commit"]
NEWEST = [v for v in shipped_versions() if v != "main"][-1]


@pytest.fixture(scope="module")
def venv_0_12_1(tmp_path_factory) -> Path:
    """A real venv with olive-ai 0.12.1 installed by pip (no dependencies: only its metadata matters)."""
    root = tmp_path_factory.mktemp("venv") / "olive-0.12.1"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True, timeout=120)
    python = root / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    # pip from this interpreter, installing into the venv's site-packages.
    site = next(root.glob("lib/python*/site-packages"), None) or root / "Lib" / "site-packages"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-compile", "--target", str(site), "olive-ai==0.12.1"],
        capture_output=True, text=True, timeout=300,
    )
    if result.returncode != 0:
        pytest.skip(f"pip could not install olive-ai==0.12.1 here: {result.stderr.strip().splitlines()[-1:]}")
    return python


def fake_venv(root: Path, dist: tuple[str, dict | None] | None = None) -> Path:
    """A venv layout (pyvenv.cfg, lib/pythonX.Y/site-packages) with, optionally, an olive-ai dist-info written as
    pip writes it: METADATA, and direct_url.json (PEP 610) for an install from a URL."""
    site = root / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    site.mkdir(parents=True)
    (root / "pyvenv.cfg").write_text(f"home = {Path(sys.executable).parent}\n")
    (root / "bin").mkdir()
    python = root / "bin" / "python"
    python.write_text("")  # never run: the venv layout is read, not executed
    if dist is not None:
        version, direct_url = dist
        info = site / f"olive_ai-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: olive-ai\nVersion: {version}\n")
        if direct_url is not None:
            (info / "direct_url.json").write_text(json.dumps(direct_url))
    return python


@pytest.fixture
def project(tmp_path) -> Path:
    """workspace/recipe/config.json, with nothing pinned yet."""
    config = tmp_path / "workspace" / "recipe" / "config.json"
    config.parent.mkdir(parents=True)
    config.write_text('{"input_model": {"type": "HfModel", "model_path": "m"}, "passes": {}}')
    return config


def no_olive(tmp_path) -> Path:
    return fake_venv(tmp_path / "empty-venv")


# --- 1. the flag, then the setting ------------------------------------------------------------------------------


def test_flag_comes_first_then_the_setting(project, venv_0_12_1):
    (project.parent / "requirements.txt").write_text("olive-ai==0.9.3\n")
    settings = ServerSettings(olive_version="0.10.1", python=str(venv_0_12_1))
    flag = choose_version(project, settings, explicit="0.9.2")
    assert (flag.version, flag.reason) == ("0.9.2", "--olive-version")
    setting = choose_version(project, settings)
    assert (setting.version, setting.reason) == ("0.10.1", "setting olive.oliveVersion")
    assert choose_version(project, settings, explicit="MAIN").version == "main"


def test_a_version_with_no_catalog_is_one_line_naming_those_shipped(project):
    with pytest.raises(UnknownVersion) as caught:
        choose_version(project, ServerSettings(), explicit="0.8.0")
    message = str(caught.value)
    assert message == f"no catalog for Olive 0.8.0; this olive-ls has catalogs for {', '.join(shipped_versions())}"
    assert "\n" not in message and "catalog.json" not in message


# --- 2. the installed olive-ai -----------------------------------------------------------------------------------


def test_installed_olive_in_a_real_venv(project, venv_0_12_1):
    (project.parent / "requirements.txt").write_text("olive-ai==0.9.3\n")  # the installed one wins over a pin
    installed = installed_olive(str(venv_0_12_1))
    assert installed is not None and installed.version == "0.12.1" and installed.commit is None
    choice = choose_version(project, ServerSettings(python=str(venv_0_12_1)))
    assert (choice.version, choice.reason, choice.shipped) == ("0.12.1", "installed", True)
    assert choice.label == "0.12.1 (installed)"


def test_the_servers_own_python_when_none_is_configured(project):
    import importlib.metadata

    choice = choose_version(project, ServerSettings())
    assert (choice.version, choice.reason) == (importlib.metadata.version("olive-ai"), "installed")


def test_a_git_install_of_the_shipped_main_commit_is_main(project, tmp_path):
    # Olive main's version.py says 0.11.0.dev0: only direct_url.json's commit tells it from a 0.11 dev build.
    direct = {"url": "https://github.com/microsoft/Olive.git", "vcs_info": {"vcs": "git", "commit_id": MAIN_COMMIT, "requested_revision": "main"}}
    python = fake_venv(tmp_path / "git-main", ("0.11.0.dev0", direct))
    choice = choose_version(project, ServerSettings(python=str(python)))
    assert (choice.version, choice.reason, choice.shipped, choice.commit) == ("main", "installed from git", True, MAIN_COMMIT)
    assert choice.label == f"main at {MAIN_COMMIT[:7]} (installed from git)"


def test_a_git_install_at_another_commit_needs_its_own_catalog(project, tmp_path):
    other = "0123456789abcdef0123456789abcdef01234567"
    direct = {"url": "https://github.com/microsoft/Olive.git", "vcs_info": {"vcs": "git", "commit_id": other}}
    python = fake_venv(tmp_path / "git-other", ("0.11.0.dev0", direct))
    choice = choose_version(project, ServerSettings(python=str(python)))
    assert (choice.version, choice.shipped, choice.commit, choice.python) == ("main", False, other, str(python))


def test_a_dev_build_without_a_commit_is_not_main(project, tmp_path):
    python = fake_venv(tmp_path / "dev", ("0.11.0.dev0", {"url": "file:///src/olive", "dir_info": {"editable": True}}))
    choice = choose_version(project, ServerSettings(python=str(python)))
    assert (choice.version, choice.reason, choice.shipped, choice.commit) == ("0.11.0.dev0", "installed", False, None)


def test_a_git_install_of_a_release_tag_is_that_release(project, tmp_path):
    direct = {"url": "https://github.com/microsoft/Olive.git", "vcs_info": {"vcs": "git", "commit_id": "f" * 40, "requested_revision": "v0.12.1"}}
    python = fake_venv(tmp_path / "tag", ("0.12.1", direct))
    assert choose_version(project, ServerSettings(python=str(python))).version == "0.12.1"


# --- 3. a pin beside the config --------------------------------------------------------------------------------


def test_pin_in_the_nearest_requirements_file_up_to_the_workspace_root(project, tmp_path):
    python = no_olive(tmp_path)
    workspace = project.parent.parent
    (workspace / "requirements.txt").write_text("# the recipe's runtime\nonnxruntime==1.22.0\nolive-ai[cpu]==0.11.0  # pinned\n")
    choice = choose_version(project, ServerSettings(python=str(python)), workspace_root=workspace)
    assert (choice.version, choice.reason) == ("0.11.0", f"pinned in {os.path.join('..', 'requirements.txt')}")
    # A nearer file wins.
    (project.parent / "requirements.txt").write_text("olive-ai==0.10.1\n")
    choice = choose_version(project, ServerSettings(python=str(python)), workspace_root=workspace)
    assert (choice.version, choice.reason) == ("0.10.1", "pinned in requirements.txt")


def test_a_pin_above_the_workspace_root_is_not_used(project, tmp_path):
    python = no_olive(tmp_path)
    (project.parent.parent.parent / "requirements.txt").write_text("olive-ai==0.9.2\n")
    choice = choose_version(project, ServerSettings(python=str(python)), workspace_root=project.parent.parent)
    assert (choice.version, choice.reason) == (NEWEST, "newest shipped")


def test_olive_from_git_in_requirements_is_main(project, tmp_path):
    python = no_olive(tmp_path)
    (project.parent / "requirements-qnn.txt").write_text("git+https://github.com/microsoft/Olive.git@main#egg=olive_ai\n")
    choice = choose_version(project, ServerSettings(python=str(python)), workspace_root=project.parent)
    assert (choice.version, choice.reason) == ("main", "pinned in requirements-qnn.txt")


def test_a_pinned_release_with_no_catalog_uses_the_nearest_older_and_says_so(project, tmp_path):
    python = no_olive(tmp_path)
    (project.parent / "requirements.txt").write_text("olive-ai==0.12.5\n")
    choice = choose_version(project, ServerSettings(python=str(python)), workspace_root=project.parent)
    assert choice.version == "0.12.1" and "0.12.5" in choice.note


def test_ai_toolkit_runtime_file_beside_the_config(project, tmp_path):
    python = no_olive(tmp_path)
    (project.parent / "requirements.txt").write_text("olive-ai==0.10.1\n")
    runtime = project.with_name(project.name + ".config")  # config.json.config
    runtime.write_text(json.dumps({"name": "Convert", "oliveFile": "config.json", "runtime": {"requirements": ["onnxruntime-qnn==1.21.1", "olive-ai==0.9.1"]}}))
    choice = choose_version(project, ServerSettings(python=str(python)), workspace_root=project.parent)
    assert (choice.version, choice.reason) == ("0.9.1", "AI Toolkit runtime file")


# --- 4. else the newest release --------------------------------------------------------------------------------


def test_newest_shipped_release_when_nothing_applies(project, tmp_path):
    python = no_olive(tmp_path)
    choice = choose_version(project, ServerSettings(python=str(python)), workspace_root=project.parent)
    assert (choice.version, choice.reason) == (NEWEST, "newest shipped")
    assert NEWEST != "main"


# --- the service and the command line use it ---------------------------------------------------------------------


def test_service_checks_each_document_as_its_own_olive(project, tmp_path, venv_0_12_1):
    other = tmp_path / "workspace" / "pinned" / "config.json"
    other.parent.mkdir(parents=True)
    other.write_text(project.read_text().replace('"passes": {}', '"passes": {"k": {"type": "OnnxKQuantQuantization"}}'))
    (other.parent / "requirements.txt").write_text("olive-ai==0.12.1\n")
    service = OliveLanguageService(settings=ServerSettings(python=str(tmp_path / "none" / "python"), environment_checks=False), workspace_root=tmp_path / "workspace")
    uri = path_to_uri(other)
    assert service.version_for(uri).label == "0.12.1 (pinned in requirements.txt)"
    assert service.catalog_for(uri).version == "0.12.1"
    assert service.version_for(path_to_uri(project)).reason == "newest shipped"
    messages = [f.message for f in service.diagnostics(uri, service.parse(uri, other.read_text()))]
    assert "OnnxKQuantQuantization exists from Olive 0.13.0; this config is checked as 0.12.1 (pinned in requirements.txt)." in messages
    # Hover says which Olive it describes.
    from lsprotocol import types

    doc = service.parse(uri, other.read_text())
    hover = service.hover(uri, doc, types.Position(line=0, character=other.read_text().index("input_model") + 2))
    assert hover is not None and "Olive 0.12.1 (pinned in requirements.txt)" in hover.contents.value


def test_check_says_the_version_once_and_in_json(project, tmp_path, venv_0_12_1):
    (project.parent.parent / ".vscode").mkdir()
    (project.parent.parent / ".vscode" / "settings.json").write_text(json.dumps({"olive.python": str(venv_0_12_1)}))
    run = lambda *args: subprocess.run([sys.executable, "-m", "olive_ls", "check", "--no-env", *args], capture_output=True, text=True, cwd=project.parent.parent, timeout=120)  # noqa: E731
    text = run(str(project))
    assert text.stderr.count("checked as Olive 0.12.1 (installed)") == 1, text.stderr
    data = json.loads(run("--format", "json", str(project)).stdout)
    assert data["olive_version"] == {"version": "0.12.1", "reason": "installed"}
    bad = run("--olive-version", "0.8.0", str(project))
    assert bad.returncode == 2 and bad.stderr.strip() == f"olive-ls: no catalog for Olive 0.8.0; this olive-ls has catalogs for {', '.join(shipped_versions())}"


def test_ai_toolkit_recipe_runtime_from_info_yml(tmp_path):
    # The layout of microsoft/olive-recipes: the model folder's info.yml names each recipe's runtime requirements
    # file under the repository's .aitk/requirements/, which pins olive-ai (requirements-QNN.txt: olive-ai==0.10.1).
    repo = tmp_path / "olive-recipes"
    (repo / ".aitk" / "requirements").mkdir(parents=True)
    (repo / ".aitk" / "requirements" / "requirements-QNN.txt").write_text("numpy==2.2.4\n# olive-ai==0.10.1\nolive-ai==0.10.1\nonnx==1.17.0\n")
    folder = repo / "microsoft-Phi-3.5-mini-instruct" / "aitk"
    folder.mkdir(parents=True)
    config = folder / "phi3_5_qnn_config.json"
    config.write_text('{"input_model": {"type": "HfModel", "model_path": "m"}, "passes": {}}')
    (folder / "info.yml").write_text(
        "recipes:\n"
        '    - file: "phi3_5_qnn_config.json"\n'
        "      device: npu\n"
        "      ep: QNNExecutionProvider\n"
        "      aitk:\n"
        '        requirements: "requirements-QNN.txt"\n'
        '    - file: "phi3_5_dml_config.json"\n'
        "      device: gpu\n"
    )
    python = no_olive(tmp_path)
    choice = choose_version(config, ServerSettings(python=str(python)), workspace_root=repo)
    assert (choice.version, choice.reason) == ("0.10.1", "AI Toolkit runtime file (info.yml: requirements-QNN.txt)")
    # A recipe whose runtime info.yml does not name is not guessed: the next source applies.
    other = folder / "phi3_5_dml_config.json"
    other.write_text(config.read_text())
    assert choose_version(other, ServerSettings(python=str(python)), workspace_root=repo).reason == "newest shipped"
