#!/usr/bin/env python3
"""kill -9 at random moments (issue 16): fits (with periodic checkpoints), meshes and exports.

After every kill the output must be the file that was there before or the whole new one, never a
part of it; a killed fit must resume from its last checkpoint, having lost at most the checkpoint
interval (plus a step); and the next write of the same file leaves no temp file behind.

  tools/kill-trials.py [TRIALS] [OUT]        (default 30 trials in /tmp/nfield-kill-trials)

Runs ./nfield (NFIELD_JAR picks a jar). Prints one line a trial and a table at the end; exit 1 if
any trial found a partial file, an unresumable fit, too much lost work or a temp file left over.
"""
import glob
import hashlib
import json
import os
import random
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NFIELD = os.path.join(ROOT, "nfield")
CHECKPOINT_S = 1.0


def sha(path):
    if not os.path.exists(path):
        return None
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def run(args, **kw):
    return subprocess.run([NFIELD] + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, **kw)


def field_meta(path):
    """The __metadata__ of a whole field file (safetensors), or None when it is not whole."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        return None
    n = struct.unpack("<Q", data[:8])[0]
    if 8 + n > len(data):
        return None
    try:
        header = json.loads(data[8:8 + n])
    except ValueError:
        return None
    end = max((t["data_offsets"][1] for k, t in header.items() if k != "__metadata__"), default=0)
    if 8 + n + end != len(data):
        return None
    return header.get("__metadata__", {})


def steps_of(path):
    """The step count a whole field file holds (its __metadata__ "steps"), or None."""
    meta = field_meta(path)
    if meta is None or "steps" not in meta:
        return None
    return int(meta["steps"])


def temps(path):
    d, n = os.path.split(path)
    return glob.glob(os.path.join(d, "." + n + ".*.tmp"))


def killed_after(args, delay, seen=None):
    """Starts ./nfield ARGS, kills it with SIGKILL after DELAY seconds; returns (kill time, whether it had ended
    first). With SEEN a dict {text: None}, the time its stderr first showed a line containing each text."""
    p = subprocess.Popen([NFIELD] + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def watch():
        for line in iter(p.stderr.readline, b""):
            for k in (seen or {}):
                if seen[k] is None and k in line.decode("utf-8", "replace"):
                    seen[k] = time.time()

    reader = threading.Thread(target=watch, daemon=True)
    reader.start()
    try:
        p.wait(timeout=delay)
        return time.time(), True
    except subprocess.TimeoutExpired:
        pass
    os.kill(p.pid, signal.SIGKILL)  # the launcher execs java: this is the JVM
    t = time.time()
    p.wait()
    reader.join(timeout=5)
    return t, False


def main():
    trials = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    out = sys.argv[2] if len(sys.argv) > 2 else "/tmp/nfield-kill-trials"
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    rng = random.Random(int(os.environ.get("KILL_SEED", "16")))
    base = os.path.join(out, "base.nfield")
    r = run(["fit", "shape:knot", "--steps", "300", "-o", base])
    if r.returncode != 0:
        sys.exit("the base fit failed:\n" + r.stderr)

    # the old and the new version of each output, written whole, and how long the new one takes
    kinds = {
        "mesh": (["mesh", base, "--res", "96"], ["mesh", base, "--res", "224"], "knot.ply"),
        "export-onnx": (["export", base, "--format", "onnx", "--force"], None, "knot.onnx"),
        "export-glb": (["export", base, "--res", "96", "--force"], ["export", base, "--res", "224", "--force"], "knot.glb"),
        "export-safetensors": (["export", base, "--force"], None, "knot.safetensors"),
    }
    refs = {}
    for kind, (old, new, name) in kinds.items():
        target = os.path.join(out, name)
        if new is None:  # the old one is another field's export
            other = os.path.join(out, "other.nfield")
            if not os.path.exists(other):
                run(["fit", "shape:torus", "--steps", "50", "-o", other])
            old_args, new_args = [old[0], other] + old[2:], old
        else:
            old_args, new_args = old, new
        assert run(old_args + ["-o", target]).returncode == 0, kind
        old_sha = sha(target)
        t0 = time.time()
        assert run(new_args + ["-o", target]).returncode == 0, kind
        refs[kind] = (old_args, new_args, target, old_sha, sha(target), time.time() - t0)
        assert refs[kind][3] != refs[kind][4], kind + ": old and new must differ"

    rows = []
    bad = 0
    order = ["fit", "mesh", "export-onnx", "fit", "export-glb", "export-safetensors"]
    for i in range(trials):
        kind = order[i % len(order)]
        if kind == "fit":
            target = os.path.join(out, "fit.nfield")
            for p in [target] + temps(target):
                if os.path.exists(p):
                    os.remove(p)
            delay = rng.uniform(1.0, 16.0)
            seen = {"field: ": None}  # the line a fit prints as training starts
            t_kill, ended = killed_after(["fit", "shape:knot", "--time", "120s", "--checkpoint-every", "%gs" % CHECKPOINT_S,
                                          "-o", target], delay, seen)
            left = len(temps(target))
            trained = 0.0 if seen["field: "] is None else t_kill - seen["field: "]
            if not os.path.exists(target):
                # the work lost is the training done before the kill (reading and sampling come back on rerun)
                lost = trained
                ok = lost <= CHECKPOINT_S + 1.5
                verdict = ("killed while preparing" if seen["field: "] is None else "no checkpoint yet") if ok else \
                    "LOST (no checkpoint after %.1f s of training)" % trained
                resumed = "-"
            else:
                steps = steps_of(target)
                lost = t_kill - os.path.getmtime(target)
                if steps is None:
                    verdict, ok, resumed = "PARTIAL field file", False, "-"
                else:
                    r = run(["fit", "shape:knot", "--resume", target, "-o", target, "--steps", "20", "--checkpoint-every", "0"])
                    after = steps_of(target)
                    resumed = "%d -> %s" % (steps, after)
                    ok = r.returncode == 0 and after == steps + 20 and lost <= CHECKPOINT_S + 1.5 and not temps(target)
                    verdict = "checkpoint at step %d" % steps if ok else "FAILED (exit %d, lost %.1f s, temps %d)" % (
                        r.returncode, lost, len(temps(target)))
            rows.append((kind, delay, verdict, lost, left, resumed, ok))
        else:
            old_args, new_args, target, old_sha, new_sha, dur = refs[kind]
            assert run(old_args + ["-o", target]).returncode == 0
            delay = rng.uniform(0.2, dur * 1.1)
            t_kill, ended = killed_after(new_args + ["-o", target], delay)
            now = sha(target)
            left = len(temps(target))
            state = "old" if now == old_sha else "new" if now == new_sha else "PARTIAL" if now else "MISSING"
            # the next write of the same file: whole, and no temp file left
            r = run(new_args + ["-o", target])
            clean = r.returncode == 0 and sha(target) == new_sha and not temps(target)
            ok = state in ("old", "new") and clean
            rows.append((kind, delay, state + ("" if clean else ", next write not clean"), 0.0, left, "-", ok))
        kind_, delay_, verdict_, lost_, left_, resumed_, ok_ = rows[-1]
        bad += 0 if ok_ else 1
        print("trial %2d %-18s killed at %5.2f s: %-28s lost %4.1f s, temp files left by the kill %d%s" % (
            i + 1, kind_, delay_, verdict_, lost_, left_, "" if resumed_ == "-" else ", resumed " + resumed_), flush=True)

    print("\n%-18s %6s %s" % ("command", "trials", "outcomes"))
    for kind in ["fit"] + list(kinds):
        rs = [r for r in rows if r[0] == kind]
        if not rs:
            continue
        outcomes = {}
        for r in rs:
            key = r[2].split(" at step")[0]
            outcomes[key] = outcomes.get(key, 0) + 1
        extra = ""
        if kind == "fit":
            lost = [r[3] for r in rs if r[5] != "-"]
            extra = "; work lost at most %.1f s (checkpoints every %g s)" % (max(lost), CHECKPOINT_S) if lost else ""
        print("%-18s %6d %s%s" % (kind, len(rs), ", ".join("%s %d" % kv for kv in outcomes.items()), extra))
    print("\n%d of %d trials failed" % (bad, len(rows)))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
