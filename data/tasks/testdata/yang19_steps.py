#!/usr/bin/python3
"""Step-rule fixture for the yang19 tasks: NeuroGym's own env.step on fixed policies.

For each case (task id, kwargs, seed) the real NeuroGym (commit ee0a140c, through the gym
stand-in of shared/neurogym) is seeded, draws its first trial with env.new_trial(), and is
stepped trial after trial with a policy that depends only on the current target, the step
index and whether the decision period is on (so that the Go test can play the same policy):

    gt      the target action at every step (a perfect agent)
    break   action 1 at step 1 (breaking fixation), the target elsewhere
    wrong   in the decision period a wrong choice (or 1 on a no-go trial), 0 before
    fixate  0 at every step

Trial k uses policy k % 4. Each trial records the rewards of its steps and NeuroGym's
info['performance'] at the step that ended it (the trial after it is drawn by env.step).

    NEUROGYM_SRC=/path/to/neurogym-ee0a140c ./yang19_steps.py > yang19_steps.json
"""
import json, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.environ.get('TRIALS_DIR', os.path.join(HERE, '../../../../shared/neurogym')),
                os.environ['NEUROGYM_SRC']]
import gym  # noqa: E402  (the stand-in)
import neurogym  # noqa: E402,F401

YANG19 = ['go', 'rtgo', 'dlygo', 'anti', 'rtanti', 'dlyanti', 'dm1', 'dm2', 'ctxdm1', 'ctxdm2', 'multidm',
          'dlydm1', 'dlydm2', 'ctxdlydm1', 'ctxdlydm2', 'multidlydm', 'dms', 'dnms', 'dmc', 'dnmc']
POLICIES = ['gt', 'break', 'wrong', 'fixate']
N_TRIALS = 8


def action(policy, gt, t_ind, in_decision, n_act):
    if policy == 'gt':
        return gt
    if policy == 'break':
        return 1 if t_ind == 1 else gt
    if policy == 'wrong':
        if not in_decision:
            return 0
        return gt % (n_act - 1) + 1 if gt != 0 else 1
    return 0


def run(task, kwargs, seed):
    env = gym.make(task, **kwargs)
    env.seed(seed)
    env.new_trial()
    n_act = env.action_space.n
    trials = []
    for k in range(N_TRIALS):
        policy = POLICIES[k % len(POLICIES)]
        rewards = []
        while True:
            u = env.unwrapped  # the current copy of a two-modality task
            gt = int(u.gt[u.t_ind])
            a = action(policy, gt, u.t_ind, u.in_period('decision'), n_act)
            _, reward, _, info = env.step(a)
            rewards.append(float(reward))
            if info['new_trial']:
                trials.append({'policy': policy, 'rewards': rewards, 'performance': float(info['performance'])})
                break
    return {'task': task, 'kwargs': kwargs, 'seed': seed, 'trials': trials}


def main():
    cases = [('yang19.%s-v0' % n, {}, 5) for n in YANG19]
    cases += [('yang19.go-v0', {'dt': 20}, 11), ('yang19.dnmc-v0', {'dt': 20}, 11),
              ('yang19.ctxdlydm1-v0', {'dt': 20}, 11)]
    json.dump([run(*c) for c in cases], sys.stdout)
    print()


if __name__ == '__main__':
    main()
