#!/usr/bin/python3
"""Independent PyTorch reference for brainseg's DJL blocks (used by the model tests).

Usage: torch_reference.py OP OPTIONS_JSON IN_FILE OUT_FILE

Tensor files are a sequence of records, little endian:
  int32 name length, name (UTF-8), int32 ndim, int64 dims[ndim], float32 data (C order).
Computation is in float64 so the reference is more precise than the float32 code under test.
"""
import json
import re
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

EPS = 1e-5


def read(path):
    out = {}
    with open(path, "rb") as f:
        buf = f.read()
    pos = 0
    while pos < len(buf):
        (n,) = struct.unpack_from("<i", buf, pos); pos += 4
        name = buf[pos:pos + n].decode("utf-8"); pos += n
        (nd,) = struct.unpack_from("<i", buf, pos); pos += 4
        dims = struct.unpack_from("<%dq" % nd, buf, pos); pos += 8 * nd
        count = int(np.prod(dims)) if nd else 1
        a = np.frombuffer(buf, dtype="<f4", count=count, offset=pos).reshape(dims); pos += 4 * count
        out[name] = torch.from_numpy(a.astype(np.float64))
    return out


def write(path, tensors):
    with open(path, "wb") as f:
        for name, t in tensors.items():
            a = t.detach().cpu().numpy().astype("<f4")
            b = name.encode("utf-8")
            f.write(struct.pack("<i", len(b))); f.write(b)
            f.write(struct.pack("<i", a.ndim)); f.write(struct.pack("<%dq" % a.ndim, *a.shape))
            f.write(np.ascontiguousarray(a).tobytes())


def norm(kind, x, p, prefix, training, groups=None):
    """Applies normalization `kind` with the block parameters found under `prefix`."""
    if kind == "none":
        return x
    g = p[prefix + "gamma"].flatten()
    b = p[prefix + "beta"].flatten()
    c = x.shape[1]
    if kind == "layer":
        return F.group_norm(x, 1, g, b, EPS)
    if kind == "instance":
        return F.instance_norm(x, weight=g, bias=b, eps=EPS)
    if kind == "group":
        return F.group_norm(x, groups if groups else largest_divisor(c), g, b, EPS)
    if kind == "layer-channel":
        return F.layer_norm(x.permute(0, 2, 3, 4, 1), (c,), g, b, EPS).permute(0, 4, 1, 2, 3)
    if kind == "batch":
        rm = p[prefix + "runningMean"].flatten().clone()
        rv = p[prefix + "runningVar"].flatten().clone()
        y = F.batch_norm(x, rm, rv, g, b, training=training, momentum=0.1, eps=EPS)
        p[prefix + "runningMean.updated"] = rm.reshape(1, c, 1, 1, 1)
        p[prefix + "runningVar.updated"] = rv.reshape(1, c, 1, 1, 1)
        return y
    raise ValueError(kind)


def largest_divisor(c):
    for g in range(min(8, c), 1, -1):
        if c % g == 0:
            return g
    return 1


def conv_block(x, p, prefix, kind, training):
    for i in (1, 2):
        x = F.conv3d(x, p["%sconv%d_weight" % (prefix, i)], p["%sconv%d_bias" % (prefix, i)], padding=1)
        x = norm(kind, x, p, "%snorm%d_" % (prefix, i), training)
        x = F.leaky_relu(x, 0.01)
    return x


def unet(x, p, depth, kind, training):
    skips = []
    for level in range(depth):
        x = conv_block(x, p, "enc%d_" % level, kind, training)
        if level < depth - 1:
            skips.append(x)
            x = F.max_pool3d(x, 2)
    for level in range(depth - 2, -1, -1):
        x = F.conv3d(x, p["up%d_weight" % level], p["up%d_bias" % level])
        x = F.interpolate(x, scale_factor=2, mode="nearest")
        x = torch.cat([skips[level], x], dim=1)
        x = conv_block(x, p, "dec%d_" % level, kind, training)
    return F.conv3d(x, p["head_weight"], p["head_bias"])


def main():
    op, options, src, dst = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3], sys.argv[4]
    t = read(src)
    # DJL prefixes child block names with a two-digit index ("01enc0_02norm1_gamma"): drop it.
    p = {re.sub(r"(^|_)\d\d", r"\1", k): v for k, v in t.items()}
    x = t["input"]
    training = bool(options.get("training", False))
    out = {}
    if op == "norm":
        out["output"] = norm(options["kind"], x, p, "", training, options.get("groups"))
        for k in ("runningMean.updated", "runningVar.updated"):
            if k in p:
                out[k] = p[k]
    elif op == "unet":
        out["output"] = unet(x, p, int(options["depth"]), options["kind"], training)
    elif op == "unet-grad":
        # Gradients of sum(output * upstream) with respect to the input and every parameter, keyed
        # "grad:" + the DJL parameter name (computed in float64 by PyTorch's own kernels).
        names = {k: re.sub(r"(^|_)\d\d", r"\1", k) for k in t
                 if k not in ("input", "upstream") and not k.endswith(("runningMean", "runningVar"))}
        x.requires_grad_(True)
        for k in names.values():
            p[k].requires_grad_(True)
        y = unet(x, p, int(options["depth"]), options["kind"], training)
        (y * t["upstream"]).sum().backward()
        out["output"] = y
        out["grad:input"] = x.grad
        for k, short in names.items():
            if p[short].grad is not None:
                out["grad:" + k] = p[short].grad
    else:
        raise ValueError(op)
    write(dst, out)


if __name__ == "__main__":
    main()
