#!/usr/bin/env python3
"""Per-thread CPU of processes, sampled from /proc, and its sums over windows.

  threadcpu.py sample OUT PID...     # every PERIOD s (env, 0.2): "t pid tid ticks name" lines to OUT, until the PIDs exit or SIGTERM
  threadcpu.py window SAMPLES START END [LABEL]   # CPU s per process and thread class between two UTC times (ISO)

Classes by thread name: jit (C1/C2 CompilerThread), compute (graph-compute-*), network (*-net-*, grpc-*),
gc (G1 / GC threads), ckpt (the agent's checkpoint-writer), other. A thread's CPU in a window is its ticks at the last sample <= END minus its
ticks at the last sample <= START (0 when it did not exist yet). Ticks are USER_HZ (100 per second).
"""
import datetime
import os
import signal
import sys
import time

HZ = os.sysconf("SC_CLK_TCK")


def classify(name):
    if name.startswith("C1 Compiler") or name.startswith("C2 Compiler"):
        return "jit"
    if name.startswith("graph-compute"):
        return "compute"
    if "-net-" in name or name.startswith("grpc-"):
        return "network"
    if name.startswith("G1 ") or name.startswith("GC Thread") or name.startswith("VM Periodic"):
        return "gc"
    if name.startswith("checkpoint-wri"):  # /proc truncates names to 15 characters
        return "ckpt"
    return "other"


def read_tasks(pid):
    out = []
    base = f"/proc/{pid}/task"
    try:
        tids = os.listdir(base)
    except FileNotFoundError:
        return None
    for tid in tids:
        try:
            with open(f"{base}/{tid}/stat") as f:
                s = f.read()
        except (FileNotFoundError, ProcessLookupError):
            continue
        lp, rp = s.index("("), s.rindex(")")
        name = s[lp + 1:rp]
        fields = s[rp + 2:].split()
        ticks = int(fields[11]) + int(fields[12])   # utime, stime (fields 14 and 15 of stat)
        out.append((tid, ticks, name))
    return out


def sample(out_path, pids):
    period = float(os.environ.get("PERIOD", "0.2"))
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    with open(out_path, "w", buffering=1 << 16) as out:
        while not stop:
            t = time.time()
            alive = 0
            for pid in pids:
                tasks = read_tasks(pid)
                if tasks is None:
                    continue
                alive += 1
                for tid, ticks, name in tasks:
                    out.write(f"{t:.3f} {pid} {tid} {ticks} {name.replace(' ', '_')}\n")
            out.flush()
            if alive == 0:
                break
            time.sleep(max(0.0, period - (time.time() - t)))


def epoch(iso):
    return datetime.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def window(samples, start, end, label):
    t0, t1 = epoch(start), epoch(end)
    at0, at1 = {}, {}   # (pid, tid) -> (ticks, name), at the last sample <= t0 / <= t1
    with open(samples) as f:
        for line in f:
            t, pid, tid, ticks, name = line.split()
            t = float(t)
            if t <= t0:
                at0[(pid, tid)] = int(ticks)
            if t <= t1:
                at1[(pid, tid)] = (int(ticks), name.replace("_", " "))
    sums = {}
    for key, (ticks, name) in at1.items():
        d = ticks - at0.get(key, 0)
        per = sums.setdefault(key[0], {})
        c = classify(name)
        per[c] = per.get(c, 0) + d
    classes = ["all", "compute", "network", "jit", "gc", "ckpt", "other"]
    for pid in sorted(sums):
        per = sums[pid]
        per["all"] = sum(per.values())
        print(f"{label} pid={pid} window_s={t1 - t0:.2f} "
              + " ".join(f"{c}_s={per.get(c, 0) / HZ:.2f}" for c in classes))


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "sample":
        sample(sys.argv[2], [int(p) for p in sys.argv[3:]])
    elif len(sys.argv) >= 5 and sys.argv[1] == "window":
        window(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5] if len(sys.argv) > 5 else "window")
    else:
        sys.exit(__doc__)
