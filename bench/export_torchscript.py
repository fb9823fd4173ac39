#!/usr/bin/python3
"""Writes a brainseg native model as an imported model: its weights loaded into the identical PyTorch
network (torch_peer.UNet3d), traced to TorchScript, in the MONAI bundle layout with brainseg-bundle.json
stating its contract (channels T1, T1ce, T2, FLAIR; brainseg's z-score inside the brain; the scan's own
grid; its patch as the window, half overlap, Gaussian blend; softmax over background, NCR/NET, edema,
enhancing). Called by `./bench/run export`, which writes PARAMS (DJL's parameters, torch_reference.py's
tensor records) and checks the result against the native network.

With LAYOUT "monai" the network is wrapped as a MONAI Model Zoo BraTS bundle would ship it: inputs T1c,
T1, T2, FLAIR; outputs TC, WT, ET as logits of the region probabilities (a sigmoid gives back
p(NCR/NET)+p(ET), p(tumour), p(ET)); configs/inference.json with NormalizeIntensityd(nonzero,
channel_wise), SlidingWindowInferer (the patch, overlap 0.5, Gaussian), Activationsd sigmoid and
AsDiscreted threshold 0.5; no override file: brainseg reads it as it reads any MONAI bundle.

Usage: export_torchscript.py PARAMS MODEL_JSON OUT_DIR NAME VERSION [brainseg|monai]
"""
import json
import os
import re
import struct
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_peer  # noqa: E402  (the identical network, in bench/)


def read(path):
    out = {}
    with open(path, "rb") as f:
        data = f.read()
    i = 0
    while i < len(data):
        (n,) = struct.unpack_from("<i", data, i); i += 4
        name = data[i:i + n].decode("utf-8"); i += n
        (nd,) = struct.unpack_from("<i", data, i); i += 4
        shape = struct.unpack_from("<%dq" % nd, data, i); i += 8 * nd
        count = int(np.prod(shape)) if nd else 1
        a = np.frombuffer(data, dtype="<f4", count=count, offset=i).reshape(shape); i += 4 * count
        out[name] = torch.from_numpy(a.copy())
    return out


def torch_name(djl):
    """'01enc0_02conv1_weight' -> 'enc.0.conv1.weight'; norm gamma/beta -> weight/bias."""
    s = re.sub(r"(^|_)\d\d", r"\1", djl)
    m = re.fullmatch(r"(enc|dec)(\d+)_(conv\d|norm\d)_(weight|bias|gamma|beta)", s)
    if m:
        kind = {"gamma": "weight", "beta": "bias"}.get(m.group(4), m.group(4))
        return "%s.%s.%s.%s" % (m.group(1), m.group(2), m.group(3), kind)
    m = re.fullmatch(r"up(\d+)_(weight|bias)", s)
    if m:
        return "up.%s.%s" % (m.group(1), m.group(2))
    m = re.fullmatch(r"head_(weight|bias)", s)
    if m:
        return "head." + m.group(1)
    raise ValueError("unexpected parameter name " + djl)


class MonaiStyle(torch.nn.Module):
    """The native network behind MONAI's BraTS contract: T1c-first inputs, sigmoid TC/WT/ET outputs."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        p = torch.softmax(self.net(x[:, [1, 0, 2, 3]]), dim=1)  # T1c, T1, T2, FLAIR -> T1, T1ce, T2, FLAIR
        tc = p[:, 1] + p[:, 3]
        r = torch.stack([tc, tc + p[:, 2], p[:, 3]], dim=1).clamp(1e-6, 1 - 1e-6)
        return torch.log(r) - torch.log1p(-r)


def main():
    params, model_json, out, name, version = sys.argv[1:6]
    layout = sys.argv[6] if len(sys.argv) > 6 else "brainseg"
    manifest = json.load(open(model_json))
    a = manifest["architecture"]
    net = torch_peer.UNet3d(int(a["depth"]), int(a["baseWidth"]), a["normalization"])
    state = net.state_dict()
    loaded = {}
    for k, v in read(params).items():
        t = torch_name(k)
        if t not in state:
            raise ValueError("%s (%s) is not a parameter of the PyTorch twin" % (k, t))
        loaded[t] = v.reshape(state[t].shape)
    missing = sorted(set(state) - set(loaded))
    if missing:
        raise ValueError("no value for " + ", ".join(missing))
    net.load_state_dict(loaded)
    net.eval()
    patch = manifest["patchSize"]
    patch = patch if isinstance(patch, list) else [patch] * 3
    os.makedirs(os.path.join(out, "models"), exist_ok=True)
    os.makedirs(os.path.join(out, "configs"), exist_ok=True)
    with torch.no_grad():
        traced = torch.jit.trace(net if layout == "brainseg" else MonaiStyle(net).eval(), torch.zeros(1, 4, *patch))
    traced.save(os.path.join(out, "models", "model.ts"))
    if layout == "monai":
        write_monai(out, name, version, a, patch)
        print(json.dumps({"parameters": sum(p.numel() for p in net.parameters()), "window": patch, "layout": layout}))
        return
    channels = ["T1", "T1ce", "T2", "FLAIR"]
    metadata = {
        "name": name,
        "version": version,
        "description": "brainseg's native %s U-Net (depth %s, width %s, %s normalization) traced to TorchScript"
                       % (a.get("type", "unet3d"), a["depth"], a["baseWidth"], a["normalization"]),
        "intended_use": "research; as the native model's card says",
        "network_data_format": {
            "inputs": {"image": {"num_channels": 4, "channel_def": {str(i): c for i, c in enumerate(channels)}}},
            "outputs": {"pred": {"num_channels": 4, "channel_def": {"0": "background", "1": "NCR/NET", "2": "edema",
                                                                     "3": "enhancing"}}},
        },
    }
    json.dump(metadata, open(os.path.join(out, "configs", "metadata.json"), "w"), indent=2)
    contract = {
        "channels": ["t1", "t1ce", "t2", "flair"],
        "intensity": "brain-zscore",
        "spacingMm": "scan",
        "window": {"roi": patch, "overlap": 0.5, "blend": "gaussian", "batch": 2},
        "output": {"kind": "softmax-labels", "labels": ["background", "ncrNet", "edema", "enhancing"]},
    }
    json.dump(contract, open(os.path.join(out, "brainseg-bundle.json"), "w"), indent=2)
    print(json.dumps({"parameters": sum(p.numel() for p in net.parameters()), "window": patch}))


def write_monai(out, name, version, a, patch):
    metadata = {
        "name": name,
        "version": version,
        "description": "brainseg's native U-Net (depth %s, width %s, %s normalization) behind MONAI's BraTS contract"
                       % (a["depth"], a["baseWidth"], a["normalization"]),
        "intended_use": "research; as the native model's card says",
        "network_data_format": {
            "inputs": {"image": {"num_channels": 4, "channel_def": {"0": "T1c", "1": "T1", "2": "T2", "3": "FLAIR"}}},
            "outputs": {"pred": {"num_channels": 3,
                                 "channel_def": {"0": "Tumor core", "1": "Whole tumor", "2": "Enhancing tumor"}}},
        },
    }
    inference = {
        "device": "$torch.device('cuda:0' if torch.cuda.is_available() else 'cpu')",
        "preprocessing": {"_target_": "Compose", "transforms": [
            {"_target_": "LoadImaged", "keys": "image"},
            {"_target_": "NormalizeIntensityd", "keys": "image", "nonzero": True, "channel_wise": True}]},
        "inferer": {"_target_": "SlidingWindowInferer", "roi_size": patch, "sw_batch_size": 2, "overlap": 0.5,
                    "mode": "gaussian"},
        "postprocessing": {"_target_": "Compose", "transforms": [
            {"_target_": "Activationsd", "keys": "pred", "sigmoid": True},
            {"_target_": "AsDiscreted", "keys": "pred", "threshold": 0.5}]},
    }
    json.dump(metadata, open(os.path.join(out, "configs", "metadata.json"), "w"), indent=2)
    json.dump(inference, open(os.path.join(out, "configs", "inference.json"), "w"), indent=2)


if __name__ == "__main__":
    main()
