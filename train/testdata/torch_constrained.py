"""Cross-check of Dale's law, connectivity masks, the regularisers and
gradient clipping (train.Train with constrainedConfig) against PyTorch.

Feeds PyTorch exactly the Go run's initial weights (with the masks and Dale
signs of model.npz), batches and network noise, dumped by
TestDumpForTorchConstrained, and implements the effective weights of
model/constraints.go, PsychRNN's regularisers (model.Regularization) and
torch.nn.utils.clip_grad_norm_. Prints, per iteration, PyTorch's loss and
its parts next to Go's, the gradient norm before clipping, and finally the
Go literal pinned in TestConstrainedMatchesPyTorch.

    TASKRNN_TORCH_DUMP_CONSTRAINED=/tmp/dump go test ./train -run DumpForTorchConstrained
    /usr/bin/python3 train/testdata/torch_constrained.py /tmp/dump
"""
import json
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
w = dict(np.load(f"{d}/init.npz"))
p = json.load(open(f"{d}/params.json"))
go = np.loadtxt(f"{d}/loss.txt")
REGS = ["L1_in", "L2_in", "L1_rec", "L2_rec", "L1_out", "L2_out", "L1_firing_rate", "L2_firing_rate"]


class Net(nn.Module):
    """The tutorial's leaky RNN with the effective weights of model/constraints.go."""

    def __init__(self):
        super().__init__()
        self.input2rec = nn.Linear(I, H, bias=False)
        self.rec2rec = nn.Linear(H, H)
        self.rec2output = nn.Linear(H, O)
        sign = torch.from_numpy(w.pop("dale_sign"))
        self.register_buffer("mx", torch.from_numpy(w.pop("input2rec.mask")))
        self.register_buffer("mr", torch.from_numpy(w.pop("rec2rec.mask")) * sign[None, :])
        self.register_buffer("mo", torch.from_numpy(w.pop("rec2output.mask")) * (sign > 0).float()[None, :])

    def effective(self):
        # Dale: |W_rec| times the mask and the presynaptic sign; the outputs
        # read excitatory units only; inputs and outputs keep their sign
        return (self.input2rec.weight * self.mx,
                self.rec2rec.weight.abs() * self.mr,
                self.rec2output.weight * self.mo)

    def forward(self, x, noise):
        wx, wr, wo = self.effective()
        h = torch.zeros(x.shape[1], H)
        hs, outs = [], []
        for t in range(x.shape[0]):
            pre = x[t] @ wx.T + h @ wr.T + self.rec2rec.bias
            h = h * (1 - p["alpha"]) + p["alpha"] * torch.relu(pre) + p["noise_scale"] * noise[t]
            hs.append(h)
            outs.append(h @ wo.T + self.rec2output.bias)
        return torch.stack(outs), torch.stack(hs), (wx, wr, wo)


net = Net()
net.load_state_dict({k: torch.from_numpy(v) for k, v in w.items()}, strict=False)
opt = torch.optim.Adam(net.parameters(), lr=p["learning_rate"])
crit = nn.CrossEntropyLoss()
rows = []
for k in range(n):
    opt.zero_grad()
    out, hs, (wx, wr, wo) = net(torch.from_numpy(x[k]), torch.from_numpy(nz[k]))
    task = crit(out.view(-1, O), torch.from_numpy(y[k].astype(np.int64)).flatten())
    regs = [p["L1_in"] * wx.abs().mean(), p["L2_in"] * (wx ** 2).mean(),
            p["L1_rec"] * wr.abs().mean(), p["L2_rec"] * (wr ** 2).mean(),
            p["L1_out"] * wo.abs().mean(), p["L2_out"] * (wo ** 2).mean(),
            p["L1_firing_rate"] * hs.abs().mean(), p["L2_firing_rate"] * (hs ** 2).mean()]
    loss = task
    for r in regs:
        loss = loss + r
    loss.backward()
    norm = torch.nn.utils.clip_grad_norm_(net.parameters(), p["clip_grad_norm"])
    opt.step()
    row = [loss.item(), task.item()] + [r.item() for r in regs]
    rows.append(row)
    rel = max(abs(g - t) / abs(t) for g, t in zip(go[k], row))
    print(f"{k + 1:3d} torch loss {row[0]!r:22} go {go[k][0]:.9g}  task {row[1]:.6g}  "
          f"grad norm {norm.item():.4g}  largest rel diff of the 10 values {rel:.1e}")

print("var torchConstrained = [10][10]float64{")
for row in rows:
    print("\t{" + ", ".join(repr(v) for v in row) + "},")
print("}")
