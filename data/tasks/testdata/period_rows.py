#!/usr/bin/python3
"""Period boundaries of real NeuroGym trials, for TestLossWeightsMatchNeuroGymPeriods.

For each case (task id, kwargs, seed) this makes the environment with gym.make, seeds it
with env.seed(seed), draws n trials with new_trial() and records, per trial, its number of
steps (len(ob)) and each period's [name, start_ind, end_ind] in the order NeuroGym added
them (the env's start_ind dict). The Go test cuts the same stream of trials with
data.NewWeightedDataset and checks every step's weight against these rows.

    NEUROGYM_SRC=/work/neurogym-ee0a140c ./period_rows.py > period_rows.json
"""
import json, os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, '../../../../shared/neurogym'),
                os.environ.get('NEUROGYM_SRC', 'neurogym-ee0a140c')]
import numpy as np  # noqa: E402,F401
import gym  # noqa: E402
import neurogym  # noqa: E402,F401

CASES = [
    ('PerceptualDecisionMaking-v0', {'dt': 20}, 3, 12),
    ('PerceptualDecisionMaking-v0', {'dt': 100, 'timing': {'fixation': ['uniform', [100, 500]]}}, 5, 12),
    ('DelayMatchSample-v0', {'dt': 100}, 7, 12),
    ('GoNogo-v0', {'dt': 100}, 11, 12),
]

out = []
for task, kwargs, seed, n in CASES:
    env = gym.make(task, **kwargs)
    env.seed(seed)
    trials = []
    for _ in range(n):
        env.new_trial()
        u = env.unwrapped
        trials.append({'steps': int(len(u.ob)),
                       'periods': [[k, int(u.start_ind[k]), int(u.end_ind[k])] for k in u.start_ind]})
    out.append({'task': task, 'kwargs': kwargs, 'seed': seed, 'trials': trials})
json.dump(out, sys.stdout, indent=1)
print()
