#!/usr/bin/python3
"""Times one layer normalization of a U-Net activation three ways in PyTorch (docs/BENCHMARKS.md,
"Where the `layer` forward's extra time goes"), forward only, no autograd:

  batchnorm   how brainseg computes it (GroupNormBlock, groups 1): PyTorch's batch-norm kernel with batch
              statistics on the (1, N, rest) view, then gamma and beta in one inference-mode batch-norm call
  layernorm   torch's layer_norm over each sample (unit weight and zero bias the size of a sample), then the
              same gamma-beta call
  groupnorm   torch's group_norm with 1 group, gamma and beta inside the kernel (what the peer's twin runs)

Each row: the median of 15 timed calls after 3 warm-ups, 2 intra-op threads, and the largest absolute
difference to groupnorm. Run it with the launcher's allocator settings and mmap off, or the 33.5 MB
activations page-fault on every call and the allocator is what is measured:

  (. deploy/image/allocator.sh; MALLOC_MMAP_MAX_=0 /usr/bin/python3 bench/norm_kernels.py)
"""
import time

import torch
import torch.nn.functional as F

SHAPES = ((2, 16, 64), (1, 16, 96), (1, 16, 128))  # (batch, channels, edge): the peer table's and two windows


def median_ms(f, runs=15, warmup=3):
    for _ in range(warmup):
        f()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    times.sort()
    return 1000 * times[len(times) // 2]


def main():
    torch.set_num_threads(2)
    torch.manual_seed(0)
    print("| shape | batchnorm ms | layernorm ms | groupnorm ms | batchnorm / groupnorm | max abs diff |")
    print("|---|---|---|---|---|---|")
    with torch.no_grad():
        for n, c, s in SHAPES:
            x = torch.randn(n, c, s, s, s)
            gamma = torch.rand(c) + 0.5
            beta = torch.randn(c)
            per_sample = x[0].numel()
            unit, zero = torch.ones(per_sample), torch.zeros(per_sample)

            def affine(y):
                return F.batch_norm(y, torch.zeros(c), torch.ones(c), gamma, beta, False, 0.0, 0.0)

            def batchnorm():
                v = x.reshape(1, n, -1)
                y = F.batch_norm(v, torch.zeros(n), torch.ones(n), torch.ones(n), torch.zeros(n), True, 0.0, 1e-5)
                return affine(y.reshape(x.shape))

            def layernorm():
                return affine(F.layer_norm(x.reshape(n, -1), (per_sample,), unit, zero, 1e-5).reshape(x.shape))

            def groupnorm():
                return F.group_norm(x, 1, gamma, beta, 1e-5)

            ref = groupnorm()
            diff = max((batchnorm() - ref).abs().max().item(), (layernorm() - ref).abs().max().item())
            b, l, g = median_ms(batchnorm), median_ms(layernorm), median_ms(groupnorm)
            print(f"| {n}x{c}x{s}³ | {b:.1f} | {l:.1f} | {g:.1f} | {b / g:.2f} | {diff:.1e} |")


if __name__ == "__main__":
    main()
