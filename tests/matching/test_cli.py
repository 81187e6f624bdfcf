"""`residanat match`: exit codes, output file, and no Django on this path."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from residanat.cli import main as residanat_main
from residanat.matching.cli import main

ROOT = Path(__file__).resolve().parents[2]
INSTANCE = {
    "programs": [{"id": "CAS-CARDIO", "capacity": 1}, {"id": "CAS-PED", "capacity": 1}],
    "candidates": [
        {"id": "c1", "rank": 1, "preferences": ["CAS-PED", "CAS-CARDIO"]},
        {"id": "c2", "rank": 2, "preferences": ["CAS-PED"]},
    ],
}


def write(tmp_path, data, name="instance.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def test_result_on_stdout(tmp_path, capsys):
    assert main([str(write(tmp_path, INSTANCE))]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["assignments"] == {"c1": "CAS-PED", "c2": None}
    assert result["unassigned"] == ["c2"]
    assert "explanations" not in result


def test_output_file_and_explain(tmp_path, capsys):
    out = tmp_path / "result.json"
    assert main([str(write(tmp_path, INSTANCE)), "-o", str(out), "--explain"]) == 0
    assert capsys.readouterr().out == ""
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["explanations"]["c2"] == [{"program": "CAS-PED", "reason": "full", "cutoff": 1}]
    assert result["stable"] is True


def test_registered_in_the_residanat_command(tmp_path, capsys):
    assert residanat_main(["match", str(write(tmp_path, INSTANCE))]) == 0
    assert json.loads(capsys.readouterr().out)["algorithm"] == "serial-dictatorship"


@pytest.mark.parametrize(
    "content, message",
    [
        ({**INSTANCE, "candidates": [{"id": "c1", "rank": 1, "preferences": ["CARDIO-CAS"]}]},
         'candidates[0].preferences[0]: unknown program "CARDIO-CAS"'),
        ('{"programs": [', "is not valid JSON"),
        ("\xff\xfe", "not valid JSON"),
        ({**INSTANCE, "version": 2}, "version: unknown key"),
    ],
)
def test_invalid_input_exits_2_and_writes_nothing(tmp_path, capsys, content, message):
    out = tmp_path / "result.json"
    assert main([str(write(tmp_path, content)), "-o", str(out)]) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.out == ""
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["instance.json"]


def test_invalid_input_leaves_an_existing_result_alone(tmp_path, capsys):
    out = tmp_path / "result.json"
    out.write_text("previous", encoding="utf-8")
    assert main([str(write(tmp_path, "[]")), "-o", str(out)]) == 2
    assert out.read_text(encoding="utf-8") == "previous"


def test_missing_file_exits_2(tmp_path, capsys):
    assert main([str(tmp_path / "nope.json")]) == 2
    assert "cannot read" in capsys.readouterr().err


def _env():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(ROOT / "src")
    return env


def test_runs_without_importing_django(tmp_path):
    instance = write(tmp_path, INSTANCE)
    out = tmp_path / "result.json"
    code = (
        "import sys\n"
        "from residanat.cli import main\n"
        f"rc = main(['match', {str(instance)!r}, '-o', {str(out)!r}])\n"
        "assert rc == 0, rc\n"
        "assert 'django' not in sys.modules, 'django imported'\n"
        "print('ok')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(), timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"
    assert json.loads(out.read_text(encoding="utf-8"))["filled"] == {"CAS-CARDIO": 0, "CAS-PED": 1}


def test_console_script_exit_codes(tmp_path):
    script = Path(sys.executable).with_name("residanat")
    assert script.exists(), "the console script is installed by `make install` (pip install -e)"
    out = tmp_path / "result.json"
    ok = subprocess.run([str(script), "match", str(write(tmp_path, INSTANCE)), "-o", str(out)],
                        capture_output=True, text=True, env=_env(), timeout=60)
    assert ok.returncode == 0, ok.stderr
    assert out.exists()
    out.unlink()
    bad = {**INSTANCE, "programs": [{"id": "CAS-PED", "capacity": -1}]}
    ko = subprocess.run([str(script), "match", str(write(tmp_path, bad, "bad.json")), "-o", str(out)],
                        capture_output=True, text=True, env=_env(), timeout=60)
    assert ko.returncode == 2
    assert "programs[0].capacity: must be >= 0" in ko.stderr
    assert not out.exists()
