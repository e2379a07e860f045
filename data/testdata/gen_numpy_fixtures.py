# Throwaway: independent NumPy implementation of the spec (perceptual-decision-making.md),
# written like NeuroGym's gym-era TrialEnv/PerceptualDecisionMaking. NOT real NeuroGym.
import json, sys
import numpy as np

def trunc_exp(rng, vmean, vmin=0, vmax=np.inf):
    if vmin >= vmax:
        return vmax
    while True:
        x = rng.exponential(vmean)
        if vmin <= x < vmax:
            return x

def sample_time(rng, timing, dt):
    if isinstance(timing, (int, float)):
        t = timing
    elif isinstance(timing[0], (int, float)):
        t = rng.choice(timing)
    else:
        dist, args = timing
        if dist == 'uniform': t = rng.uniform(*args)
        elif dist == 'choice': t = rng.choice(args)
        elif dist == 'truncated_exponential': t = trunc_exp(rng, *args)
        elif dist == 'constant': t = args
        else: raise ValueError(dist)
    return (t // dt) * dt

def gen(name, kwargs, seed, n, fixation_cue='until_decision'):
    dt = kwargs.get('dt', 100)
    timing = {'fixation': 100, 'stimulus': 2000, 'delay': 0, 'decision': 100}
    timing.update(kwargs.get('timing', {}))
    cohs = np.array(kwargs.get('cohs', [0, 6.4, 12.8, 25.6, 51.2]), dtype=float) * kwargs.get('stim_scale', 1.0)
    sigma = kwargs.get('sigma', 1.0) / np.sqrt(dt)
    dim_ring = kwargs.get('dim_ring', 2)
    theta = np.linspace(0, 2*np.pi, dim_ring+1)[:-1]
    choices = np.arange(dim_ring)
    rng = np.random.RandomState(seed)
    trials = []
    for _ in range(n):
        g = rng.choice(choices)
        coh = rng.choice(cohs)
        start = 0; se = {}
        for p in ['fixation', 'stimulus', 'delay', 'decision']:
            d = sample_time(rng, timing[p], dt)
            se[p] = (int(start/dt), int((start+d)/dt))
            start = start + d
        T = int(start/dt)
        ob = np.zeros((T, 1+dim_ring), dtype=np.float32)
        cue = ['fixation', 'stimulus', 'delay'] if fixation_cue == 'until_decision' else ['fixation']
        for p in cue:
            ob[se[p][0]:se[p][1], 0] += 1
        s, e = se['stimulus']
        stim = np.cos(theta - theta[g]) * (coh/200) + 0.5
        v = ob[s:e]
        v[..., 1:] += stim
        v[..., 1:] += 0 + rng.randn(*v[..., 1:].shape) * sigma
        gt = np.zeros(T, dtype=np.int64)
        s, e = se['decision']
        gt[s:e] = g + 1
        trials.append({'ground_truth': int(g), 'coh': float(coh), 'ob': ob.tolist(), 'gt': gt.tolist()})
    out = {'name': name, 'task': 'PerceptualDecisionMaking-v0', 'kwargs': kwargs, 'seed': seed,
           'fixation_cue': fixation_cue, 'sigma_effective': float(sigma), 'trials': trials}
    return out

cases = [
    ('numpy_tutorial_seed0_check', {"dt": 20, "timing": {"stimulus": 1000}, "sigma": 0.3}, 0, 5, 'until_decision'),
    ('numpy_defaults_seed1', {}, 1, 4, 'until_decision'),
    ('numpy_dt30_ring3_seed123', {"dt": 30, "dim_ring": 3, "cohs": [5, 50], "sigma": 0.5, "timing": {"stimulus": 500}}, 123, 5, 'until_decision'),
    ('numpy_random_timing_seed7', {"dt": 10, "dim_ring": 4, "stim_scale": 0.5, "sigma": 2.0,
        "timing": {"fixation": [100, 200, 300], "stimulus": ["choice", [200, 400]], "delay": ["uniform", [0, 100]],
                   "decision": ["truncated_exponential", [100, 50, 300]]}}, 7, 6, 'until_decision'),
    ('numpy_fixation_only_seed4294967295', {"dt": 25, "sigma": 0.0, "cohs": [12.8, 51.2],
        "timing": {"delay": ["constant", 200], "stimulus": 300}}, 4294967295, 4, 'fixation_only'),
    ('numpy_dt12p5_ring5_seed99', {"dt": 12.5, "dim_ring": 5, "sigma": 1.5, "timing": {"fixation": ["uniform", [50, 150]], "stimulus": 250, "decision": 50}}, 99, 5, 'until_decision'),
]
import os
outdir = sys.argv[1]
for name, kw, seed, n, fc in cases:
    d = gen(name, kw, seed, n, fc)
    with open(os.path.join(outdir, name + '.json'), 'w') as f:
        json.dump(d, f)
# sanity: the first case must equal the real golden bit for bit
a = json.load(open('/work/shared/golden/pdm_tutorial_seed0.json'))
b = json.load(open(os.path.join(outdir, 'numpy_tutorial_seed0_check.json')))
print('matches real golden:', a['trials'] == b['trials'])
os.remove(os.path.join(outdir, 'numpy_tutorial_seed0_check.json'))
