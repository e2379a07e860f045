"""Cross-check of train.Train against the PyTorch tutorial's model and Adam.

Feeds PyTorch exactly the Go run's initial weights, batches and network noise
(dumped by TestDumpForTorch) and prints PyTorch's loss for each iteration next
to Go's. The first 10 PyTorch losses are pinned in TestLossCurveMatchesPyTorch.

    TASKRNN_TORCH_DUMP=/tmp/dump go test ./train -run DumpForTorch
    python3 train/testdata/torch_loss_curve.py /tmp/dump
"""
import math
import sys

import numpy as np
import torch
import torch.nn as nn

d = sys.argv[1] if len(sys.argv) > 1 else "."
torch.set_num_threads(1)
n, T, B, I, H, O = map(int, open(f"{d}/shape.txt").read().split())
x = np.load(f"{d}/x.npy").reshape(n, T, B, I)
y = np.load(f"{d}/y.npy").reshape(n, T, B)
nz = np.load(f"{d}/noise.npy").reshape(n, T, B, H)
w = np.load(f"{d}/init.npz")
go = np.loadtxt(f"{d}/loss.txt")


class Net(nn.Module):
    """The tutorial's leaky RNN (dt 20, tau 100, network noise 0.1, ReLU)."""

    def __init__(self):
        super().__init__()
        self.input2rec = nn.Linear(I, H, bias=False)
        self.rec2rec = nn.Linear(H, H)
        self.rec2output = nn.Linear(H, O)
        self.alpha = 20 / 100
        self.sigma = math.sqrt(2 * self.alpha) * 0.1

    def forward(self, x, noise):
        h = torch.zeros(x.shape[1], H)
        outs = []
        for t in range(x.shape[0]):
            h = h * (1 - self.alpha) + self.alpha * torch.relu(self.input2rec(x[t]) + self.rec2rec(h)) + self.sigma * noise[t]
            outs.append(self.rec2output(h))
        return torch.stack(outs)


net = Net()
net.load_state_dict({k: torch.from_numpy(v) for k, v in w.items()})
opt = torch.optim.Adam(net.parameters(), lr=0.01)
crit = nn.CrossEntropyLoss()
for k in range(n):
    opt.zero_grad()
    out = net(torch.from_numpy(x[k]), torch.from_numpy(nz[k]))
    loss = crit(out.view(-1, O), torch.from_numpy(y[k].astype(np.int64)).flatten())
    loss.backward()
    opt.step()
    print(f"{k + 1:3d} torch {loss.item()!r:22} go {go[k]:.9g}  rel diff {abs(go[k] - loss.item()) / loss.item():.1e}")
