#!/usr/bin/python3
"""Writes torch_optim.npz: trajectories of torch.optim.Adam, RMSprop and SGD
(PyTorch's defaults unless named) on two parameter tensors with fixed
gradients, in float32 and float64, for the Go test TestOptimizersMatchPyTorch.

For each case NAME (adam, adam_wd, adam_betas, rmsprop, sgd) and dtype
(float32, float64) the archive holds
  NAME/DTYPE/w0, NAME/DTYPE/w1        weights after every step (steps+1, n), row 0 the start
  NAME/DTYPE/state/P/KEY              the optimizer state of parameter P after the last step
                                      (exp_avg, exp_avg_sq, square_avg; step as a 1-element array)
and, shared by all cases,
  grads0, grads1                      the gradient of every step (steps, n), float64
                                      (cast to the case's dtype before use).

Run from this directory: /usr/bin/python3 torch_optim.py (torch 1.13).
"""
import math

import numpy as np
import torch

STEPS = 12
W0 = [[0.5, -0.3, 0.1, 2.0, -1.5], [0.25, -0.75, 3.0]]


def grads(step):
    g = []
    for p, w in enumerate(W0):
        v = [math.sin(1 + 3 * step + 7 * p + j) * (j + 1) * 0.1 for j in range(len(w))]
        if step == 2:
            v[1] = 0.0  # a zero gradient
        if step == 5 and p == 1:
            v[2] = 1e-20  # a tiny one
        g.append(v)
    return g


CASES = {
    'adam': lambda ps: torch.optim.Adam(ps, lr=0.01),
    'adam_wd': lambda ps: torch.optim.Adam(ps, lr=0.003, weight_decay=0.1),
    'adam_betas': lambda ps: torch.optim.Adam(ps, lr=0.05, betas=(0.8, 0.99), eps=1e-6),
    'rmsprop': lambda ps: torch.optim.RMSprop(ps, lr=0.01),
    'sgd': lambda ps: torch.optim.SGD(ps, lr=0.01),
}

out = {}
gs = [grads(s) for s in range(STEPS)]
for p in range(len(W0)):
    out[f'grads{p}'] = np.array([g[p] for g in gs], dtype=np.float64)
for name, make in CASES.items():
    for dtype, tdt in [('float32', torch.float32), ('float64', torch.float64)]:
        ps = [torch.tensor(w, dtype=tdt, requires_grad=True) for w in W0]
        opt = make(ps)
        traj = [[p.detach().numpy().copy()] for p in ps]
        for s in range(STEPS):
            for p, g in zip(ps, gs[s]):
                p.grad = torch.tensor(g, dtype=torch.float64).to(tdt)
            opt.step()
            for t, p in zip(traj, ps):
                t.append(p.detach().numpy().copy())
        for i, t in enumerate(traj):
            out[f'{name}/{dtype}/w{i}'] = np.array(t)
        for i, p in enumerate(ps):
            for key, v in opt.state[p].items():
                if v is None:  # SGD's momentum_buffer without momentum
                    continue
                v = v.detach().numpy().copy() if torch.is_tensor(v) else np.array(v, dtype=np.float64)
                out[f'{name}/{dtype}/state/{i}/{key}'] = np.atleast_1d(v)
np.savez('torch_optim.npz', **out)
print('wrote torch_optim.npz with', len(out), 'arrays; torch', torch.__version__)
