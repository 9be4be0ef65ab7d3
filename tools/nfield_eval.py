#!/usr/bin/env python3
"""Evaluate an nfield field from its safetensors file with NumPy alone (no nfield code).

Usage:
    python3 tools/nfield_eval.py FIELD.safetensors POINTS.npy -o OUT.npy
    python3 tools/nfield_eval.py FIELD.safetensors POINTS.txt          (prints the values)
    python3 tools/nfield_eval.py FIELD.safetensors POINTS.npy DIRECTIONS.npy -o OUT.npy

FIELD is a file written by `nfield fit` or `nfield export --format safetensors`. POINTS is
[N, 3] in the original coordinates of the data the field was fitted to (.npy, or text with
three numbers a line). The result is [N, 1] for an SDF (signed distance in original units,
negative inside) and [N, 4] for a radiance field (density per original unit length, r, g, b).
A view-dependent radiance field (one with a "color" section) also needs DIRECTIONS [N, 3]: the
unit view direction at each point (the way the ray travels), .npy or text.
It follows FORMAT.md ("Evaluating a field by hand" and "Exports") step by step, in float64.

As a module:  f = load("bunny.safetensors");  values = f(points)   (or f(points, directions))
"""
import argparse
import json
import struct
import sys

import numpy as np

PRIME_Y = 2654435761
PRIME_Z = 805459861

# Real spherical harmonics as polynomial terms (column, coefficient, powers of x, y, z): FORMAT.md,
# "spherical_harmonics"; the first degree^2 columns are used.
_C1, _C2, _C3 = 0.48860251190291987, 1.0925484305920792, 0.54627421529603959
SH_TERMS = [
    (0, 0.28209479177387814, 0, 0, 0),
    (1, -_C1, 0, 1, 0), (2, _C1, 0, 0, 1), (3, -_C1, 1, 0, 0),
    (4, _C2, 1, 1, 0), (5, -_C2, 0, 1, 1), (6, 0.94617469575755997, 0, 0, 2), (6, -0.31539156525251999, 0, 0, 0),
    (7, -_C2, 1, 0, 1), (8, _C3, 2, 0, 0), (8, -_C3, 0, 2, 0),
    (9, -1.7701307697799305, 2, 1, 0), (9, 0.59004358992664352, 0, 3, 0), (10, 2.8906114426405538, 1, 1, 1),
    (11, 0.45704579946446572, 0, 1, 0), (11, -2.2852289973223286, 0, 1, 2),
    (12, 1.865881662950577, 0, 0, 3), (12, -1.1195289977703462, 0, 0, 1),
    (13, 0.45704579946446572, 1, 0, 0), (13, -2.2852289973223286, 1, 0, 2),
    (14, 1.4453057213202769, 2, 0, 1), (14, -1.4453057213202769, 0, 2, 1),
    (15, -0.59004358992664352, 3, 0, 0), (15, 1.7701307697799305, 1, 2, 0),
]


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
    elif kind == "spherical_harmonics":
        cols = enc["degree"] ** 2
        y = np.zeros((q.shape[0], cols))
        for col, coef, px, py, pz in SH_TERMS:
            if col < cols:
                y[:, col] += coef * q[:, 0] ** px * q[:, 1] ** py * q[:, 2] ** pz
        parts.append(y)
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


def mlp(net, tensors, prefix, e):
    """e [N, E] -> raw outputs through the layers {prefix}layers.K.weight / .bias (FORMAT.md step 2)."""
    layers = net["hidden_layers"] + 1
    skip = set(net.get("skip", []))
    h = e
    for k in range(layers):
        if k in skip:
            h = np.concatenate([h, e], axis=1)
        w = tensors[f"{prefix}layers.{k}.weight"].astype(np.float64)  # [in, out]
        b = tensors[f"{prefix}layers.{k}.bias"].astype(np.float64)
        h = h @ w + b
        if k < layers - 1:
            h = activation(net["activation"], h)
    return h


def load(path):
    """The field in `path` as a function: points [N, 3] (original coordinates) [, directions [N, 3]] -> outputs."""
    tensors, meta = read_safetensors(path)
    if meta.get("format") != "nfield-field":
        raise ValueError(f"{path}: __metadata__.format is {meta.get('format')!r}, not 'nfield-field'")
    cfg = json.loads(meta["field"])
    cx, cy, cz, s = json.loads(meta.get("normalization", "[0, 0, 0, 1]"))
    color = cfg.get("color")

    def field(points, directions=None):
        p = np.asarray(points, dtype=np.float64).reshape(-1, 3)
        q = (p - np.array([cx, cy, cz])) * s
        h = mlp(cfg["network"], tensors, "network.", encode(cfg["encoding"], tensors, q))
        if cfg["kind"] == "sdf":
            return h / s
        if cfg.get("density_activation", "trunc_exp") == "trunc_exp":
            density = np.exp(h[:, :1])
        else:
            density = np.logaddexp(0, h[:, :1])
        if color is None:
            raw_rgb = h[:, 1:4]
        else:
            if directions is None:
                raise ValueError(f"{path}: the field's colour depends on the view direction; pass directions [N, 3]")
            d = np.asarray(directions, dtype=np.float64).reshape(-1, 3)
            if d.shape[0] != p.shape[0]:
                raise ValueError(f"{d.shape[0]} directions for {p.shape[0]} points")
            # the direction needs no normalisation: original and field coordinates differ by a uniform scale and shift
            de = encode(color["direction_encoding"], tensors, d)
            raw_rgb = mlp(color["network"], tensors, "color.network.", np.concatenate([h, de], axis=1))
        rgb = 1 / (1 + np.exp(-raw_rgb))
        return np.concatenate([density * s, rgb], axis=1)

    field.view_dependent = color is not None
    return field


def read_points(path, what):
    a = np.load(path) if path.endswith(".npy") else np.loadtxt(path, ndmin=2)
    if a.ndim != 2 or a.shape[1] != 3:
        raise ValueError(f"{path}: expected [N, 3] {what}, got shape {list(a.shape)}")
    return a


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("field", help="an nfield safetensors file")
    ap.add_argument("points", help="[N, 3] points: .npy, or text with three numbers a line")
    ap.add_argument("directions", nargs="?",
                    help="[N, 3] unit view directions, one per point (needed by view-dependent radiance fields)")
    ap.add_argument("-o", "--output", help="write the [N, outputs] result here (.npy, float32); else print it")
    args = ap.parse_args()
    try:
        f = load(args.field)
        pts = read_points(args.points, "points")
        dirs = read_points(args.directions, "directions") if args.directions else None
        if f.view_dependent and dirs is None:
            raise ValueError(f"{args.field}: the field's colour depends on the view direction; "
                             "pass DIRECTIONS [N, 3] after the points")
        out = f(pts, dirs)
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
