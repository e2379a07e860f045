#!/usr/bin/python3
"""Time NeuroGym's ngym.Dataset per task, for comparison with BenchmarkDataset.

    NEUROGYM_SRC=/path/to/neurogym-ee0a140c ./bench_ngym_dataset.py [id ...]

prints, for every task id (default: every id the Go registry has, read from
`go run ../../../cmd/task -list`, or the ids given), the mean wall and CPU time of
one call of ngym.Dataset(id, batch_size=16, seq_len=100) with default keywords,
over enough calls to cover several cache refills (the same settings as
BenchmarkDataset). dataset_speed.py runs this and the Go benchmark together.
"""
import os, subprocess, sys, time
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, '../../../../shared/neurogym'), os.environ.get('NEUROGYM_SRC', '')]
import gym, neurogym as ngym  # noqa: E402
from neurogym.wrappers import ScheduleEnvs  # noqa: E402
from neurogym.utils.scheduler import RandomSchedule  # noqa: E402

YANG19 = ['go', 'rtgo', 'dlygo', 'anti', 'rtanti', 'dlyanti', 'dm1', 'dm2', 'ctxdm1', 'ctxdm2', 'multidm',
          'dlydm1', 'dlydm2', 'ctxdlydm1', 'ctxdlydm2', 'multidlydm', 'dms', 'dnms', 'dmc', 'dnmc']


def make(task):
    if task == 'yang19.multitask-v0':
        envs = [gym.make('yang19.%s-v0' % n) for n in YANG19]
        return ScheduleEnvs(envs, RandomSchedule(len(envs)), env_input=True)
    return task


def bench(task, seconds=1.0, min_calls=20):
    """Returns (wall s, CPU s) per call of the dataset, after a first call."""
    ds = ngym.Dataset(make(task), batch_size=16, seq_len=100)
    ds()
    n, t0, c0 = 0, time.perf_counter(), time.process_time()
    while True:
        ds()
        n += 1
        dt = time.perf_counter() - t0
        if dt > seconds and n >= min_calls:
            return dt / n, (time.process_time() - c0) / n


def go_ids():
    out = subprocess.run(['go', 'run', './cmd/task', '-list'], cwd=os.path.join(HERE, '../../..'),
                         check=True, capture_output=True, text=True).stdout
    return [line.split()[0] for line in out.splitlines() if line and not line.startswith(' ') and not line.startswith('#')]


def main():
    ids = sys.argv[1:] or go_ids()
    for task in ids:
        wall, cpu = bench(task)
        print('%-45s %10.4f ms/batch %10.4f cpu-ms/batch' % (task, 1000 * wall, 1000 * cpu), flush=True)


if __name__ == '__main__':
    main()
