package model

import (
	"math"
	"unsafe"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// This file holds the numeric kernels of the fused operations (fused.go),
// written once for float32 and float64.

type float interface{ float32 | float64 }

// is32 reports whether F is float32 (a compile-time constant per instantiation).
func is32[F float]() bool {
	var z F
	return unsafe.Sizeof(z) == 4
}

// vals returns the backing array of a float32 or float64 dense tensor as
// []F without the reflection (and allocation) of tensor.Dense.Data.
func vals[F float](v G.Value) []F {
	d := v.(*tensor.Dense)
	if is32[F]() {
		s := d.Float32s()
		return unsafe.Slice((*F)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
	}
	s := d.Float64s()
	return unsafe.Slice((*F)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}

// scalarValue returns the value of a scalar float Value.
func scalarValue(v G.Value) float64 {
	switch x := v.(type) {
	case *G.F32:
		return float64(*x)
	case *G.F64:
		return float64(*x)
	}
	f, err := scalarOf(v)
	if err != nil {
		panic(err)
	}
	return f
}

var blasImpl gonum.Implementation

// gemm computes c = alpha op(a) op(b) + beta c for row-major matrices, op(a)
// (m, k), op(b) (k, n), c (m, n), with gonum's BLAS.
func gemm[F float](tA, tB blas.Transpose, m, n, k int, alpha F, a []F, lda int, b []F, ldb int, beta F, c []F, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if is32[F]() {
		blasImpl.Sgemm(tA, tB, m, n, k, float32(alpha), f32(a), lda, f32(b), ldb, float32(beta), f32(c), ldc)
		return
	}
	blasImpl.Dgemm(tA, tB, m, n, k, float64(alpha), f64(a), lda, f64(b), ldb, float64(beta), f64(c), ldc)
}

// gemmAcc computes c += op(a) b with gonum: op(a) is a (m, k) with row
// stride lda or, if transA, the transpose of a stored (k, m) with row stride
// lda; b is (k, n) with row stride ldb and c (m, n) with row stride ldc.
// It is the path of float64 graphs and of builds without the assembly
// kernels (fast32.go has the float32 one).
func gemmAcc[F float](transA bool, m, n, k int, a []F, lda int, b []F, ldb int, c []F, ldc int) {
	if m == 0 || n == 0 || k == 0 {
		return
	}
	tA := blas.NoTrans
	if transA {
		tA = blas.Trans
	}
	gemm(tA, blas.NoTrans, m, n, k, 1, a, lda, b, ldb, 1, c, ldc)
}

func f32[F float](s []F) []float32 {
	return unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}

func f64[F float](s []F) []float64 {
	return unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}

// activate writes y = f(x) and d = f'(x) for the activation.
func activate[F float](act Activation, x, y, d []F) {
	switch act {
	case ReLU:
		if x32, ok := any(x).([]float32); ok {
			relu32(x32, any(y).([]float32), any(d).([]float32))
			return
		}
		for i, v := range x {
			var m F
			if v > 0 {
				m = 1
			}
			y[i], d[i] = v*m, m
		}
	case Sigmoid:
		for i, v := range x {
			s := F(1 / (1 + math.Exp(-float64(v))))
			y[i], d[i] = s, s*(1-s)
		}
	case Softplus:
		// PyTorch's softplus: x itself above 20; f' = sigmoid(x)
		for i, v := range x {
			if v > 20 {
				y[i], d[i] = v, 1
				continue
			}
			e := math.Exp(float64(v))
			y[i], d[i] = F(math.Log1p(e)), F(e/(1+e))
		}
	}
}

// activateOnly writes y = f(x) (forward-only graphs keep no derivative).
func activateOnly[F float](act Activation, x, y []F) {
	switch act {
	case ReLU:
		for i, v := range x {
			y[i] = max(v, 0)
		}
	case Sigmoid:
		for i, v := range x {
			y[i] = F(1 / (1 + math.Exp(-float64(v))))
		}
	case Softplus:
		for i, v := range x {
			if v > 20 {
				y[i] = v
				continue
			}
			y[i] = F(math.Log1p(math.Exp(float64(v))))
		}
	}
}

// relu32 writes y = max(x, 0) and d = [x > 0] without branches (the signs
// of pre-activations are random, so a branch mispredicts half the time).
func relu32(x, y, d []float32) {
	y, d = y[:len(x)], d[:len(x)]
	for i, v := range x {
		b := int64(int32(math.Float32bits(v)))
		m := uint32((-b) >> 63) // all ones if v > 0 (as a signed integer), else 0
		y[i] = math.Float32frombits(math.Float32bits(v) & m)
		d[i] = math.Float32frombits(0x3f800000 & m) // 1 or 0
	}
}
