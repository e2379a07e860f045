#!/usr/bin/python3
"""Write memory_steps.json: the real NeuroGym's stepping (TrialEnv.step with each task's
_step) on the first trials of the memory tasks, for TestMemoryStepRule.

    NEUROGYM_SRC=/path/to/neurogym-ee0a140c ./memory_steps.py

For every case [task, kwargs, seed, number of trials] and every trial i, a new
environment is made and seeded, new_trial() is called i+1 times, and the environment is
stepped with each action sequence below until the trial ends (info['new_trial']),
recording the reward of every step and info['performance'] at the end. (A fresh
environment per sequence, not a deep copy: IntervalDiscrimination's timing lambdas close
over the original environment, so a copy's next trial would draw from the original's
stream.) Sequences: "gt" (the
target), "zeros" (always fixate), "ones" (always action 1), "swap" (the other choice
wherever the target is 1 or 2, Discrete(3) tasks), "noisy" (the target, replaced with
probability 0.2 by a uniform action; RandomState(1000 + trial)).
"""
import json, os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, '../../../../shared/neurogym'),
                os.environ.get('NEUROGYM_SRC', '/work/neurogym-ee0a140c')]
import numpy as np  # noqa: E402
import gym  # noqa: E402
import neurogym  # noqa: E402,F401

CASES = [
    ["DelayComparison-v0", {}, 3, 4],
    ["DelayComparison-v0", {"dt": 50, "rewards": {"abort": -0.5, "correct": 2, "fail": -1}}, 11, 3],
    ["DelayMatchCategory-v0", {}, 3, 4],
    ["DelayMatchSample-v0", {}, 3, 4],
    ["DelayMatchSampleDistractor1D-v0", {}, 3, 4],
    ["DelayMatchSampleDistractor1D-v0", {"dt": 50, "rewards": {"abort": -0.3, "fail": -2}}, 5, 3],
    ["DelayPairedAssociation-v0", {}, 3, 4],
    ["DelayPairedAssociation-v0", {"dt": 50, "timing": {"fixation": 200}, "rewards": {"miss": -0.7, "fail": -2, "abort": -0.2}}, 8, 4],
    ["DualDelayMatchSample-v0", {}, 3, 4],
    ["DualDelayMatchSample-v0", {"dt": 50, "rewards": {"abort": -0.3, "fail": -0.2}}, 6, 3],
    ["IntervalDiscrimination-v0", {}, 3, 4],
    ["IntervalDiscrimination-v0", {"dt": 40, "rewards": {"fail": -1}}, 9, 3],
]


def sequences(gt, n, trial):
    out = {"gt": list(gt), "zeros": [0] * len(gt), "ones": [1] * len(gt)}
    if n == 3:
        out["swap"] = [3 - g if g else 0 for g in gt]
    rng = np.random.RandomState(1000 + trial)
    out["noisy"] = [int(rng.randint(n)) if rng.rand() < 0.2 else int(g) for g in gt]
    return out


def run(env, actions):
    rewards = []
    for a in actions:
        _, r, _, info = env.step(a)
        rewards.append(float(r))
        if info['new_trial']:
            return rewards, float(info['performance'])
    raise RuntimeError('trial did not end')


def at_trial(task, kwargs, seed, i):
    env = gym.make(task, **kwargs).unwrapped
    env.seed(seed)
    for _ in range(i + 1):
        env.new_trial()
    return env


def main():
    out = []
    for task, kwargs, seed, ntr in CASES:
        for i in range(ntr):
            env = at_trial(task, kwargs, seed, i)
            gt = [int(g) for g in env.gt]
            for name, acts in sequences(gt, env.action_space.n, i).items():
                rewards, perf = run(at_trial(task, kwargs, seed, i), acts)
                out.append({"task": task, "kwargs": kwargs, "seed": seed, "trial": i, "name": name,
                            "actions": acts, "rewards": rewards, "performance": perf})
    with open(os.path.join(HERE, 'memory_steps.json'), 'w') as f:
        json.dump(out, f)
        f.write('\n')
    print('wrote', len(out), 'cases')


if __name__ == '__main__':
    main()
