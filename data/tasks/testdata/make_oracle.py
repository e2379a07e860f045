#!/usr/bin/python3
"""Regenerate the oracle fixtures in oracle/ with the real NeuroGym.

Every fixture is the output of shared/neurogym/trials.py (the real NeuroGym at commit
ee0a140c, see its README) for one task id, keyword set and seed, in the layout of the
golden files. The Go test TestOracleParity compares the project's trials with each of
them bit for bit; Python is not needed to run the tests.

    NEUROGYM_SRC=/path/to/neurogym-ee0a140c ./make_oracle.py [substring ...]

regenerates the fixtures whose file name contains one of the substrings (all without
arguments). TRIALS_PY overrides the path of trials.py (default: ../../../../shared/neurogym/trials.py
from this folder).
"""
import json, os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
TRIALS = os.environ.get('TRIALS_PY', os.path.join(HERE, '../../../../shared/neurogym/trials.py'))

# Cases live in oracle_cases/*.json (one file per task family), each a list of
# [file tag, task id or "multitask", kwargs, seed, number of trials].
def cases():
    out = []
    d = os.path.join(HERE, 'oracle_cases')
    for name in sorted(os.listdir(d)):
        if name.endswith('.json'):
            with open(os.path.join(d, name)) as f:
                out += [tuple(c) for c in json.load(f)]
    return out


def run(tag, task, kwargs, seed, n):
    cmd = ['/usr/bin/python3', TRIALS, '--kwargs', json.dumps(kwargs), '--seed', str(seed), '--n', str(n)]
    cmd += ['--multitask'] if task == 'multitask' else ['--task', task]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    with open(os.path.join(HERE, 'oracle', tag + '.json'), 'w') as f:
        f.write(out)


def main():
    want = sys.argv[1:]
    for case in cases():
        if not want or any(w in case[0] for w in want):
            run(*case)
            print('wrote', case[0])


if __name__ == '__main__':
    main()
