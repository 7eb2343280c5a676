"""environment.yml (conda) and pyproject.toml (pip) must list the same packages and bounds."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
# conda-forge names that differ from PyPI names (none yet; add pairs here when one does)
CONDA_TO_PYPI: dict[str, str] = {}


def _split(requirement: str) -> tuple[str, str]:
    """'pandas>=2.0' -> ('pandas', '>=2.0'), names normalised as in PEP 503."""
    match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*(.*?)\s*", requirement)
    assert match, f"cannot parse requirement {requirement!r}"
    name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
    return name, match.group(2).replace(" ", "")


def pyproject_requirements(path: Path = ROOT / "pyproject.toml") -> dict[str, str]:
    project = tomllib.loads(path.read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        requirements += [r for r in extra if not r.startswith(f"{project['name']}[")]  # modlab[grade]: not a package
    return dict(_split(r) for r in requirements)


def test_grading_tools_are_the_grade_extra_and_dev_includes_it():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert sorted(_split(r)[0] for r in extras["grade"]) == ["jinja2", "nbclient", "nbgrader"]
    assert "modlab[grade]" in extras["dev"]
    assert not {"jinja2", "nbclient", "nbgrader"} & {_split(r)[0] for r in extras["dev"] if not r.startswith("modlab[")}


def conda_requirements(path: Path = ROOT / "environment.yml") -> tuple[dict[str, str], list[str]]:
    env = yaml.safe_load(path.read_text())
    conda, pip = {}, []
    for item in env["dependencies"]:
        if isinstance(item, dict):
            pip += item["pip"]
            # packages not on conda-forge are installed by pip inside the conda environment
            for line in item["pip"]:
                if not line.startswith("-"):
                    name, bound = _split(line)
                    conda[name] = bound
            continue
        name, bound = _split(item)
        if name in ("python", "pip"):
            continue
        conda[CONDA_TO_PYPI.get(name, name)] = bound
    return conda, pip


def test_same_packages_and_bounds():
    conda, _ = conda_requirements()
    pip = pyproject_requirements()
    assert set(conda) == set(pip), (
        f"only in environment.yml: {sorted(set(conda) - set(pip))}; only in pyproject.toml: {sorted(set(pip) - set(conda))}"
    )
    assert conda == pip, "version bounds differ between environment.yml and pyproject.toml"


def test_environment_installs_modlab_itself_and_python_matches():
    conda, pip_lines = conda_requirements()
    assert "-e ." in pip_lines
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    python = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python")]
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert python == [f"python{requires}"]


def test_a_drift_is_detected(tmp_path):
    assert _split("Jupyter_Lab >= 4.0") == ("jupyter-lab", ">=4.0")
    text = (ROOT / "environment.yml").read_text()
    dropped = tmp_path / "dropped.yml"
    dropped.write_text(text.replace("  - scipy>=1.10\n", ""))
    assert "scipy" not in conda_requirements(dropped)[0]
    bumped = tmp_path / "bumped.yml"
    bumped.write_text(text.replace("pandas>=2.0", "pandas>=2.2"))
    assert conda_requirements(bumped)[0] != pyproject_requirements()
