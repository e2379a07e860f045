#!/usr/bin/python3
"""ngym.Dataset batches of the yang19 schedule, for TestYang19DatasetParity.

Builds the oracle's schedule (trials.py's make: the 20 yang19 tasks in ScheduleEnvs with
RandomSchedule and rule inputs) and NeuroGym's own ngym.Dataset(env, batch_size, seq_len),
with each batch column's environment seeded with --column-seeds, and saves two batches.

The batch columns are made as ngym.Dataset makes them from an env id (one gym.make per
column: here one trials.make per column, since the schedule has no id), not as deep
copies of one env object, which ngym.Dataset(env_object) uses and which cannot be seeded
per column: (1) the copies are reset and filled from OS-entropy streams before they can
be seeded, and env.seed(s) reseeds the streams but not the position of the schedules
(ScheduleEnvs.next_i_env, schedule.i, and those of the two-modality tasks nested in the
schedule); (2) the fixation timing of the _DMFamily tasks is `lambda:
self.rng.uniform(200, 500)`, and copy.deepcopy does not copy functions, so every copy
draws those durations from the stream of the original, un-copied env, shared by all
columns. trials.py --dataset therefore does not reproduce the schedule's batches even
after a refill.

The cache length is 2*seq_len (seq_len = c0 // 2 + 1, c0 = 1e5/(obs+1)/batch). Batch 1
comes from the cache filled when the Dataset was made (from the deep copies); batch
2 refills the cache from the seeded columns and serves its first seq_len rows; batch 3
finds the cache exhausted (seq_start + seq_len >= cache_len), refills it again, dropping
the rest of the first fill, and serves its first rows. The fixture keeps batches 2 and 3,
which the project's Dataset serves as its batches 1 and 2 (it fills its cache from the
seeded columns when it is made).

    NEUROGYM_SRC=/path/to/neurogym-ee0a140c ./yang19_dataset.py --out yang19_dataset.npz
"""
import argparse, json, os, sys
from types import SimpleNamespace

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.environ.get('TRIALS_DIR', os.path.join(HERE, '../../../../shared/neurogym'))]
import trials  # noqa: E402  (puts NeuroGym and the gym stand-in on sys.path)
import numpy as np  # noqa: E402
import neurogym as ngym  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--kwargs', default='{"dt": 100}')
    p.add_argument('--batch', type=int, default=2)
    p.add_argument('--column-seeds', default='11,4294967295')
    p.add_argument('--out', required=True)
    a = p.parse_args()
    kwargs = json.loads(a.kwargs)
    seeds = [int(s) for s in a.column_seeds.split(',')]
    def make():
        return trials.make(SimpleNamespace(multitask=True, task=None), dict(kwargs))
    env, name = make()
    # cache_len = int((1 + c0 // seq_len) * seq_len) with c0 = 1e5/(obs+1)/batch: the
    # smallest seq_len with c0 // seq_len == 1 makes cache_len = 2*seq_len
    obs = env.observation_space.shape[0]
    c0 = 1e5 / (obs + 1) / a.batch
    seq_len = int(c0 // 2) + 1
    ds = ngym.Dataset(env, batch_size=a.batch, seq_len=seq_len)
    assert ds._cache_len == 2 * seq_len, (ds._cache_len, seq_len)
    ds.envs = [make()[0] for _ in seeds]
    for e, s in zip(ds.envs, seeds):
        e.seed(s)
    # ds() returns views of the cache, which the next refill overwrites: copy them
    batches = [tuple(a.copy() for a in ds()) for _ in range(3)][1:]
    np.savez_compressed(
        a.out,
        inputs=np.stack([x for x, _ in batches]).astype(np.float32),  # (2, seq_len, batch, obs)
        targets=np.stack([y for _, y in batches]).astype(np.int64),  # (2, seq_len, batch)
        column_seeds=np.array(seeds, dtype=np.int64),
        seq_len=np.int64(seq_len), cache_len=np.int64(ds._cache_len),
        kwargs=np.frombuffer(json.dumps(kwargs).encode(), dtype=np.uint8),
        task=np.frombuffer(name.encode(), dtype=np.uint8))


if __name__ == '__main__':
    main()
