#!/usr/bin/env python3
"""Opens a `dlasim report` in Debian's headless Chromium and checks what a person sees: one node
per layer, colours per device and loadable, a GPU layer's broken DLA rules on a real click, the
timeline's bars adding up to the latency of the run's performance summary, the collapsed view,
nothing fetched from the network; saves a screenshot. Expected figures come from other dlasim
outputs (check's layer counts, --exportLayerInfo's reasons, the run's Latency line).

usage: browser_test.py --dlasim BIN --chromium PATH --work DIR --name NAME MODEL [flags...]"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

from cdp import Browser

GPU_GREY = "#c8c8c8"


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()}")
    return p.stdout


def check(cond, what):
    if not cond:
        sys.exit("FAIL: " + what)
    print("ok:", what)


def expected(args, flags, work):
    """Layer counts from `dlasim check`, reasons from --exportLayerInfo, the latency of a run."""
    text = run([args.dlasim, "check", args.model] + flags)
    m = re.search(r"Layers: (\d+) \((\d+) on DLA, (\d+) on GPU\); loadables: (\d+)", text)
    if not m:
        sys.exit("FAIL: no layer counts in dlasim check's output")
    info = os.path.join(work, args.name + ".layers.json")
    log = run([args.dlasim, "--onnx=" + args.model] + flags +
              ["--iterations=1", "--duration=0", "--warmUp=0", "--exportLayerInfo=" + info,
               "--profilingVerbosity=detailed"])
    lat = re.search(r"\] Latency: min = ([0-9.e+-]+) ms", log)
    if not lat:
        sys.exit("FAIL: no Latency line in the run's log")
    with open(info) as f:
        reasons = {l["Name"]: l.get("DLAReasons", []) for l in json.load(f)["Layers"]
                   if isinstance(l, dict)}
    return {"layers": int(m[1]), "dla": int(m[2]), "gpu": int(m[3]), "loadables": int(m[4]),
            "latency": float(lat[1]), "reasons": reasons}


def node_fills(b):
    return b.eval("""Array.from(document.querySelectorAll('#graph-layers g.node.layer')).map(n => {
        const s = n.querySelector('polygon, path');
        return {id: n.id, cls: n.getAttribute('class'), fill: s && s.getAttribute('fill')};
    })""")


def visible_centre(b, selector):
    """Scrolls the page to the graph and drags the graph (real mouse moves) until the element is
    inside the graph's view."""
    b.eval("document.getElementById('graph-view').scrollIntoView()")
    for _ in range(200):
        r = b.eval(f"""(() => {{ const v = document.getElementById('graph-view').getBoundingClientRect();
            const n = document.querySelector('{selector}').getBoundingClientRect();
            return [v.left, v.top, v.right, Math.min(v.bottom, innerHeight), n.left, n.top, n.right,
                    n.bottom]; }})()""")
        vl, vt, vr, vb, nl, nt, nr, nb = r
        if nt >= vt + 5 and nb <= vb - 5 and nl >= vl and nr <= vr:
            return (nl + nr) / 2, (nt + nb) / 2
        dy = max(-(vb - vt - 60), min(vb - vt - 60, (vt + vb) / 2 - (nt + nb) / 2))
        dx = max(-(vr - vl - 60), min(vr - vl - 60, (vl + vr) / 2 - (nl + nr) / 2))
        x0, y0 = vl + (vr - vl) / 2, vt + (vb - vt) / 2
        x0 -= dx / 2
        y0 -= dy / 2
        b.send("Input.dispatchMouseEvent", {"type": "mousePressed", "x": x0, "y": y0,
                                            "button": "left", "clickCount": 1})
        b.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x0 + dx, "y": y0 + dy,
                                            "button": "left"})
        b.send("Input.dispatchMouseEvent", {"type": "mouseReleased", "x": x0 + dx, "y": y0 + dy,
                                            "button": "left", "clickCount": 1})
    sys.exit(f"FAIL: could not bring {selector} into the graph's view")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dlasim", required=True)
    ap.add_argument("--chromium", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--max-bytes", type=int, default=5 << 20)
    ap.add_argument("model")
    args, flags = ap.parse_known_args()
    os.makedirs(args.work, exist_ok=True)
    html = os.path.join(args.work, args.name + ".html")
    trace = os.path.join(args.work, args.name + ".trace.json")
    t0 = time.time()
    run([args.dlasim, "report", args.model] + flags + ["--out=" + html, "--exportTrace=" + trace,
                                                       "--quiet"])
    print(f"report written in {time.time() - t0:.2f} s, {os.path.getsize(html)} bytes")
    check(os.path.getsize(html) < args.max_bytes, f"the report is under {args.max_bytes} bytes")
    exp = expected(args, flags, args.work)

    # The trace: one process per device, layer events adding up to the latency.
    with open(trace) as f:
        events = json.load(f)["traceEvents"]
    procs = {e["pid"]: e["args"]["name"] for e in events if e.get("name") == "process_name"}
    rows = [e for e in events if e["ph"] == "X" and e["cat"] != "loadable"]
    check(all(e["pid"] in procs for e in rows), "every trace event is in a named process")
    total_us = sum(e["dur"] for e in rows)
    check(abs(total_us / 1000 - exp["latency"]) <= 1e-4 * exp["latency"],
          f"the trace's events add up to the run's latency ({total_us / 1000:.6f} ms vs "
          f"{exp['latency']} ms)")

    b = Browser(args.chromium)
    try:
        load_s = b.open(html)
        print(f"opened in {load_s:.2f} s")
        check(b.eval("performance.getEntriesByType('resource').length") == 0,
              "the page fetched nothing (self-contained)")
        check(b.eval("""Array.from(document.querySelectorAll('[src],[href]')).filter(e =>
              /^(https?:)?\\/\\//.test(e.getAttribute('src') || e.getAttribute('href'))).length""") == 0,
              "no element points outside the file")
        dup = b.eval("""(() => { const seen = new Set(), dup = [];
            document.querySelectorAll('[id]').forEach(e => { if (seen.has(e.id)) dup.push(e.id); seen.add(e.id); });
            return dup; })()""")
        check(dup == [], f"element ids are unique ({dup[:3]})")
        nodes = node_fills(b)
        check(len(nodes) == exp["layers"], f"one graph node per layer ({len(nodes)} vs check's "
              f"{exp['layers']})")
        dla = [n for n in nodes if " dla " in " " + n["cls"] + " "]
        gpu = [n for n in nodes if " gpu " in " " + n["cls"] + " "]
        check(len(dla) == exp["dla"] and len(gpu) == exp["gpu"],
              f"{len(dla)} DLA and {len(gpu)} GPU nodes as check counts")
        check(all(n["fill"] == GPU_GREY for n in gpu), "every GPU layer is grey")
        colour = {}
        for n in dla:
            k = re.search(r"\bld(\d+)\b", n["cls"])[1]
            colour.setdefault(k, set()).add(n["fill"])
        check(len(colour) == exp["loadables"], f"DLA nodes in {exp['loadables']} loadables")
        check(all(len(c) == 1 and GPU_GREY not in c for c in colour.values()),
              "each loadable's layers share one colour that is not the GPU's")
        distinct = {next(iter(c)) for c in colour.values()}
        check(len(distinct) == min(len(colour), 13), "loadables have distinct colours")

        # Hover over a DLA layer: the panel shows it.
        if dla:
            x, y = visible_centre(b, "#" + dla[0]["id"])
            b.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y})
            i = int(dla[0]["id"].split("_")[1])
            name = b.eval(f"JSON.parse(document.getElementById('dlasim-data').textContent).layers[{i}].name")
            check(name in b.eval("document.getElementById('details').textContent"),
                  "hovering a DLA layer shows its details")
        # Click a GPU layer that broke DLA rules: every rule with value, limit and fix.
        names = b.eval("JSON.parse(document.getElementById('dlasim-data').textContent).layers.map(l => l.name)")
        broken = [n for n in gpu if exp["reasons"].get(names[int(n["id"].split("_")[1])])]
        if broken:
            target = broken[0]
            layer = names[int(target["id"].split("_")[1])]
            x, y = visible_centre(b, "#" + target["id"])
            t_click = time.time()
            b.click(x, y)
            text = b.eval("document.getElementById('details').textContent")
            print(f"click answered in {time.time() - t_click:.3f} s")
            check(layer in text, f"clicking '{layer}' shows it")
            for r in exp["reasons"][layer]:
                for key in ("rule", "value", "limit", "fix"):
                    check(str(r[key]) in text, f"its reason {r['rule']}: {key} '{r[key]}' shown")
            check(b.eval(f"document.getElementById('{target['id']}').classList.contains('selected')"),
                  "the clicked node is marked")

        # The timeline: bars (not the loadable spans) add up to the run's latency.
        bars = b.eval("Array.from(document.querySelectorAll('#timeline-svg rect.bar')).map(r => +r.dataset.ms)")
        check(abs(sum(bars) - exp["latency"]) <= 1e-4 * exp["latency"],
              f"{len(bars)} timeline bars add up to the run's latency ({sum(bars):.6f} vs "
              f"{exp['latency']} ms)")
        lanes = b.eval("Array.from(document.querySelectorAll('.lanes .lane')).map(l => l.textContent)")
        check(any("GPU" in l for l in lanes) == (exp["gpu"] > 0), "a GPU lane when layers run there")
        check(any("DLA core" in l for l in lanes) == (exp["dla"] > 0),
              "a DLA core lane when layers run there")
        spans = b.eval("document.querySelectorAll('#timeline-svg rect.span').length")
        check(spans == exp["loadables"], "one timeline span per loadable")

        # Collapse the loadables (a real click on the button).
        b.eval("window.scrollTo(0, 0)")
        x, y = b.eval("""(() => { const r = document.querySelector('button[data-view=loadables]')
            .getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()""")
        b.click(x, y)
        shown = b.eval("""(() => { const g = document.getElementById('graph-loadables');
            return g.hidden ? -1 : g.querySelectorAll('g.node.loadable').length; })()""")
        check(shown == exp["loadables"], f"the collapsed view shows {exp['loadables']} loadables")
        b.click(x - 120, y)  # back to every layer
        b.eval("window.scrollTo(0, 0)")
        timeline_top = b.eval("document.getElementById('timeline-section').getBoundingClientRect().top")
        for png, top, height in ((args.name + ".png", 0, 1400),
                                 (args.name + ".timeline.png", timeline_top, 420)):
            png = os.path.join(args.work, png)
            b.screenshot(png, top, height)
            with open(png, "rb") as f:
                head = f.read(8)
            check(head == b"\x89PNG\r\n\x1a\n" and os.path.getsize(png) > 10000,
                  f"screenshot {png} taken")
    finally:
        b.close()
    print("PASSED browser report test", args.name)


if __name__ == "__main__":
    main()
