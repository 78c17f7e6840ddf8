#!/usr/bin/env python3
"""Opens a `dlasim report` in Debian's headless Chromium and checks what a person sees: one node
per layer, colours per device and loadable, a GPU layer's broken DLA rules on a real click, the
Chart.js timeline's bars adding up to the latency of the run's performance summary, the other
charts' bars the modelled rows' times, collapsing all loadables and one on its own, nothing
fetched from the network, no script error; saves screenshots. Expected figures come from other dlasim
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

        # The timeline (Chart.js floating bars): the bars (not the loadable spans) add up to
        # the run's latency.
        tl = b.eval("""(() => { const c = Chart.getChart(document.getElementById('timeline-chart'));
            return {labels: c.data.labels, sets: c.data.datasets.map(d => ({label: d.label,
                    widths: d.data.map(p => p.x[1] - p.x[0]), lanes: d.data.map(p => p.y)}))}; })()""")
        bars = [w for d in tl["sets"] if d["label"] != "loadables" for w in d["widths"]]
        check(abs(sum(bars) - exp["latency"]) <= 1e-4 * exp["latency"],
              f"{len(bars)} timeline bars add up to the run's latency ({sum(bars):.6f} vs "
              f"{exp['latency']} ms)")
        check(all(y in tl["labels"] for d in tl["sets"] for y in d["lanes"]),
              "every timeline bar is on a lane of the chart")
        lanes = tl["labels"]
        check(any("GPU" in l for l in lanes) == (exp["gpu"] > 0), "a GPU lane when layers run there")
        check(any("DLA core" in l for l in lanes) == (exp["dla"] > 0),
              "a DLA core lane when layers run there")
        spans = sum(len(d["widths"]) for d in tl["sets"] if d["label"] == "loadables")
        check(spans == exp["loadables"], "one timeline span per loadable")

        # The other charts: drawn by Chart.js, their bars the modelled rows' times.
        charts = b.eval("""(() => { const data = JSON.parse(document.getElementById('dlasim-data').textContent);
            return Array.from(document.querySelectorAll('canvas[data-chart]')).map(c => {
              const d = c.closest('details'), chart = Chart.getChart(c);
              return {id: c.id, open: !d || d.open, drawn: !!chart, sets: chart ? chart.data.datasets.map(s =>
                ({label: s.label, bad: s.rows ? s.data.filter((v, i) => v !== null && !Array.isArray(v.x) &&
                  Math.abs(v - data.rows[s.rows[i]].ms) > 1e-12).length : 0})) : []}; }); })()""")
        check(all(c["drawn"] == c["open"] for c in charts),
              f"the {sum(c['drawn'] for c in charts)} charts in view are drawn (closed ones wait)")
        ids = {c["id"]: c for c in charts}
        check("unit-chart" in ids and "top10-chart" in ids, "per-unit and top-10 charts")
        bounds = {"compute", "memory", "overhead", "fused", "none"}
        check(all(s["label"] in bounds for s in ids["top10-chart"]["sets"]),
              "the top 10's datasets are bounds")
        check(all(s["bad"] == 0 for c in charts for s in c["sets"]),
              "every per-row bar is its row's modelled time")

        # Collapse all loadables, then expand all (real clicks on the buttons).
        visible = """Array.from(document.querySelectorAll('#graph-layers g.node')).filter(n =>
            getComputedStyle(n).display !== 'none').map(n => n.id)"""
        all_nodes = b.eval(visible)

        def press(button):
            b.eval("window.scrollTo(0, 0)")
            x, y = b.eval(f"""(() => {{ const r = document.getElementById('{button}')
                .getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; }})()""")
            t = time.time()
            b.click(x, y)
            return time.time() - t

        took = press("collapse-all")
        shown = b.eval(visible)
        print(f"collapse all answered in {took:.3f} s")
        check(sorted(n for n in shown if n.startswith("collapsed_loadable_")) ==
              sorted(f"collapsed_loadable_{k}" for k in range(exp["loadables"])),
              f"collapse all shows the {exp['loadables']} loadables as boxes")
        check(len([n for n in shown if n.startswith("layer_")]) == exp["gpu"],
              "and only the GPU layers as nodes")
        press("expand-all")
        check(sorted(b.eval(visible)) == sorted(all_nodes), "expand all shows every layer again")

        # One loadable on its own: a click on its frame collapses only its layers; a click on its
        # box brings them back where they were.
        if exp["loadables"]:
            k = exp["loadables"] // 2
            own = {n["id"] for n in dla if re.search(rf"\bld{k}\b", n["cls"])}
            where = """Object.fromEntries(Array.from(document.querySelectorAll('#graph-layers g.node'))
                .map(n => { const r = n.getBoundingClientRect(); return [n.id, [r.left, r.top]]; }))"""
            x, y = visible_centre(b, f"#cluster_{k} text")
            before = b.eval(where)
            b.click(x, y)
            shown = set(b.eval(visible))
            check(shown == (set(all_nodes) - own) | {f"collapsed_loadable_{k}"},
                  f"clicking loadable {k}'s frame hides its {len(own)} layers and nothing else")
            top = b.eval(f"document.getElementById('collapsed_loadable_{k}').getBoundingClientRect().top")
            above = [n for n in all_nodes if before[n][1] < top - 30]
            after = b.eval(where)
            check(all(abs(after[n][1] - before[n][1]) < 0.5 for n in above),
                  f"the {len(above)} nodes above it stay where they were")
            x, y = visible_centre(b, f"#collapsed_loadable_{k}")
            b.click(x, y)
            after = b.eval(where)
            check(sorted(b.eval(visible)) == sorted(all_nodes) and
                  all(abs(after[n][1] - before[n][1]) < 0.5 and abs(after[n][0] - before[n][0]) < 0.5
                      for n in all_nodes),
                  "clicking its box expands it: every layer back in its place")
        errors = [e["params"]["exceptionDetails"].get("exception", {}).get("description")
                  for e in b.events if e.get("method") == "Runtime.exceptionThrown"]
        check(errors == [], f"the page's script threw nothing ({errors[:1]})")
        # The picture: one loadable collapsed, a GPU layer's broken rules in the panel.
        if exp["loadables"]:
            box = f"collapsed_loadable_{exp['loadables'] // 2}"
            x, y = visible_centre(b, f"#cluster_{exp['loadables'] // 2} text")
            b.click(x, y)
            if broken:  # the one nearest the box
                tops = b.eval("""Object.fromEntries(Array.from(document.querySelectorAll(
                    '#graph-layers g.node')).map(n => [n.id, n.getBoundingClientRect().top]))""")
                near = min(broken, key=lambda n: abs(tops[n["id"]] - tops[box]))
                x, y = visible_centre(b, "#" + near["id"])
                b.click(x, y)
            visible_centre(b, "#" + box)
        b.eval("window.scrollTo(0, 0)")
        section_top = "document.getElementById('{}').getBoundingClientRect().top"
        timeline_top = b.eval(section_top.format("timeline-section"))
        layers_top = b.eval(section_top.format("layers-section"))
        for png, top, height in ((args.name + ".png", 0, 1400),
                                 (args.name + ".timeline.png", timeline_top, 440),
                                 (args.name + ".charts.png", layers_top, 1000)):
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
