"""Plan.report() and Plan.chrome_trace(): the same report and trace as `dlasim report`."""
import json
import subprocess

import pytest

import dlasim
from conftest import DLASIM_BIN


def seed_plan(model_gn):
    return model_gn.build(precision="int8", dla_core=0, allow_gpu_fallback=True)


def test_report_has_a_node_per_layer_and_sections(model_gn, tmp_path):
    plan = seed_plan(model_gn)
    out = tmp_path / "gn.html"
    plan.report(out, title="ModelGN")
    html = out.read_text()
    assert html.count('<g id="layer_') == len(plan.layers)
    assert "<title>dlasim report: ModelGN</title>" in html
    assert 'id="timeline-chart"' in html and 'id="advice"' in html
    assert 'id="compare-section"' not in html


def test_report_sections_from_python_results(model_gn, tmp_path):
    plan = seed_plan(model_gn)
    per_layer = dlasim.compare_per_layer(plan, plan.random_inputs())
    out = tmp_path / "gn.html"
    plan.report(out, per_layer=per_layer)
    assert 'id="error-curve"' in out.read_text()
    with pytest.raises(dlasim.InputError, match="not both"):
        plan.report(out, per_layer=per_layer, compare_json=tmp_path / "x.json")


def test_report_of_another_models_comparison_fails_and_writes_nothing(model_gn, model_gn_path,
                                                                      tmp_path):
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"perLayer": {"layers": [{"name": "Conv_0", "compared": False}]}}))
    out = tmp_path / "r.html"
    with pytest.raises(dlasim.InputError, match="another model"):
        seed_plan(model_gn).report(out, compare_json=other)
    assert not out.exists()


def test_chrome_trace_matches_the_cli(model_gn, model_gn_path, tmp_path):
    plan = seed_plan(model_gn)
    trace = json.loads(plan.chrome_trace())
    cli = tmp_path / "t.json"
    subprocess.run([str(DLASIM_BIN), f"--onnx={model_gn_path}", "--shapes=input:32x3x32x32",
                    "--int8", "--useDLACore=0", "--allowGPUFallback", "--skipInference",
                    f"--exportTrace={cli}"], capture_output=True, check=True)
    assert trace == json.loads(cli.read_text())
    layer_us = sum(e["dur"] for e in trace["traceEvents"]
                   if e["ph"] == "X" and e["cat"] != "loadable")
    assert layer_us / 1000 == pytest.approx(plan.performance().latency_ms, rel=1e-9)


def test_report_with_a_measured_profile(model_gn, model_gn_path, tmp_path):
    profile = tmp_path / "gn.profile.json"
    subprocess.run([str(DLASIM_BIN), f"--onnx={model_gn_path}", "--shapes=input:32x3x32x32",
                    "--int8", "--useDLACore=0", "--allowGPUFallback", "--iterations=1",
                    "--duration=0", "--warmUp=0", f"--exportProfile={profile}"],
                   capture_output=True, check=True)
    out = tmp_path / "gn.html"
    seed_plan(model_gn).report(out, profile_json=profile)
    assert 'id="measured"' in out.read_text()
