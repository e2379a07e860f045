package fixedpoint

import (
	"bytes"
	"encoding/json"
	"errors"
	"image/png"
	"io"
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/taskrnn/taskrnn/data/fileio"
)

// searchTrained runs the finder on the default network from the fixture's
// first 48 initial states with a wide slow-point tolerance (so that the
// result holds fixed, slow, stable and unstable points).
func searchTrained(t *testing.T) *FixedPoints {
	t.Helper()
	f := openNPZ(t, fpfFixture)
	opt := DefaultOptions()
	opt.TolQSlow = 1e-2
	fp, err := FindFrom(tutorialDynamics(t), f.f64("inputs"), f.matrix("x_init").Slice(0, 48, 0, 64), opt)
	if err != nil {
		t.Fatal(err)
	}
	return fp
}

// writeNPZ writes fp's archive to path with fileio.WriteFile.
func writeNPZ(t *testing.T, fp *FixedPoints, in *Input, path string) {
	t.Helper()
	if err := fileio.WriteFile(path, func(w io.Writer) error { return fp.WriteNPZ(w, in) }); err != nil {
		t.Fatal(err)
	}
}

// TestWriteNPZRoundTrip: fixed_points.npz reads back (with data/fileio)
// with fixed-point-finder's names, the documented shapes and dtypes, and
// the values of the result.
func TestWriteNPZRoundTrip(t *testing.T) {
	fp := searchTrained(t)
	path := filepath.Join(t.TempDir(), "fixed_points.npz")
	in := &Input{Values: fp.Inputs, Channels: []string{"fixation", "stimulus[0]", "stimulus[1]"}, Source: "vector"}
	writeNPZ(t, fp, in, path)
	n, H, I := len(fp.Points), 64, 3
	f := openNPZ(t, path)
	shape := func(name string, ptr any, want ...int) {
		t.Helper()
		got := f.read(name, ptr)
		if len(got) != len(want) {
			t.Errorf("%s: shape %v, want %v", name, got, want)
			return
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("%s: shape %v, want %v", name, got, want)
			}
		}
	}
	var xstar, xinit, u, fx, q, jac, dfdu, allQ, tol []float64
	var iters, nUnst []int64
	var eigval, eigvec []complex128
	var stable, slow []bool
	shape("xstar", &xstar, n, H)
	shape("x_init", &xinit, n, H)
	shape("inputs", &u, n, I)
	shape("F_xstar", &fx, n, H)
	shape("qstar", &q, n)
	shape("n_iters", &iters, n)
	shape("J_xstar", &jac, n, H, H)
	shape("dFdu", &dfdu, n, H, I)
	shape("eigval_J_xstar", &eigval, n, H)
	shape("eigvec_J_xstar", &eigvec, n, H, H)
	shape("is_stable", &stable, n)
	shape("n_unstable", &nUnst, n)
	shape("is_slow", &slow, n)
	shape("all_qstar", &allQ, len(fp.All))
	shape("tol_q_slow", &tol)
	if tol[0] != fp.Options.TolQSlow {
		t.Errorf("tol_q_slow %v, want %v", tol[0], fp.Options.TolQSlow)
	}
	var js []uint8
	f.read("input_json", &js)
	var back Input
	if err := json.Unmarshal(js, &back); err != nil || !reflect.DeepEqual(&back, in) {
		t.Errorf("input_json %s (%v), want %+v", js, err, in)
	}
	sawSlow := false
	for k, p := range fp.Points {
		sawSlow = sawSlow || p.Kind == Slow
		if !same(xstar[k*H:(k+1)*H], p.Xstar) || !same(xinit[k*H:(k+1)*H], p.XInit) || !same(fx[k*H:(k+1)*H], p.FXstar) ||
			!same(u[k*I:(k+1)*I], fp.Inputs) || q[k] != p.Qstar || iters[k] != int64(p.NIters) ||
			!same(jac[k*H*H:(k+1)*H*H], p.J.RawMatrix().Data) || !same(dfdu[k*H*I:(k+1)*H*I], p.DFdu.RawMatrix().Data) ||
			stable[k] != p.IsStable || nUnst[k] != int64(p.NUnstable) || slow[k] != (p.Kind == Slow) {
			t.Errorf("point %d: values differ from the result", k)
		}
		for i := 0; i < H; i++ {
			if eigval[k*H+i] != p.Eigval[i] {
				t.Errorf("point %d: eigval_J_xstar[%d] = %v, want %v", k, i, eigval[k*H+i], p.Eigval[i])
			}
			for j := 0; j < H; j++ {
				if eigvec[(k*H+i)*H+j] != p.Eigvec.At(i, j) {
					t.Fatalf("point %d: eigvec_J_xstar[%d, %d] differs", k, i, j)
				}
			}
		}
	}
	if !sawSlow || n < 2 {
		t.Errorf("%d points, slow points %v: the round trip did not cover both kinds", n, sawSlow)
	}

	// no point at all: arrays of length 0 with the right trailing shapes
	empty := &FixedPoints{Inputs: fp.Inputs, Options: fp.Options, All: fp.All[:1]}
	path = filepath.Join(t.TempDir(), "none.npz")
	writeNPZ(t, empty, nil, path)
	f = openNPZ(t, path)
	var e []complex128
	shape("eigvec_J_xstar", &e, 0, H, H)
	f.read("input_json", &js)
	if string(js) != `{"values":[1,0.5,0.5],"channels":null,"source":"","sigma_zero":false}` {
		t.Errorf("input_json without a description: %s", js)
	}
}

// TestWriteNPZErrors: an input description that is not the search's input
// is refused, and a failing writer's error is returned.
func TestWriteNPZErrors(t *testing.T) {
	fp := &FixedPoints{Inputs: []float64{1, 0.5, 0.5}}
	if err := fp.WriteNPZ(io.Discard, &Input{Values: []float64{1, 0.5}}); err == nil || !strings.Contains(err.Error(), "not the search's inputs") {
		t.Errorf("mismatched input: error %v", err)
	}
	if err := fp.WriteNPZ(failWriter{}, nil); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("failing writer: error %v", err)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestWriteEigenvalues writes a square PNG for a stable and an unstable point.
func TestWriteEigenvalues(t *testing.T) {
	fp := searchTrained(t)
	var stable, unstable *Point
	for k := range fp.Points {
		if fp.Points[k].IsStable {
			stable = &fp.Points[k]
		} else {
			unstable = &fp.Points[k]
		}
	}
	if stable == nil || unstable == nil {
		t.Fatal("the search found no stable or no unstable point")
	}
	for _, p := range []*Point{stable, unstable} {
		var buf bytes.Buffer
		if err := WriteEigenvalues(&buf, p, "the point"); err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != 900 || b.Dy() != 900 {
			t.Errorf("figure is %d x %d pixels, want 900 x 900 (6 in at 150 dpi)", b.Dx(), b.Dy())
		}
	}
	if err := WriteEigenvalues(io.Discard, &Point{}, ""); err == nil {
		t.Error("no error for a point without eigenvalues")
	}
}

// TestAddToPlot: every point is projected, with its top-mode segment from
// x* − L·v to x* + L·v, and the legend lists the kinds present.
func TestAddToPlot(t *testing.T) {
	fp := searchTrained(t)
	var seen [][]float64
	project := func(h []float64) plotter.XY {
		seen = append(seen, append([]float64(nil), h...))
		return plotter.XY{X: h[0], Y: h[1]}
	}
	pl := plot.New()
	const L = 0.7
	entries := AddToPlot(pl, fp, project, L)
	if len(seen) != 4*len(fp.Points) { // two segment ends, halo and glyph
		t.Fatalf("projected %d states for %d points, want 4 each", len(seen), len(fp.Points))
	}
	kinds := map[string]bool{}
	for k, p := range fp.Points {
		_, v := p.TopMode()
		a, b, c := seen[4*k], seen[4*k+1], seen[4*k+2]
		for i := range v {
			if math.Abs(a[i]-(p.Xstar[i]-L*v[i])) > 1e-12 || math.Abs(b[i]-(p.Xstar[i]+L*v[i])) > 1e-12 || c[i] != p.Xstar[i] {
				t.Fatalf("point %d: segment or marker not at x* ∓ L·v and x*", k)
			}
		}
		label := "stable " + p.Kind.String() + " point"
		if !p.IsStable {
			label = "unstable " + p.Kind.String() + " point"
		}
		kinds[label] = true
	}
	if len(entries) != len(kinds)+1 {
		t.Errorf("%d legend entries, want %d kinds and the eigenvector line", len(entries), len(kinds))
	}
	for _, e := range entries[:len(entries)-1] {
		if !kinds[e.Label] {
			t.Errorf("legend entry %q for a kind not present", e.Label)
		}
	}
	// the plot draws
	if err := pl.Save(4*vg.Inch, 4*vg.Inch, filepath.Join(t.TempDir(), "overlay.png")); err != nil {
		t.Fatal(err)
	}
	if AddToPlot(plot.New(), &FixedPoints{}, project, L) != nil {
		t.Error("legend entries for a result without points")
	}
}

// TestSummary: counts by kind and stability, the line measure on points on
// a line and off it, and the largest moduli.
func TestSummary(t *testing.T) {
	pt := func(kind Kind, stable bool, top float64, x ...float64) Point {
		return Point{Kind: kind, IsStable: stable, Xstar: x, Eigval: []complex128{complex(top, 0)}}
	}
	all := make([]Optimum, 10)
	for i := range all {
		all[i].Qstar = 1e-20 + float64(i)
	}
	fp := &FixedPoints{Inputs: []float64{1}, Options: DefaultOptions(), All: all, NOutliers: 2, Points: []Point{
		pt(Fixed, true, 0.99, 0, 0, 0),
		pt(Fixed, false, 1.2, 1, 2, 0),
		pt(Slow, true, 0.95, 3, 6, 0),
		pt(Slow, false, 1.01, -1, -2, 0),
	}}
	s := fp.Summary()
	if s.NInits != 10 || s.NStableFixed != 1 || s.NUnstableFixed != 1 || s.NSlow != 2 || s.NDropped != 9 || s.NDistanceOutliers != 2 {
		t.Errorf("counts %+v", s)
	}
	if s.MinQstar == nil || *s.MinQstar != 1e-20 {
		t.Errorf("min_qstar %v, want 1e-20", s.MinQstar)
	}
	if s.LineVarianceShare == nil || math.Abs(*s.LineVarianceShare-1) > 1e-12 {
		t.Errorf("line_variance_share %v, want 1 for collinear points", s.LineVarianceShare)
	}
	if want := 4 * math.Sqrt(5); s.LineLength == nil || math.Abs(*s.LineLength-want) > 1e-12 {
		t.Errorf("line_length %v, want %v", s.LineLength, want)
	}
	if *s.MaxAbsEigval != 1.2 || *s.MaxAbsEigvalStable != 0.99 {
		t.Errorf("max |λ| %v, among stable %v; want 1.2 and 0.99", *s.MaxAbsEigval, *s.MaxAbsEigvalStable)
	}
	// a square's corners: half the variance on the first axis
	fp.Points = []Point{pt(Fixed, true, 0.5, 0, 0), pt(Fixed, true, 0.5, 1, 0), pt(Fixed, true, 0.5, 0, 1), pt(Fixed, true, 0.5, 1, 1)}
	if s := fp.Summary(); math.Abs(*s.LineVarianceShare-0.5) > 1e-12 {
		t.Errorf("line_variance_share %v for a square, want 0.5", *s.LineVarianceShare)
	}
	fp.Points = fp.Points[:1]
	if s := fp.Summary(); s.LineVarianceShare != nil || s.LineLength != nil {
		t.Errorf("line measure for a single point: %v, %v; want null", s.LineVarianceShare, s.LineLength)
	}
	fp.Points[0].IsStable = false
	if s := fp.Summary(); s.MaxAbsEigvalStable != nil {
		t.Errorf("max_abs_eigval_stable %v without a stable point, want null", *s.MaxAbsEigvalStable)
	}
}

// TestShowcase: the eigenvalue figure's point is the slowest stable fixed
// point, else the saddle with the fewest unstable modes, else the slowest
// slow point.
func TestShowcase(t *testing.T) {
	pt := func(kind Kind, stable bool, top float64, nUnstable int, q float64) Point {
		return Point{Kind: kind, IsStable: stable, Eigval: []complex128{complex(top, 0)}, NUnstable: nUnstable, Qstar: q}
	}
	for _, c := range []struct {
		points []Point
		want   int
		why    string
	}{
		{nil, -1, ""},
		{[]Point{pt(Slow, true, 0.999, 0, 1e-8), pt(Fixed, true, 0.9, 0, 0), pt(Fixed, true, 0.98, 0, 0)}, 2, "the slowest stable fixed point"},
		{[]Point{pt(Fixed, false, 1.5, 3, 0), pt(Fixed, true, 0.5, 0, 0)}, 1, "the stable fixed point"},
		{[]Point{pt(Fixed, false, 1.5, 3, 0), pt(Slow, true, 0.5, 0, 1e-9), pt(Fixed, false, 1.2, 1, 0)}, 2, "the unstable fixed point with the fewest unstable modes"},
		{[]Point{pt(Slow, true, 0.5, 0, 1e-8), pt(Slow, false, 1.1, 1, 1e-9)}, 1, "the slow point with the smallest q"},
	} {
		fp := &FixedPoints{Points: c.points}
		if i, why := fp.Showcase(); i != c.want || why != c.why {
			t.Errorf("%d points: Showcase = %d %q, want %d %q", len(c.points), i, why, c.want, c.why)
		}
	}
}
