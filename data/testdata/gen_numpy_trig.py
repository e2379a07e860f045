#!/usr/bin/python3
"""Write numpy_trig.bin: x, np.cos(x), np.sin(x) for 4000 float64 arguments, for
TestNumPyTrig (data/env_trig_test.go).

Run on x86-64 with AVX-512 (AVX512_SKX), where NumPy (1.22 and later; 1.24 was used)
computes float64 cos and sin with Intel's SVML: the script refuses to write otherwise,
since elsewhere NumPy uses the C library and the file would pin other values.

Layout: three blocks of 4000 little-endian float64 values (x, then cos, then sin).
Arguments: ring-angle differences theta_j - theta_k and theta_j - (theta_k + pi) mod 2 pi
of np.linspace(0, 2 pi, n+1)[:-1] for n = 1..32 (what the memory tasks feed np.cos),
multiples k pi/d, values near 0 and the main-path limits, then uniform draws on
[-10, 10], [-1e3, 1e3] and [-2e7, 2e7] (RandomState(7)).
"""
import os, sys
import numpy as np
from numpy.core._multiarray_umath import __cpu_features__

N = 4000


def args():
    sp = []
    for n in range(1, 33):
        th = np.linspace(0, 2 * np.pi, n + 1)[:-1]
        for a in th:
            sp += list(th - a) + list(th - np.mod(a + np.pi, 2 * np.pi))
    sp = list(dict.fromkeys(sp))[:1500]
    sp += [k * np.pi / d for k in range(-16, 17) for d in (1, 2, 3, 4, 6)]
    sp += [0.0, -0.0, 5e-324, 1e-300, 2.0**-27, -2.0**-27, np.nextafter(2.0**-27, 0), 1e-9, 2.0**24, -2.0**24,
           8388606.5 * np.pi, 0.5 * np.pi, 1.5 * np.pi]
    rng = np.random.RandomState(7)
    rest = N - len(sp)
    x = np.concatenate([np.array(sp), rng.uniform(-10, 10, rest // 2), rng.uniform(-1e3, 1e3, rest // 4),
                        rng.uniform(-2e7, 2e7, rest - rest // 2 - rest // 4)])
    assert len(x) == N
    return x


def main():
    if not __cpu_features__.get('AVX512_SKX'):
        sys.exit('this machine has no AVX512_SKX: NumPy would not use SVML here')
    x = args()
    if np.cos(np.array([-3.1415926535897927]))[0] != -0.9999999999999999:
        sys.exit('np.cos is not SVML on this machine/NumPy build')
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'numpy_trig.bin')
    np.concatenate([x, np.cos(x), np.sin(x)]).astype('<f8').tofile(out)
    print('wrote', out, 'numpy', np.__version__)


if __name__ == '__main__':
    main()
