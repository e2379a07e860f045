#!/usr/bin/python3
"""Step-rule fixtures for the decision family: the real NeuroGym's stepping.

For each case (task id, kwargs, seed, forced trial variables, action policy) this seeds
the environment, draws one trial with new_trial(**cond), builds the policy's actions
from the trial's gt and periods, steps through them with env.step until the trial
ends, and records the trial dict and the outcome: performance, summed reward, steps
taken and whether the trial ended before its last step. TestDecisionSteps replays the
same actions with Env.Replay and compares.

"blocks" holds 45 consecutive HierarchicalReasoning trial dicts per case, across rule
switches. NeuroGym draws the first block's length in __init__ from an unseeded stream;
it is set here to the project's choice, RandomState(seed).randint(10, 21), so that the
rest (the switches and the later block lengths, drawn from the task's stream) is
compared (TestHierarchicalReasoningBlocks).

    NEUROGYM_SRC=/path/to/neurogym-ee0a140c ./decision_steps.py > decision_steps.json

Policies (gt = the trial's target actions, d = the rows of the decision period):
  gt        follow the target
  wrong     follow the target, but in d choose 2 where the target is 1, else 1
  idle      action 0 throughout (the trial times out)
  restless  action 1 on every row before d, then the target
  sure      follow the target, but choose 3 (the sure option) in d (PostDecisionWager)
  wrongrule follow the target, but report the other rule in rule_target (HierarchicalReasoning)
"""
import json, os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, '../../../../shared/neurogym'),
                os.environ.get('NEUROGYM_SRC', 'neurogym-ee0a140c')]
import numpy as np  # noqa: E402
import gym  # noqa: E402
import trials as T  # noqa: E402  shared/neurogym/trials.py (imports neurogym)

TASKS = ['ContextDecisionMaking-v0', 'SingleContextDecisionMaking-v0', 'MultiSensoryIntegration-v0',
         'PerceptualDecisionMakingDelayResponse-v0', 'PulseDecisionMaking-v0', 'PostDecisionWager-v0',
         'ProbabilisticReasoning-v0', 'HierarchicalReasoning-v0']
POLICIES = ['gt', 'wrong', 'idle', 'restless']
EXTRA = {'PostDecisionWager-v0': ['sure'], 'HierarchicalReasoning-v0': ['wrongrule']}
# forced trial variables (new_trial(**cond)), followed with the gt policy
FORCED = [
    ('ContextDecisionMaking-v0', {}, {'context': 1, 'ground_truth': 2, 'coh_1': 50}),
    ('ContextDecisionMaking-v0', {}, {'coh_0': 0, 'other_choice': 1}),
    ('SingleContextDecisionMaking-v0', {'dim_ring': 3}, {'ground_truth': 2, 'other_choice': 0, 'context': 1}),
    ('MultiSensoryIntegration-v0', {}, {'coh_prop': 0.25, 'coh': 50}),
    ('PerceptualDecisionMakingDelayResponse-v0', {}, {'sigma': 0.5, 'coh': 12.8, 'ground_truth': 2}),
    ('PulseDecisionMaking-v0', {}, {'pulse1': [1.0, 1.0, 1.0, 1.0, 1.0, 1.0], 'ground_truth': 0}),
    ('PostDecisionWager-v0', {}, {'wager': True, 'coh': 51.2, 'ground_truth': 0}),
    ('PostDecisionWager-v0', {'rewards': {'correct': 2, 'fail': -1}}, {'wager': True}),
    ('ProbabilisticReasoning-v0', {}, {'shapes': [0, 9, 9, 0]}),
    ('ProbabilisticReasoning-v0', {}, {'locs': [3, 3, 0, 1], 'shapes': [1, 2, 3, 4, 5]}),
    ('HierarchicalReasoning-v0', {}, {'rule': 0, 'stimulus': 1}),
    ('HierarchicalReasoning-v0', {'dt': 20.0}, {'interval': 5000, 'rule': 0}),
]


def actions(env, policy):
    gt = np.asarray(env.gt).astype(int)
    a = gt.copy()
    d0, d1 = env.start_ind['decision'], env.end_ind['decision']
    if policy == 'wrong':
        a[d0:d1] = np.where(gt[d0:d1] == 1, 2, 1)
    elif policy == 'idle':
        a[:] = 0
    elif policy == 'restless':
        a[:d0] = 1
    elif policy == 'sure':
        a[d0:d1] = 3
    elif policy == 'wrongrule':
        r0, r1 = env.start_ind['rule_target'], env.end_ind['rule_target']
        a[r0:r1] = 3 - gt[r0:r1]
    return [int(x) for x in a]


def run(task, kwargs, seed, cond, policy):
    env = gym.make(task, **kwargs)
    env.seed(seed)
    tr = env.new_trial(**cond)
    trial = json.dumps(T.jsonable(tr))
    acts = actions(env, policy)
    n = len(env.gt)
    total, perf, steps, ended = 0, 0, 0, False
    for i, a in enumerate(acts):
        _, r, _, info = env.step(a)
        total += r
        if info['new_trial']:
            perf, steps, ended = info['performance'], i + 1, i + 1 < n
            break
    return {'task': task, 'kwargs': kwargs, 'seed': seed, 'cond': cond, 'policy': policy, 'trial': trial,
            'performance': float(perf), 'reward': float(total), 'steps': steps, 'ended': ended}


def blocks(kwargs, seed, n=45):
    env = gym.make('HierarchicalReasoning-v0', **kwargs)
    env.block_size = np.random.RandomState(seed).randint(10, 21)
    env.seed(seed)
    return {'kwargs': kwargs, 'seed': seed, 'trials': [json.dumps(T.jsonable(env.new_trial())) for _ in range(n)]}


def main():
    out = []
    for task in TASKS:
        for kwargs in [{}, {'dt': 20}]:
            for seed in [0, 1, 2]:
                for policy in POLICIES + EXTRA.get(task, []):
                    out.append(run(task, kwargs, seed, {}, policy))
    for task, kwargs, cond in FORCED:
        out.append(run(task, kwargs, 5, cond, 'gt'))
    bl = [blocks({}, 0), blocks({'dt': 20}, 4294967295), blocks({'timing': {'delay': ['uniform', [400, 1200]]}}, 11)]
    json.dump({'steps': out, 'blocks': bl}, sys.stdout, indent=0)
    print()


if __name__ == '__main__':
    main()
