#!/usr/bin/env python3
"""Evaluate an nfield field from its safetensors file with NumPy alone (no nfield code).

Usage:
    python3 tools/nfield_eval.py FIELD.safetensors POINTS.npy -o OUT.npy
    python3 tools/nfield_eval.py FIELD.safetensors POINTS.txt          (prints the values)

FIELD is a file written by `nfield fit` or `nfield export --format safetensors`. POINTS is
[N, 3] in the original coordinates of the data the field was fitted to (.npy, or text with
three numbers a line). The result is [N, 1] for an SDF (signed distance in original units,
negative inside) and [N, 4] for a radiance field (density per original unit length, r, g, b).
It follows FORMAT.md ("Evaluating a field by hand" and "Exports") step by step, in float64.

As a module:  f = load("bunny.safetensors");  values = f(points)
"""
import argparse
import json
import struct
import sys

import numpy as np

PRIME_Y = 2654435761
PRIME_Z = 805459861


def read_safetensors(path):
    """Returns (tensors: name -> float32 array, metadata: dict of strings)."""
    with open(path, "rb") as fh:
        data = fh.read()
    if len(data) < 8:
        raise ValueError(f"{path}: only {len(data)} bytes; not a safetensors file")
    (n,) = struct.unpack("<Q", data[:8])
    if n > len(data) - 8:
        raise ValueError(f"{path}: header length {n} runs past the file ({len(data)} bytes)")
    header = json.loads(data[8:8 + n].decode("utf-8"))
    body = data[8 + n:]
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, t in header.items():
        if t["dtype"] != "F32":
            raise ValueError(f"{path}: tensor {name} has dtype {t['dtype']}; expected F32")
        a, z = t["data_offsets"]
        if not 0 <= a <= z <= len(body):
            raise ValueError(f"{path}: tensor {name} range [{a}, {z}) runs past the data")
        arr = np.frombuffer(body[a:z], dtype="<f4")
        tensors[name] = arr.reshape(t["shape"])
    return tensors, meta


def hash_resolutions(enc):
    """N_l = floor(base_resolution * per_level_scale**l), in double precision."""
    return [int(np.floor(enc["base_resolution"] * enc["per_level_scale"] ** l)) for l in range(enc["levels"])]


def encode(enc, tensors, q):
    """q [N, 3] in field coordinates -> encoded features [N, width] (float64)."""
    kind = enc["type"]
    parts = []
    if kind == "identity" or enc.get("include_input", False):
        parts.append(q)
    if kind == "identity":
        pass
    elif kind == "frequency":
        for k in range(enc["octaves"]):
            x = (2.0 ** k) * np.pi * q
            parts += [np.sin(x), np.cos(x)]
    elif kind == "fourier":
        b = tensors["encoding.B"].astype(np.float64)  # [m, 3]
        t = 2 * np.pi * q @ b.T
        parts += [np.cos(t), np.sin(t)]
    elif kind == "hash":
        log2t, nf = enc["log2_table"], enc["features"]
        for level, n in enumerate(hash_resolutions(enc)):
            table = tensors[f"encoding.levels.{level}.table"].astype(np.float64)  # [T, F]
            x = np.clip((q + 1) / 2, 0, 1) * n
            c = np.minimum(np.floor(x), n - 1)
            t = x - c
            c = c.astype(np.uint64)
            n1 = n + 1
            dense = n1 <= 1024 and n1 ** 3 <= 2 ** log2t
            acc = np.zeros((q.shape[0], nf))
            for corner in range(8):
                bits = [(corner >> d) & 1 for d in range(3)]
                v = c + np.array(bits, dtype=np.uint64)
                w = np.ones(q.shape[0])
                for d in range(3):
                    w *= t[:, d] if bits[d] else 1 - t[:, d]
                if dense:
                    idx = v[:, 0] + n1 * (v[:, 1] + n1 * v[:, 2])
                else:
                    idx = (v[:, 0] ^ (v[:, 1] * np.uint64(PRIME_Y)) ^ (v[:, 2] * np.uint64(PRIME_Z))) \
                          & np.uint64((1 << log2t) - 1)
                acc += w[:, None] * table[idx.astype(np.int64)]
            parts.append(acc)
    else:
        raise ValueError(f"unknown encoding type {kind!r}")
    return np.concatenate(parts, axis=1)


def activation(cfg, z):
    kind = cfg["type"]
    if kind == "relu":
        return np.maximum(z, 0)
    if kind == "softplus":
        beta = cfg["beta"]
        return np.maximum(z, 0) + np.log1p(np.exp(-beta * np.abs(z))) / beta
    if kind == "sine":
        return np.sin(cfg["omega0"] * z)
    raise ValueError(f"unknown activation {kind!r}")


def load(path):
    """The field in `path` as a function: points [N, 3] (original coordinates) -> outputs."""
    tensors, meta = read_safetensors(path)
    if meta.get("format") != "nfield-field":
        raise ValueError(f"{path}: __metadata__.format is {meta.get('format')!r}, not 'nfield-field'")
    cfg = json.loads(meta["field"])
    cx, cy, cz, s = json.loads(meta.get("normalization", "[0, 0, 0, 1]"))
    net = cfg["network"]
    layers = net["hidden_layers"] + 1
    skip = set(net.get("skip", []))

    def field(points):
        p = np.asarray(points, dtype=np.float64).reshape(-1, 3)
        q = (p - np.array([cx, cy, cz])) * s
        e = encode(cfg["encoding"], tensors, q)
        h = e
        for k in range(layers):
            if k in skip:
                h = np.concatenate([h, e], axis=1)
            w = tensors[f"network.layers.{k}.weight"].astype(np.float64)  # [in, out]
            b = tensors[f"network.layers.{k}.bias"].astype(np.float64)
            h = h @ w + b
            if k < layers - 1:
                h = activation(net["activation"], h)
        if cfg["kind"] == "sdf":
            return h / s
        if cfg.get("density_activation", "trunc_exp") == "trunc_exp":
            density = np.exp(h[:, :1])
        else:
            density = np.logaddexp(0, h[:, :1])
        rgb = 1 / (1 + np.exp(-h[:, 1:4]))
        return np.concatenate([density * s, rgb], axis=1)

    return field


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("field", help="an nfield safetensors file")
    ap.add_argument("points", help="[N, 3] points: .npy, or text with three numbers a line")
    ap.add_argument("-o", "--output", help="write the [N, outputs] result here (.npy, float32); else print it")
    args = ap.parse_args()
    try:
        f = load(args.field)
        pts = np.load(args.points) if args.points.endswith(".npy") else np.loadtxt(args.points, ndmin=2)
        if pts.ndim != 2 or pts.shape[1] != 3:
            raise ValueError(f"{args.points}: expected [N, 3] points, got shape {list(pts.shape)}")
        out = f(pts)
    except (OSError, ValueError, KeyError) as e:
        print(f"nfield_eval: error: {e}", file=sys.stderr)
        return 2
    if args.output:
        np.save(args.output, out.astype(np.float32))
        print(f"wrote {args.output}: {list(out.shape)}", file=sys.stderr)
    else:
        np.savetxt(sys.stdout, out, fmt="%.9g")
    return 0


if __name__ == "__main__":
    sys.exit(main())
