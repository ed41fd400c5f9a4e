#!/usr/bin/env python3
"""Side-by-side markdown tables from mqtt-cgen JSON lines (benchmarks/load/run.sh writes them).

    table.py [--brokers gmqtt,mosquitto,mqttnet] results.jsonl [more.jsonl ...]

Rows: scenario x QoS (plus one conn row); columns: one per broker, then Gmqtt's ratios and lost_or_late.
Repeated throughput runs are reduced to the run with the median rate; all its figures come from that run.

Lines with persistent sessions (session_expiry > 0, run.sh DURABLE=1) get a table of their own: throughput rows,
one column per broker (gmqtt, gmqtt-sqlite, gmqtt-fsync, mosquitto-persist, ...), then the durable store's ratios
against their targets: gmqtt-sqlite / gmqtt (fan-in and pairs >= 0.50, fan-out >= 0.25) and
gmqtt-sqlite / mosquitto-persist (>= 3).
"""
import argparse
import json
import sys
from collections import defaultdict

THROUGHPUT = ("fanin", "fanout", "pairs")
STEAL_LIMIT = 10.0   # % machine steal above which a run is suspect
GEN_BOUND = 0.9      # generator cores at which the rate is the generator's limit, not the broker's
GMQTT_VARIANTS = ("gmqtt-base", "gmqtt-sqlite", "gmqtt-fsync")  # Gmqtt with a durable store: not an "other" broker
# Durable-store targets at QoS 1: msg/s of gmqtt-sqlite / gmqtt (in memory), and gmqtt-sqlite / mosquitto-persist.
TARGET_VS_MEMORY = {"fanin": 0.50, "fanout": 0.25, "pairs": 0.50}
TARGET_VS_MOSQUITTO = 3.0
OTHERS_LIMIT = 0.25  # cores used by other processes (machine − broker − generator) that disturb a durable row


def median_run(runs, key):
    """The run holding the (lower) median of key, so that every figure shown comes from one run."""
    ordered = sorted(runs, key=key)
    return ordered[(len(ordered) - 1) // 2]


def num(v, digits=0):
    if v is None:
        return "—"
    return f"{v:,.{digits}f}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def fmt_ratio(r, what):
    return "—" if r is None else f"{r:.2f}× {what}"


def flags(r):
    f = ""
    if (r.get("machine_steal_pct") or 0) > STEAL_LIMIT:
        f += "†"
    if (r.get("gen_cpu_cores") or 0) >= GEN_BOUND:
        f += "‡"
    return f


def conn_figures(r):
    """KB of broker RSS per idle connection at the largest step, and connects/s over all steps."""
    steps = [s for s in r.get("steps", []) if s.get("connected", 0) > 0]
    if not steps:
        return None
    last = max(steps, key=lambda s: s["target"])
    kb = None
    if last.get("broker_rss_kb_idle", -1) >= 0 and r.get("broker_rss_kb_before", -1) >= 0:
        kb = (last["broker_rss_kb_idle"] - r["broker_rss_kb_before"]) / last["connected"]
    new = sum(s.get("new_connections", 0) for s in steps)
    secs = sum(s.get("seconds", 0) for s in steps)
    return {
        "step": last["target"],
        "connected": last["connected"],
        "kb_per_conn": kb,
        "connects_per_s": new / secs if secs > 0 else None,
        "failures": r.get("failures", 0) + r.get("conn_lost", 0),
    }


def persistent(r):
    return (r.get("session_expiry") or 0) > 0


def other_cores(r):
    """CPU that processes other than the broker and the generator used during a throughput run (shared machine)."""
    if r.get("machine_cpu_us_per_msg") is None or r.get("broker_cpu_cores") is None:
        return None
    machine = r["machine_cpu_us_per_msg"] * r["recv_msgs_per_s"] / 1e6
    return max(0.0, machine - r["broker_cpu_cores"] - (r.get("gen_cpu_cores") or 0))


def durable_flags(r):
    o = other_cores(r)
    return flags(r) + ("§" if o is not None and o >= OTHERS_LIMIT else "")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--brokers", help="column order, comma list (default: gmqtt first, then as found)")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()

    rows = []
    for path in a.files:
        with open(path) as f:
            rows += [json.loads(line) for line in f if line.strip()]
    if not rows:
        sys.exit("table.py: no results")

    listed = a.brokers.split(",") if a.brokers else None
    clean = [r for r in rows if not persistent(r)]
    durable = [r for r in rows if persistent(r)]

    def columns(subset, rest):
        """The listed brokers (or those found), minus brokers whose lines are all in the other table."""
        if listed is None:
            return sorted(dict.fromkeys(r["broker"] for r in subset), key=lambda b: b != "gmqtt")
        only_rest = {r["broker"] for r in rest} - {r["broker"] for r in subset}
        return [b for b in listed if b not in only_rest]

    if clean:
        standard_table(clean, columns(clean, durable))
    if durable:
        if clean:
            print()
            print("Persistent sessions (session_expiry > 0):")
            print()
        durable_table(durable, columns(durable, clean))


def group_runs(rows):
    """Runs by (scenario, QoS, broker)."""
    groups = defaultdict(list)
    for r in rows:
        groups[(r["scenario"], r.get("qos"), r["broker"])].append(r)
    return groups


def pick_throughput(groups, scenario, qos, brokers):
    """Each broker's median run by rate, with how many runs it had and the most any of them lost."""
    picked = {}
    for b in brokers:
        runs = groups.get((scenario, qos, b))
        if runs:
            m = median_run(runs, lambda r: r["recv_msgs_per_s"])
            picked[b] = dict(m, _n=len(runs), _lost_max=max(r["lost_or_late"] for r in runs))
    return picked


def throughput_cells(picked, brokers, qos, cell):
    """One cell per broker (cell(run) then "(median of N)"), and its lost_or_late, bold when QoS ≥ 1 lost any."""
    cells, lost = [], []
    for b in brokers:
        r = picked.get(b)
        if r is None:
            cells.append("—")
            lost.append("—")
            continue
        runs = f" (median of {r['_n']})" if r["_n"] > 1 else ""
        cells.append(cell(r) + runs)
        bad = r["_lost_max"] > 0 and qos >= 1
        lost.append(("**" + num(r["_lost_max"]) + "**") if bad else num(r["_lost_max"]))
    return cells, lost


def standard_table(rows, brokers):
    gm = "gmqtt" if "gmqtt" in brokers else None
    others = [b for b in brokers if b != gm and b not in GMQTT_VARIANTS]

    groups = group_runs(rows)

    head = ["scenario", "QoS", "cell", *brokers]
    if gm:
        head += ["Gmqtt ÷ best other", "Gmqtt ÷ Mosquitto"]
    head.append("lost_or_late (" + " / ".join(brokers) + ")")
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]

    def line(scenario, qos, cell, values, best, vs_mosq, lost):
        cols = [scenario, qos, cell, *values]
        if gm:
            cols += [best, vs_mosq]
        cols.append(lost)
        out.append("| " + " | ".join(cols) + " |")

    qos_values = sorted({r.get("qos") for r in rows if r.get("qos") is not None})

    # Throughput: median rate, broker CPU per delivered message.
    for scenario in THROUGHPUT:
        for qos in qos_values:
            picked = pick_throughput(groups, scenario, qos, brokers)
            if not picked:
                continue
            cells, lost = throughput_cells(
                picked, brokers, qos, lambda r: f"{num(r['recv_msgs_per_s'])} · {num(r.get('broker_cpu_us_per_msg'), 1)}{flags(r)}")
            best = vs_mosq = ""
            if gm:
                g = picked.get(gm)
                best_other = max((picked[b]["recv_msgs_per_s"] for b in others if b in picked), default=None)
                best = fmt_ratio(ratio(g and g["recv_msgs_per_s"], best_other), "msg/s")
                m = picked.get("mosquitto")
                vs_mosq = fmt_ratio(ratio(g and g.get("broker_cpu_us_per_msg"), m and m.get("broker_cpu_us_per_msg")), "CPU/msg")
            line(scenario, str(qos), "msg/s · broker µs CPU/msg", cells, best, vs_mosq, " / ".join(lost))

    # Latency: p50 / p99 at a fixed rate.
    for qos in qos_values:
        picked = {b: median_run(groups[("latency", qos, b)], lambda r: r["p99_us"])
                  for b in brokers if groups.get(("latency", qos, b))}
        if not picked:
            continue
        cells = [(f"{num(picked[b]['p50_us'])} / {num(picked[b]['p99_us'])} · {num(picked[b].get('broker_cpu_us_per_msg'), 1)}{flags(picked[b])}"
                  if b in picked else "—") for b in brokers]
        lost = " / ".join((("**" + num(picked[b]["lost_or_late"]) + "**") if picked[b]["lost_or_late"] and qos >= 1
                           else num(picked[b]["lost_or_late"])) if b in picked else "—" for b in brokers)
        best = vs_mosq = ""
        if gm:
            g = picked.get(gm)
            best_other = min((picked[b]["p99_us"] for b in others if b in picked), default=None)
            best = fmt_ratio(ratio(g and g["p99_us"], best_other), "p99")
            m = picked.get("mosquitto")
            vs_mosq = fmt_ratio(ratio(g and g.get("broker_cpu_us_per_msg"), m and m.get("broker_cpu_us_per_msg")), "CPU/msg")
        rate = next(iter(picked.values())).get("rate_target")
        line(f"latency {num(rate)}/s", str(qos), "p50 / p99 µs · broker µs CPU/msg", cells, best, vs_mosq, lost)

    # Connections: RSS per idle connection at the largest step, connects/s.
    conn = {}
    for b in brokers:
        runs = groups.get(("conn", None, b))
        if runs:
            figs = conn_figures(runs[-1])  # the latest conn run of this broker
            if figs:
                conn[b] = figs
    if conn:
        step = max(c["step"] for c in conn.values())
        cells = [(f"{num(conn[b]['kb_per_conn'], 1)} · {num(conn[b]['connects_per_s'])}"
                  + (f" ({conn[b]['connected']:,} conn.)" if conn[b]["step"] != step or conn[b]["connected"] != step else ""))
                 if b in conn else "—" for b in brokers]
        best = vs_mosq = ""
        if gm:
            g = conn.get(gm)
            best_other = max((conn[b]["connects_per_s"] or 0 for b in others if b in conn), default=None)
            best = fmt_ratio(ratio(g and g["connects_per_s"], best_other), "conn/s")
            m = conn.get("mosquitto")
            vs_mosq = fmt_ratio(ratio(g and g["kb_per_conn"], m and m["kb_per_conn"]), "KB/conn")
        fails = " / ".join(("failed " + num(conn[b]["failures"])) if b in conn and conn[b]["failures"]
                           else ("0" if b in conn else "—") for b in brokers)
        line(f"conn {step:,}", "—", "KB RSS per idle conn · connects/s", cells, best, vs_mosq, fails)

    print("\n".join(out))
    print()
    print("msg/s: deliveries per second, median run. µs CPU/msg: broker CPU (user+sys) per delivered message. "
          "KB RSS per idle conn: (broker RSS at the largest step − RSS before connecting) / connections. "
          "Ratios: throughput and conn/s above 1 favour Gmqtt; p99, CPU/msg and KB/conn below 1 favour Gmqtt. "
          f"† machine steal > {STEAL_LIMIT:.0f} % in that run; ‡ generator ≥ {GEN_BOUND} core (generator-bound). "
          "**Bold** lost_or_late at QoS 1 means messages were lost: that rate is not a sustainable one. "
          "conn row: connection failures + connections lost instead of lost_or_late.")


def durable_table(rows, brokers):
    """Throughput with persistent sessions: the durable stores against in-memory Gmqtt and persistent Mosquitto."""
    groups = group_runs(rows)
    sq, mem, mosq, fs = "gmqtt-sqlite", "gmqtt", "mosquitto-persist", "gmqtt-fsync"
    ratio_cols = []  # (header, numerator, denominator, targets by scenario or None)
    if sq in brokers and mem in brokers:
        ratio_cols.append((f"{sq} ÷ {mem} (target: fan-in, pairs ≥ 0.50; fan-out ≥ 0.25)", sq, mem, TARGET_VS_MEMORY))
    if sq in brokers and mosq in brokers:
        ratio_cols.append((f"{sq} ÷ {mosq} (target ≥ {TARGET_VS_MOSQUITTO:.0f}×)", sq, mosq,
                           dict.fromkeys(THROUGHPUT, TARGET_VS_MOSQUITTO)))
    if fs in brokers and mem in brokers:
        ratio_cols.append((f"{fs} ÷ {mem}", fs, mem, None))

    head = ["scenario", "QoS", "cell", *brokers, *(c[0] for c in ratio_cols),
            "lost_or_late (" + " / ".join(brokers) + ")"]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    qos_values = sorted({r.get("qos") for r in rows if r.get("qos") is not None})
    for scenario in THROUGHPUT:
        for qos in qos_values:
            picked = pick_throughput(groups, scenario, qos, brokers)
            if not picked:
                continue
            cells, lost = throughput_cells(
                picked, brokers, qos, lambda r: f"{num(r['recv_msgs_per_s'])} · {num(r.get('broker_cpu_us_per_msg'), 1)}"
                                                f" · {num(r.get('broker_cpu_cores'), 2)}{durable_flags(r)}")
            ratios = []
            for _, top, bottom, targets in ratio_cols:
                t, u = picked.get(top), picked.get(bottom)
                x = ratio(t and t["recv_msgs_per_s"], u and u["recv_msgs_per_s"])
                if x is None:
                    ratios.append("—")
                elif targets is None or qos < 1 or scenario not in targets:
                    ratios.append(f"{x:.2f}×")
                elif t["_lost_max"] > 0:
                    ratios.append(f"**{x:.2f}×** (lost messages: not a sustainable rate)")
                elif x >= targets[scenario]:
                    ratios.append(f"{x:.2f}× (≥ {targets[scenario]:.2f} ✓)")
                else:
                    ratios.append(f"**{x:.2f}×** (≥ {targets[scenario]:.2f} ✗)")
            out.append("| " + " | ".join([scenario, str(qos), "msg/s · broker µs CPU/msg · broker cores",
                                           *cells, *ratios, " / ".join(lost)]) + " |")
    if len(out) == 2:
        print("No throughput lines with persistent sessions.")
        return
    expiry = sorted({r.get("session_expiry") for r in rows})
    print("\n".join(out))
    print()
    print(f"Every client keeps a persistent session (session expiry {', '.join(num(e) for e in expiry)} s). "
          "msg/s: deliveries per second, median run. µs CPU/msg: broker CPU (user+sys) per delivered message; "
          "broker cores: broker CPU over the measured interval; a low rate with the broker well below the cores "
          "the machine had free means it waits (on the disk or its store), unless § says others took them. Targets apply at QoS 1; ✗ and bold mark a ratio below its target. "
          f"† machine steal > {STEAL_LIMIT:.0f} % in that run; ‡ generator ≥ {GEN_BOUND} core (generator-bound); "
          f"§ other processes used ≥ {OTHERS_LIMIT} core during that run (shared machine: the figure is disturbed, "
          "and so is any ratio that uses it). "
          "**Bold** lost_or_late at QoS 1 means messages were lost: that rate is not a sustainable one.")


if __name__ == "__main__":
    main()
