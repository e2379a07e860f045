#!/usr/bin/python3
"""Compare the Go batch generator with NeuroGym's ngym.Dataset, per task, in one run.

    NEUROGYM_SRC=/path/to/neurogym-ee0a140c ./dataset_speed.py [-rounds 3] [-seconds 0.5] [id ...] > dataset_speed.md

Both sides draw batches of 16 x 100 steps with default keywords (NeuroGym's
ngym.Dataset(id, batch_size=16, seq_len=100); Go's BenchmarkDataset in data/tasks,
built once with `go test -c`). Each round times every task on both sides, NeuroGym
first; the table gives, per side, the smallest per-round mean CPU time per batch
(the CPU time of the Python process, of the Go benchmark's thread), which a shared
busy machine inflates least, and the ratio NeuroGym / Go; the last column is the
ratio of the median wall times. Prints Markdown.
"""
import os, re, statistics, subprocess, sys, tempfile
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench_ngym_dataset as bn  # noqa: E402

ROOT = os.path.join(HERE, '../../..')


def go_round(binary, ids, benchtime):
    out = subprocess.run([binary, '-test.run', '^$', '-test.bench', '^BenchmarkDataset$',
                          '-test.benchtime', benchtime], cwd=os.path.join(ROOT, 'data/tasks'),
                         check=True, capture_output=True, text=True).stdout
    res = {}
    for line in out.splitlines():
        m = re.match(r'BenchmarkDataset/(\S+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op\s+([\d.]+) cpu-ns/op', line)
        if m:
            res[m.group(1)] = (float(m.group(2)) * 1e-9, float(m.group(3)) * 1e-9)
    missing = [i for i in ids if i not in res]
    if missing:
        sys.exit('Go benchmark gave no result for %s:\n%s' % (missing, out))
    return res


def main():
    args, rounds, seconds, benchtime = sys.argv[1:], 3, 0.5, '0.3s'
    while args and args[0].startswith('-'):
        flag, val, args = args[0], args[1], args[2:]
        if flag == '-rounds':
            rounds = int(val)
        elif flag == '-seconds':
            seconds = float(val)
        elif flag == '-benchtime':
            benchtime = val
        else:
            sys.exit('unknown flag %s: want -rounds, -seconds or -benchtime' % flag)
    ids = args or bn.go_ids()
    with tempfile.TemporaryDirectory() as tmp:
        binary = os.path.join(tmp, 'tasks.test')
        subprocess.run(['go', 'test', '-c', '-o', binary, './data/tasks'], cwd=ROOT, check=True)
        py = {i: [] for i in ids}
        go = {i: [] for i in ids}
        for r in range(rounds):
            for i in ids:
                py[i].append(bn.bench(i, seconds=seconds, min_calls=10))
                print('round %d %s %s' % (r, i, py[i][-1]), file=sys.stderr, flush=True)
            g = go_round(binary, ids, benchtime)
            for i in ids:
                go[i].append(g[i])
    print('| task | NeuroGym µs/batch (CPU) | Go µs/batch (CPU) | NeuroGym / Go (CPU) | NeuroGym / Go (wall) |')
    print('|---|---:|---:|---:|---:|')
    worst = None
    for i in ids:
        pc, gc = min(c for _, c in py[i]), min(c for _, c in go[i])
        pw, gw = statistics.median(w for w, _ in py[i]), statistics.median(w for w, _ in go[i])
        print('| %s | %.0f | %.1f | %.1f | %.1f |' % (i, 1e6 * pc, 1e6 * gc, pc / gc, pw / gw))
        worst = min(worst or (pc / gc, i), (pc / gc, i))
    print('\nsmallest CPU ratio: %.1f (%s); %d rounds, NeuroGym %.1f s per task and round, Go -benchtime %s'
          % (worst[0], worst[1], rounds, seconds, benchtime))


if __name__ == '__main__':
    main()
