#!/usr/bin/python3
"""Step-rule fixtures of the motor family from the real NeuroGym (motor_steps.json).

For each case: make the task with the keywords, seed it, draw trial+1 trials with
env.new_trial() and step through the last one with a policy's actions until NeuroGym
reports new_trial. Recorded: the actions (one per row of the trial), the reward of
each step taken (r_tmax included), the number of steps, and info['performance'] at
the end. The Go test TestMotorStepRules replays the same actions with Env.Replay and
Env.Step and wants the same numbers.

Stepping after new_trial() (not after a step-triggered trial) keeps what _new_trial
sets: GoNogo's performance = 1 - ground_truth (see gonogo.go).

    NEUROGYM_SRC=/path/to/neurogym-ee0a140c ./make_motor_steps.py > motor_steps.json
"""
import json, os, sys, warnings

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get('TRIALS_DIR', os.path.join(HERE, '../../../../shared/neurogym'))
sys.path[:0] = [SHARED, os.environ.get('NEUROGYM_SRC', os.path.join(SHARED, 'neurogym-ee0a140c'))]
warnings.filterwarnings('ignore')
import numpy as np  # noqa: E402
import gym, neurogym as ngym  # noqa: E402,F401
from neurogym.utils import tasktools  # noqa: E402

CASES = [
    # name, task, kwargs, seed, trial index, policy
    ('antireach_gt', 'AntiReach-v0', {}, 0, 0, 'gt'),
    ('antireach_break', 'AntiReach-v0', {}, 0, 1, 'break'),
    ('antireach_wrong', 'AntiReach-v0', {'dt': 20}, 3, 0, 'wrong'),
    ('antireach_late', 'AntiReach-v0', {'dt': 20, 'anti': False}, 3, 1, 'shift+2'),
    ('antireach_random', 'AntiReach-v0', {'dim_ring': 4}, 5, 2, 'random'),
    ('gonogo_nogo_gt', 'GoNogo-v0', {}, 0, 0, 'gt'),
    ('gonogo_go_gt', 'GoNogo-v0', {}, 0, 1, 'gt'),
    ('gonogo_go_miss', 'GoNogo-v0', {}, 0, 1, 'zeros'),
    ('gonogo_nogo_fail', 'GoNogo-v0', {}, 0, 0, 'ones'),
    ('gonogo_break', 'GoNogo-v0', {'timing': {'fixation': 200}, 'rewards': {'abort': -0.3}}, 0, 1, 'break'),
    ('gonogo_random', 'GoNogo-v0', {'dt': 20}, 11, 3, 'random'),
    ('motortiming_gt', 'MotorTiming-v0', {}, 0, 0, 'gt'),
    ('motortiming_late', 'MotorTiming-v0', {}, 0, 2, 'shift+2'),
    ('motortiming_early', 'MotorTiming-v0', {'dt': 20}, 4, 1, 'shift-5'),
    ('motortiming_break', 'MotorTiming-v0', {}, 0, 1, 'break'),
    ('motortiming_random', 'MotorTiming-v0', {'dt': 50}, 8, 0, 'random'),
    ('onetwothreego_gt', 'OneTwoThreeGo-v0', {}, 0, 0, 'gt'),
    ('onetwothreego_late', 'OneTwoThreeGo-v0', {}, 0, 1, 'shift+1'),
    ('onetwothreego_early', 'OneTwoThreeGo-v0', {'dt': 20}, 2, 0, 'shift-4'),
    ('onetwothreego_fail', 'OneTwoThreeGo-v0', {'dt': 20, 'prod_margin': 0.05}, 2, 1, 'shift+9'),
    ('onetwothreego_break', 'OneTwoThreeGo-v0', {}, 0, 2, 'break'),
    ('onetwothreego_random', 'OneTwoThreeGo-v0', {}, 6, 0, 'random'),
    ('readysetgo_gt', 'ReadySetGo-v0', {}, 0, 0, 'gt'),
    ('readysetgo_late', 'ReadySetGo-v0', {}, 0, 1, 'shift+1'),
    ('readysetgo_early', 'ReadySetGo-v0', {'dt': 20, 'gain': 1.5}, 9, 0, 'shift-3'),
    ('readysetgo_fail', 'ReadySetGo-v0', {}, 0, 2, 'shift+4'),
    ('readysetgo_break', 'ReadySetGo-v0', {'rewards': {'abort': -1}}, 0, 3, 'break'),
    ('readysetgo_random', 'ReadySetGo-v0', {'dt': 20}, 12, 1, 'random'),
    ('reaching1d_gt', 'Reaching1D-v0', {}, 0, 1, 'gt'),
    ('reaching1d_greedy', 'Reaching1D-v0', {}, 0, 0, 'greedy'),
    ('reaching1d_greedy_dt20', 'Reaching1D-v0', {'dt': 20, 'rewards': {'fail': -0.5}}, 7, 2, 'greedy'),
    ('reaching1d_random', 'Reaching1D-v0', {'dt': 20, 'dim_ring': 8}, 7, 0, 'random'),
    ('reachingsd_gt', 'Reaching1DWithSelfDistraction-v0', {}, 0, 1, 'gt'),
    ('reachingsd_greedy', 'Reaching1DWithSelfDistraction-v0', {'dt': 20}, 1, 0, 'greedy'),
    ('reachingsd_random', 'Reaching1DWithSelfDistraction-v0', {}, 2, 3, 'random'),
    ('rdr_gt', 'ReachingDelayResponse-v0', {}, 0, 0, 'gt'),
    ('rdr_aim', 'ReachingDelayResponse-v0', {'dt': 20}, 3, 1, 'aim'),
    ('rdr_break', 'ReachingDelayResponse-v0', {}, 0, 1, 'break'),
    ('rdr_miss', 'ReachingDelayResponse-v0', {'rewards': {'miss': -0.7}}, 0, 2, 'zeros'),
    ('rdr_random', 'ReachingDelayResponse-v0', {'dt': 50}, 4, 0, 'random'),
]

# keyword combinations on which NeuroGym's _new_trial fails (seed, first failing
# trial within 20, exception): taskrnn must report an error on the same trial
CRASHES = [
    ('ReadySetGo-v0', {'dt': 0.7}, 0),
    ('ReadySetGo-v0', {'dt': 25, 'gain': 0.7}, 0),
    ('ReadySetGo-v0', {'dt': 9.9, 'gain': 1.3}, 0),
    ('ReadySetGo-v0', {'dt': 20, 'gain': 0.02, 'timing': {'measure': ['uniform', [400, 3000]]}}, 1),
    ('MotorTiming-v0', {'dt': 3.3}, 0),
    ('MotorTiming-v0', {'dt': 1.1}, 0),
]


def actions_for(env, policy, seed):
    u = env.unwrapped
    gt = np.asarray(u.gt)
    T = len(gt)
    box = gt.ndim == 2
    if policy == 'gt':
        return [g.tolist() if box else int(g) for g in gt]
    if policy == 'zeros':
        return [[0.0, 0.0] if box else 0 for _ in range(T)]
    if policy == 'ones':
        return [1] * T
    if policy == 'break':
        a = actions_for(env, 'gt', seed)
        a[0] = [0.5, 0.0] if box else 1
        return a
    if policy == 'wrong':
        n = u.action_space.n
        return [int(g) % (n - 1) + 1 if g else 0 for g in gt]
    if policy == 'aim':
        return [[float(g[0]), float(g[1]) + 0.3] for g in gt]
    if policy.startswith('shift'):
        k = int(policy[5:])
        a = [int(g) for g in gt]
        return [a[t - k] if 0 <= t - k < T else 0 for t in range(T)]
    if policy == 'random':
        r = np.random.RandomState(seed + 1000)
        if box:
            return [r.uniform(-1.5, 1.5, 2).tolist() for _ in range(T)]
        return [int(r.randint(u.action_space.n)) for _ in range(T)]
    if policy == 'greedy':
        return None  # chosen while stepping
    raise ValueError(policy)


def greedy(u):
    """The move that brings the hand direction closest to the trial's target."""
    g = u.gt[u.t_ind]
    best = min((tasktools.circular_dist(np.mod(u.state + d, 2 * np.pi) - g), a)
               for a, d in ((0, 0.0), (1, 0.05), (2, -0.05)))
    return best[1]


def run(name, task, kwargs, seed, k, policy):
    env = gym.make(task, **kwargs)
    env.seed(seed)
    for _ in range(k + 1):
        tr = env.new_trial()
    u = env.unwrapped
    T = len(u.gt)
    acts = actions_for(env, policy, seed)
    chosen, rewards, perf = [], [], None
    for t in range(T):
        a = greedy(u) if acts is None else acts[t]
        chosen.append(a)
        _, r, _, info = env.step(np.asarray(a) if isinstance(a, list) else a)
        rewards.append(float(r))
        if info['new_trial']:
            perf = float(info['performance'])
            break
    steps = len(rewards)
    if acts is None:
        acts = chosen + [0] * (T - steps)
    total = 0.0
    for r in rewards:
        total += r
    return {'name': name, 'task': task, 'kwargs': kwargs, 'seed': seed, 'trial': k,
            'ground_truth': tr.get('ground_truth'), 'policy': policy,
            'actions': acts, 'rewards': rewards, 'reward': total, 'steps': steps,
            'ended': steps < T, 'performance': perf}


def crash(task, kwargs, seed):
    env = gym.make(task, **kwargs)
    env.seed(seed)
    for i in range(20):
        try:
            env.new_trial()
        except Exception as e:  # noqa: BLE001
            return {'task': task, 'kwargs': kwargs, 'seed': seed, 'trial': i, 'error': '%s: %s' % (type(e).__name__, e)}
    return {'task': task, 'kwargs': kwargs, 'seed': seed, 'trial': None, 'error': None}


def jsonable(v):
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    return v


def main():
    cases = [run(*c) for c in CASES]
    for c in cases:
        c['ground_truth'] = jsonable(c['ground_truth'])
    out = {'steps': cases, 'crashes': [crash(*c) for c in CRASHES]}
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == '__main__':
    main()
