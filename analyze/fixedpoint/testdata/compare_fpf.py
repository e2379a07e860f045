#!/usr/bin/python3
"""Runs Golub & Sussillo's fixed-point-finder (PyTorch version) on a taskrnn
network and writes the fixture that fpf_test.go compares the Go finder with.

fixed-point-finder is not part of this repository (and must not be copied
into it). Get it, then run this script with Debian's python3-torch:

    git clone https://github.com/mattgolub/fixed-point-finder /tmp/fpf
    go run ./cmd/train -out /tmp/fp-run -analyze=false       # seed 0, 64 ReLU units
    go run ./cmd/analyze -run /tmp/fp-run                     # activity.npz: test-trial hidden states
    /usr/bin/python3 analyze/fixedpoint/testdata/compare_fpf.py \\
        --fpf /tmp/fpf --run /tmp/fp-run --out analyze/fixedpoint/testdata/fpf_golden.npz
    cp /tmp/fp-run/model.npz analyze/fixedpoint/testdata/model_seed0.npz

The fixture was made with fixed-point-finder commit
1a3041798a8c227878bb889fbe7ae47370a1848c and torch 1.13 (Debian).

What it does, all with fixed-point-finder's own code and defaults unless
stated:
  * the network's noise-free step F(h, x) = (1-a) h + a relu(W_x x + W_r h + b_r)
    as a torch module with nn.RNN's calling convention (batch_first), in float64;
  * initial states: FixedPointFinder.sample_states(hidden states of the test
    trials, n_inits, noise_scale) with random_seed (numpy RandomState);
  * find_fixed_points(initial_states, inputs) with the zero-evidence input of
    PerceptualDecisionMaking during the stimulus, [1, 0.5, 0.5];
  * a small sample_states case on synthetic trajectories with a valid mask,
    which pins the sampler value for value;
  * optionally (--bench_inits N) the same search from N initial states in
    fixed-point-finder's default float32 and in float64, timed.

The fixture holds the inputs of the comparison (the sampled trajectories
states/valid, x_init, inputs, options) and fixed-point-finder's unique points
(xstar, qstar, eigval_J_xstar, is_stable), F at them evaluated by the torch
module (F_xstar_torch), the Jacobian at the one of smallest q and its eigenvalues in complex128
(J_xstar_min_q, eigval_J_xstar_min_q; fixed-point-finder keeps eigenvalues
in complex64)
and every optimisation's qstar (all_qstar).
"""

import argparse
import json
import os
import sys
import time

import numpy as np
import torch


class LeakyRNNStep(torch.nn.Module):
    """The tutorial's leaky RNN without noise, called like torch.nn.RNN with
    batch_first=True: forward(inputs (B, T, I), h0 (1, B, H)) returns the
    states (B, T, H) and the last state (1, B, H)."""

    batch_first = True

    def __init__(self, state_dict, alpha, activation, dtype):
        super().__init__()
        w_in = torch.from_numpy(np.asarray(state_dict["input2rec.weight"], dtype=np.float64))
        w_rec = torch.from_numpy(np.asarray(state_dict["rec2rec.weight"], dtype=np.float64))
        b_rec = torch.from_numpy(np.asarray(state_dict["rec2rec.bias"], dtype=np.float64))
        H, I = w_in.shape
        self.input2rec = torch.nn.Linear(I, H, bias=False)
        self.rec2rec = torch.nn.Linear(H, H)
        with torch.no_grad():
            self.input2rec.weight.copy_(w_in)
            self.rec2rec.weight.copy_(w_rec)
            self.rec2rec.bias.copy_(b_rec)
        self.alpha = alpha
        self.f = {"relu": torch.relu, "sigmoid": torch.sigmoid,
                  "softplus": torch.nn.functional.softplus}[activation]
        self.to(dtype)

    def forward(self, inputs, h0):
        h = h0[0]
        out = []
        for t in range(inputs.shape[1]):
            h = (1 - self.alpha) * h + self.alpha * self.f(self.input2rec(inputs[:, t]) + self.rec2rec(h))
            out.append(h)
        return torch.stack(out, dim=1), h.unsqueeze(0)


def find(FPF, rnn, hidden, valid, inputs, n_inits, args, dtype):
    fpf = FPF(rnn, dtype=dtype, random_seed=args.seed, verbose=False,
              tol_q=args.tol_q, tol_unique=args.tol_unique, max_iters=args.max_iters,
              outlier_distance_scale=args.outlier_distance_scale)
    x_init = fpf.sample_states(hidden, n_inits, valid_bxt=valid, noise_scale=args.noise_scale)
    # a copy: in float64, fixed-point-finder optimises the array it is given
    # in place (torch.from_numpy shares memory and .to() does not copy)
    t0, c0 = time.perf_counter(), time.process_time()
    unique, all_fps = fpf.find_fixed_points(x_init.copy(), inputs)
    return x_init, unique, all_fps, (time.perf_counter() - t0, time.process_time() - c0)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--fpf", required=True, help="checkout of github.com/mattgolub/fixed-point-finder")
    p.add_argument("--run", required=True, help="taskrnn run directory with model.npz, config.json, activity.npz")
    p.add_argument("--out", help="fixture to write (.npz)")
    p.add_argument("--n_inits", type=int, default=128, help="initial states of the fixture")
    p.add_argument("--n_trials", type=int, default=16, help="test trials whose hidden states are sampled")
    p.add_argument("--stride", type=int, default=2, help="sample every stride-th step of them")
    p.add_argument("--noise_scale", type=float, default=0.5)
    p.add_argument("--seed", type=int, default=0, help="random_seed")
    p.add_argument("--tol_q", type=float, default=1e-12)
    p.add_argument("--tol_unique", type=float, default=1e-3)
    p.add_argument("--max_iters", type=int, default=5000)
    p.add_argument("--outlier_distance_scale", type=float, default=10.0)
    p.add_argument("--inputs", default="1,0.5,0.5", help="the constant input x*, comma-separated")
    p.add_argument("--bench_inits", type=int, default=0, help="also time a search from this many initial states")
    p.add_argument("--bench_dtypes", default="float32,float64", help="dtypes of the timed searches, comma-separated")
    p.add_argument("--threads", type=int, default=1, help="torch threads (2 threads ran 10x slower on a shared 2-core machine)")
    args = p.parse_args()

    sys.path.insert(0, args.fpf)
    from FixedPointFinderTorch import FixedPointFinderTorch as FPF

    torch.set_num_threads(args.threads)
    cfg = json.load(open(os.path.join(args.run, "config.json")))
    sd = dict(np.load(os.path.join(args.run, "model.npz")))
    act = np.load(os.path.join(args.run, "activity.npz"))
    # the trajectories: the first n_trials test trials, every stride-th step
    # (a subset keeps the fixture small; the Go test samples from the same)
    hidden = np.ascontiguousarray(act["hidden"][:args.n_trials, ::args.stride])  # (N, T, H) float32
    steps = (act["steps"][:args.n_trials] + args.stride - 1) // args.stride
    valid = np.arange(hidden.shape[1])[None, :] < steps[:, None]
    inputs = np.array([[float(v) for v in args.inputs.split(",")]])
    alpha = cfg["dt"] / cfg["tau"]
    rnn = LeakyRNNStep(sd, alpha, cfg["activation_fun"], torch.float64)

    x_init, unique, all_fps, secs = find(FPF, rnn, hidden, valid, inputs, args.n_inits, args, "float64")
    print("fixture search: %d initial states, %d unique points, %.2f s (float64)" % (args.n_inits, unique.n, secs[0]))
    order = np.argsort(unique.qstar)
    for k in order:
        print("  q = %.3e  |lambda_1| = %.6f  stable %s" % (unique.qstar[k], abs(unique.eigval_J_xstar[k, 0]), unique.is_stable[k]))

    # F at the final points, evaluated by the torch module (fixed-point-finder's
    # own F_xstar is F one step before its last update), and the Jacobian at
    # the point of smallest q
    with torch.no_grad():
        xs = torch.from_numpy(unique.xstar.astype(np.float64))
        _, F = rnn(torch.from_numpy(np.tile(inputs, (unique.n, 1)))[:, None, :], xs[None])
    F_torch = F[0].numpy()
    J_min = unique.J_xstar[np.argmin(unique.qstar)].astype(np.float64)
    # fixed-point-finder stores eigenvalues as complex64 (its dtype_complex
    # default); these are numpy's in complex128, sorted its way
    ev_min = np.linalg.eigvals(J_min)
    ev_min = ev_min[np.argsort(np.abs(ev_min))[::-1]]

    # sample_states on a small synthetic case with a valid mask
    rs = np.random.RandomState(7)
    syn = rs.randn(3, 5, 4).astype(np.float32)
    syn_valid = rs.rand(3, 5) < 0.6
    syn_fpf = FPF(rnn, dtype="float64", random_seed=11, verbose=False)
    syn_samples = syn_fpf.sample_states(syn, 9, valid_bxt=syn_valid, noise_scale=0.25)

    if args.out:
        np.savez(args.out,
                 states=hidden, valid=valid,
                 x_init=x_init.astype(np.float64), inputs=inputs[0].astype(np.float64),
                 noise_scale=np.float64(args.noise_scale), random_seed=np.int64(args.seed),
                 tol_q=np.float64(args.tol_q), tol_unique=np.float64(args.tol_unique),
                 max_iters=np.int64(args.max_iters),
                 outlier_distance_scale=np.float64(args.outlier_distance_scale),
                 xstar=unique.xstar.astype(np.float64), qstar=unique.qstar.astype(np.float64),
                 F_xstar_torch=F_torch, J_xstar_min_q=J_min, eigval_J_xstar_min_q=ev_min,
                 eigval_J_xstar=unique.eigval_J_xstar.astype(np.complex128),
                 is_stable=unique.is_stable.astype(bool),
                 all_qstar=all_fps.qstar.astype(np.float64),
                 sample_traj=syn, sample_valid=syn_valid, sample_n=np.int64(9),
                 sample_noise_scale=np.float64(0.25), sample_seed=np.int64(11),
                 sample_states=syn_samples.astype(np.float64))
        print("wrote", args.out)

    if args.bench_inits > 0:
        for dtype in args.bench_dtypes.split(","):
            r = LeakyRNNStep(sd, alpha, cfg["activation_fun"], getattr(torch, dtype))
            _, u, a, secs = find(FPF, r, hidden, valid, inputs, args.bench_inits, args, dtype)
            print("benchmark: fixed-point-finder, %d initial states, %s, %d torch threads: %.2f s (%.2f s CPU), %d unique points, %d with q <= tol_q, smallest q %.3g"
                  % (args.bench_inits, dtype, args.threads, secs[0], secs[1], u.n, int(np.sum(u.qstar <= args.tol_q)), np.min(u.qstar)))


if __name__ == "__main__":
    main()
