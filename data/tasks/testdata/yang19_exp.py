#!/usr/bin/python3
"""NumPy's float64 exp on the arguments of the yang19 bumps, for TestNumpyExp.

Writes yang19_exp.json: {"numpy": version, "simd": the CPU features NumPy dispatches to,
"x": [...], "exp": [...]} with every value as the 16 hex digits of its float64 bits. The
arguments are every distinct exponent -d**2/2 of _gaussianbump on the rings of dim_ring
2..40 (stimulus at a ring unit or at its opposite, as _Reach's anti), then 1500 uniform
in [-40, 0] and 500 uniform in (-707, 707), the range of the SVML kernel's fast path.

    /usr/bin/python3 yang19_exp.py > yang19_exp.json
"""
import json, sys
import numpy as np


def hexbits(a):
    return ['%016x' % v for v in np.asarray(a, dtype='<f8').view('<u8')]


def main():
    args = []
    for n in range(2, 41):
        theta = np.linspace(0, 2 * np.pi, n + 1)[:-1]
        for loc in np.concatenate([theta, np.mod(theta + np.pi, 2 * np.pi)]):
            dist = np.minimum(abs(loc - theta), 2 * np.pi - abs(loc - theta))
            dist /= np.pi / 8
            args.append(-dist ** 2 / 2)
    rng = np.random.RandomState(19)
    x = np.concatenate([np.unique(np.concatenate(args)), rng.uniform(-40, 0, 1500), rng.uniform(-707, 707, 500)])
    features = np.core._multiarray_umath.__cpu_features__
    simd = sorted(k for k, v in features.items() if v and k.startswith('AVX512'))
    json.dump({'numpy': np.__version__, 'simd': simd, 'x': hexbits(x), 'exp': hexbits(np.exp(x))}, sys.stdout)
    print()


if __name__ == '__main__':
    main()
