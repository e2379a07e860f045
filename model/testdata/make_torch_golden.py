#!/usr/bin/python3
"""Writes torch_state_dict.npz (a state_dict saved with numpy.savez) and
torch_golden.npz: the tutorial's PyTorch RNN (activation chosen),
its weights, a batch of inputs, targets and network noise, and PyTorch's
logits, loss and gradients for three (activation, loss) pairs with class
targets, and for three more with per-step loss weights (mask) and, for L1
and L2, desired output vectors (value targets) instead of classes:
loss = (loss_fn(reduction='none') * mask).sum() / mask.sum(), the
per-element L1/L2 loss first averaged over the outputs. The Go test
TestMatchesPyTorch compares the model package against these numbers.

Run from this directory: /usr/bin/python3 make_torch_golden.py (torch 1.13).
"""
import numpy as np
import torch

T, B, I, H, O = 20, 4, 3, 64, 3
DT, TAU, NOISE = 20, 100, 0.1


class RNN(torch.nn.Module):
    # the tutorial's class, with the activation as a parameter and the noise
    # passed in instead of drawn with torch.randn
    def __init__(self, act):
        super().__init__()
        self.input2rec = torch.nn.Linear(I, H, bias=False)
        self.rec2rec = torch.nn.Linear(H, H)
        self.rec2output = torch.nn.Linear(H, O)
        self.alpha = DT / TAU
        self.act = {'relu': torch.relu, 'sigmoid': torch.sigmoid,
                    'softplus': torch.nn.functional.softplus}[act]

    def forward(self, x, noise):
        h = torch.zeros(x.shape[1], H)
        states = []
        for t in range(x.shape[0]):
            h_new = self.act(self.input2rec(x[t]) + self.rec2rec(h))
            h = h * (1 - self.alpha) + h_new * self.alpha
            h = h + NOISE * noise[t] * (2 * self.alpha) ** 0.5
            states.append(h)
        return self.rec2output(torch.stack(states, 0))


torch.manual_seed(0)
rng = np.random.RandomState(0)
x = torch.from_numpy(rng.uniform(-0.5, 1.5, size=(T, B, I)).astype(np.float32))
noise = torch.from_numpy(rng.standard_normal(size=(T, B, H)).astype(np.float32))
y = torch.from_numpy(rng.randint(0, O, size=(T * B,)).astype(np.int64))
out = {'inputs': x.numpy(), 'noise': noise.numpy(), 'targets': y.numpy().astype(np.int32)}
for act, loss_name in [('relu', 'CrossEntropy'), ('sigmoid', 'L2'), ('softplus', 'L1')]:
    net = RNN(act)
    for name, p in net.named_parameters():  # larger weights: more varied states
        with torch.no_grad():
            p.mul_(2)
        out[f'{act}/{name}'] = p.detach().numpy().copy()
    if act == 'relu':  # a state_dict saved the way a PyTorch user would
        np.savez('torch_state_dict.npz', **{k: v.numpy() for k, v in net.state_dict().items()})
    z = net(x, noise)
    flat = z.view(-1, O)
    if loss_name == 'CrossEntropy':
        loss = torch.nn.CrossEntropyLoss()(flat, y)
    else:
        onehot = torch.nn.functional.one_hot(y, O).float()
        loss = (torch.nn.L1Loss() if loss_name == 'L1' else torch.nn.MSELoss())(flat, onehot)
    loss.backward()
    out[f'{act}/logits'] = z.detach().numpy()
    out[f'{act}/loss'] = np.array([loss.item()])
    for name, p in net.named_parameters():
        out[f'{act}/grad/{name}'] = p.grad.numpy().copy()

# masked cases (drawn after the ones above, so their arrays stay as they were)
mask = rng.uniform(0, 2, size=(T * B,)).astype(np.float32)
mask[rng.uniform(size=T * B) < 0.25] = 0
value = rng.uniform(-0.5, 1.5, size=(T * B, O)).astype(np.float32)
out['mask'], out['value'] = mask, value
m = torch.from_numpy(mask)
for act, loss_name, targets in [('relu', 'CrossEntropy', 'class'), ('sigmoid', 'L2', 'value'), ('softplus', 'L1', 'value')]:
    key = f'masked/{act}'
    net = RNN(act)
    for name, p in net.named_parameters():
        with torch.no_grad():
            p.mul_(2)
        out[f'{key}/{name}'] = p.detach().numpy().copy()
    z = net(x, noise)
    flat = z.view(-1, O)
    if loss_name == 'CrossEntropy':
        per_step = torch.nn.CrossEntropyLoss(reduction='none')(flat, y)
    else:
        fn = torch.nn.L1Loss if loss_name == 'L1' else torch.nn.MSELoss
        per_step = fn(reduction='none')(flat, torch.from_numpy(value)).mean(dim=1)
    loss = (per_step * m).sum() / m.sum()
    loss.backward()
    out[f'{key}/logits'] = z.detach().numpy()
    out[f'{key}/loss'] = np.array([loss.item()])
    for name, p in net.named_parameters():
        out[f'{key}/grad/{name}'] = p.grad.numpy().copy()
np.savez('torch_golden.npz', **out)
print('wrote torch_golden.npz with', len(out), 'arrays; torch', torch.__version__)
