#!/usr/bin/python3
"""Speed grid: the Go training step beside PyTorch's, at every size of
issue 13 (hidden 32..1024, batch 16 and 64, seq_len 60 and 200), in one run.

For each size it runs, back to back:
  - Go: BenchmarkStepGrid (train/step_bench_test.go) with GOMAXPROCS=1: noise,
    forward, backward and Adam on one core, as torch_step_bench.py does (the
    median of 3 runs);
  - PyTorch: ../../shared/reference/torch_step_bench.py (path: --torch-bench)
    at --threads 1 and 2, each with glibc's allocator untuned and tuned
    (GLIBC_TUNABLES, see the script's doc); the best of the four is quoted.
It prints a Markdown table: Go ms/iteration, PyTorch's best (and which
setting), their ratio, the arithmetic bound (the FLOPs of the matrix
products at the core's peak, --peak GFLOP/s) and Go's time as a multiple of
it. Raw results go to --json as one JSON object per line.

Then the cost of a sweep: the tutorial's training (cmd/train, 1000
iterations, -analyze=false) with GOMAXPROCS=1 alone, then two at once, three
times each; it prints the training loop's seconds per iteration and the
slowdown of the pair.

Run from the repository root (not in CI: it takes about half an hour):
    /usr/bin/python3 model/testdata/speed_grid.py [--sizes 64x16x60,1024x64x200] [--skip-sweep]
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

TUNED = 'glibc.malloc.mmap_threshold=1000000000:glibc.malloc.trim_threshold=1000000000'


def flops(H, B, T, I=3, O=3):
    """The matrix products of one step, as stepFLOPs in train/step_bench_test.go."""
    return 6 * (T - 1) * B * H * H + 4 * T * B * I * H + 6 * T * B * O * H


def go_step(test_bin, H, B, T, repeats=3):
    """Go's ms/iteration (wall and CPU): the median of repeats runs of about 2 s each."""
    est = max(flops(H, B, T) / 100e9, 0.3e-3)  # seconds, a rough guess
    n = max(3, min(3000, int(2 / est)))
    env = dict(os.environ, GOMAXPROCS='1')
    out = subprocess.run([test_bin, '-test.run', '^$', '-test.bench', f'StepGrid/H={H}/B={B}/T={T}$',
                          '-test.benchtime', f'{n}x', '-test.count', str(repeats)],
                         env=env, capture_output=True, text=True, check=True).stdout
    wall = [float(x) for x in re.findall(r'([\d.]+) ms/iter', out)]
    cpu = [float(x) for x in re.findall(r'([\d.]+) cpu-ms/iter', out)]
    return {'ms': statistics.median(wall), 'cpu_ms': statistics.median(cpu) if cpu else None,
            'all_ms': wall, 'iters': n}


def torch_step(bench, H, B, T, threads, tuned):
    """PyTorch's seconds/iteration (median of the script's 5 repeats)."""
    est = 0.15e-3 * T + flops(H, B, T) / 20e9
    iters = max(2, min(300, int(1.0 / est)))
    env = dict(os.environ)
    if tuned:
        env['GLIBC_TUNABLES'] = TUNED
    else:
        env.pop('GLIBC_TUNABLES', None)
    out = subprocess.run(['/usr/bin/python3', bench, '--hidden', str(H), '--batch', str(B), '--seq-len', str(T),
                          '--threads', str(threads), '--iters', str(iters)], env=env, capture_output=True, text=True,
                         check=True).stdout
    r = json.loads(out.strip().splitlines()[-1])
    return r['seconds_per_iteration'] * 1000


def sweep_cost(train_bin, runs=3, n_iter=1000):
    """Seconds per iteration of the tutorial's training alone and two at once (GOMAXPROCS=1 each)."""
    env = dict(os.environ, GOMAXPROCS='1')

    def start(d):
        return subprocess.Popen([train_bin, '-out', d, '-quiet', '-analyze=false', '-checkpoint_every', '0',
                                 '-n_iteration', str(n_iter)], env=env, stdout=subprocess.DEVNULL)

    def spi(d):
        with open(os.path.join(d, 'summary.json')) as f:
            return json.load(f)['seconds_per_iteration'] * 1000

    alone, pair = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(runs):
            d = os.path.join(tmp, f'alone{r}')
            start(d).wait()
            alone.append(spi(d))
            ds = [os.path.join(tmp, f'pair{r}{k}') for k in range(2)]
            ps = [start(d) for d in ds]
            for p in ps:
                p.wait()
            pair.extend(spi(d) for d in ds)
    return alone, pair


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--torch-bench', default=os.path.join(os.path.dirname(__file__), '../../../shared/reference/torch_step_bench.py'))
    ap.add_argument('--peak', type=float, default=220.0, help="the core's float32 peak in GFLOP/s (220 AVX-512, 112 AVX2 on Zen 5)")
    ap.add_argument('--sizes', default='', help='HxBxT,... (default: the whole grid)')
    ap.add_argument('--json', default='speed_grid.jsonl')
    ap.add_argument('--skip-sweep', action='store_true')
    ap.add_argument('--skip-torch', action='store_true')
    a = ap.parse_args()
    if a.sizes:
        sizes = [tuple(map(int, s.split('x'))) for s in a.sizes.split(',')]
    else:
        sizes = [(H, B, T) for H in (32, 64, 128, 256, 512, 1024) for B in (16, 64) for T in (60, 200)]
    with tempfile.TemporaryDirectory() as tmp:
        test_bin = os.path.join(tmp, 'train.test')
        subprocess.run(['go', 'test', '-c', '-o', test_bin, './train'], check=True)
        print('| hidden | batch | seq_len | Go ms | Go CPU ms | PyTorch best ms (threads, allocator) | Go / PyTorch | bound ms | Go / bound |')
        print('|---|---|---|---|---|---|---|---|---|')
        with open(a.json, 'a') as js:
            for H, B, T in sizes:
                go = go_step(test_bin, H, B, T)
                res = {'hidden': H, 'batch': B, 'seq_len': T, 'go': go, 'time': time.time()}
                best = None
                if not a.skip_torch:
                    res['torch'] = {}
                    for threads in (1, 2):
                        for tuned in (False, True):
                            ms = torch_step(a.torch_bench, H, B, T, threads, tuned)
                            key = f"{threads}t {'tuned' if tuned else 'untuned'}"
                            res['torch'][key] = ms
                            if best is None or ms < best[0]:
                                best = (ms, key)
                bound = flops(H, B, T) / (a.peak * 1e9) * 1000
                js.write(json.dumps(res) + '\n')
                js.flush()
                tcol = f'{best[0]:.3g} ({best[1]})' if best else '-'
                ratio = f'{go["ms"] / best[0]:.2f}' if best else '-'
                print(f'| {H} | {B} | {T} | {go["ms"]:.3g} | {go["cpu_ms"]:.3g} | {tcol} | {ratio} | {bound:.3g} | {go["ms"] / bound:.1f} |',
                      flush=True)
        if not a.skip_sweep:
            train_bin = os.path.join(tmp, 'train')
            subprocess.run(['go', 'build', '-o', train_bin, './cmd/train'], check=True)
            alone, pair = sweep_cost(train_bin)
            ma, mp = statistics.median(alone), statistics.median(pair)
            print(f'\nsweep cost (tutorial, GOMAXPROCS=1, ms per iteration): alone {alone}, two at once {pair}: '
                  f'median {ma:.3g} vs {mp:.3g}, {100 * (mp / ma - 1):+.0f}% per process')


if __name__ == '__main__':
    sys.exit(main())
