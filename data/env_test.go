package data

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// toy is a small two-choice task for engine tests: fixation (20 or 40 ms),
// stimulus (60 ms), decision (20 ms) at dt 10; channel 1+g shows coh/100.
type toy struct {
	abort bool
	box   bool // Box(2) actions with vector targets instead of Discrete(3)
}

func newToy(t testing.TB, seed Seed, mod func(*EnvSpec)) *Env {
	t.Helper()
	return newToyRules(t, &toy{}, seed, mod)
}

func newToyRules(t testing.TB, r *toy, seed Seed, mod func(*EnvSpec)) *Env {
	t.Helper()
	spec := EnvSpec{
		ID: "Toy-v0", Dt: 10,
		ObSpace:  BoxSpace(3, Ch("fixation", 0), ChRange("stimulus", 1, 3)),
		ActSpace: DiscreteSpace(3, Ch("fixation", 0), ChList("choice", 1, 2)),
		Timing: Timing{
			{"fixation", Choice(20, 40)},
			{"stimulus", Constant(60)},
			{"decision", Constant(20)},
		},
		Rewards:       Rewards{{"abort", -0.1}, {"correct", 1}, {"fail", 0}, {"miss", -0.5}},
		AnswerPeriods: []string{"decision"},
	}
	if r.box {
		spec.ActSpace = BoxSpace(2)
	}
	if mod != nil {
		mod(&spec)
	}
	e, err := NewEnv(spec, r, seed)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (r *toy) NewTrial(e *Env, v *Vars, cond *Vars) error {
	v.SetInt("ground_truth", e.Rng().RandInt(2))
	v.SetFloat("coh", []float64{6.4, 51.2}[e.Rng().RandInt(2)])
	if err := v.Update(cond); err != nil {
		return err
	}
	g := v.Int("ground_truth")
	e.AddPeriods("fixation", "stimulus", "decision")
	e.AddOb(1, "fixation", "fixation")
	e.AddOb(1, "stimulus", "fixation")
	stim := []float64{0, 0}
	stim[g] = v.Float("coh") / 100
	e.AddObVec(stim, "stimulus", "stimulus")
	e.AddRandn(0, 0.1, "stimulus", "stimulus")
	if r.box {
		e.SetGtVec([]float64{-1, 0}, "")
		e.SetGtVec([]float64{1, float64(g)}, "decision")
	} else {
		e.SetGtWhere(g, "decision", "choice")
	}
	e.SetRTmax(e.Reward("miss"))
	return nil
}

func (r *toy) Step(e *Env, a Action) (float64, bool) {
	if r.box {
		if e.InPeriod("decision") && a.Vec[0] > 0 {
			e.SetPerformance(1 / (1 + math.Abs(a.Vec[1]-float64(e.GtNowVec()[1]))))
			return e.Reward("correct"), true
		}
		return 0, false
	}
	switch {
	case e.InPeriod("fixation") && a.Index != 0:
		return e.Reward("abort"), r.abort
	case e.InPeriod("decision") && a.Index != 0:
		if a.Index == e.GtNow() {
			e.SetPerformance(1)
			return e.Reward("correct"), true
		}
		return e.Reward("fail"), true
	}
	return 0, false
}

func TestEnvTrialLayout(t *testing.T) {
	e := newToy(t, IntSeed(3), nil)
	for k := 0; k < 20; k++ {
		tr, err := e.NewTrial(nil)
		if err != nil {
			t.Fatal(err)
		}
		fix, _ := tr.Period("fixation")
		stim, _ := tr.Period("stimulus")
		dec, _ := tr.Period("decision")
		if fix.Start != 0 || stim.Start != fix.End || dec.Start != stim.End || dec.End-dec.Start != 20 {
			t.Fatalf("periods not back to back: %+v", tr.Periods)
		}
		if tr.T != int(dec.End/10) || len(tr.Ob) != tr.T*3 || len(tr.Gt) != tr.T {
			t.Fatalf("T = %d, len(Ob) = %d, len(Gt) = %d", tr.T, len(tr.Ob), len(tr.Gt))
		}
		g := tr.Vars.Int("ground_truth")
		for r := 0; r < tr.T; r++ {
			wantFix := float32(0)
			if r < stim.EndIdx {
				wantFix = 1
			}
			if tr.Row(r)[0] != wantFix {
				t.Fatalf("row %d: fixation %v, want %v", r, tr.Row(r)[0], wantFix)
			}
			wantGt := 0
			if r >= dec.StartIdx {
				wantGt = g + 1
			}
			if tr.Gt[r] != wantGt {
				t.Fatalf("row %d: gt %d, want %d", r, tr.Gt[r], wantGt)
			}
		}
	}
}

// TestEnvPeriodPlacement: After, AtTime, Before and Duration place periods
// as NeuroGym's add_period; periods may overlap; T follows the latest end.
func TestEnvPeriodPlacement(t *testing.T) {
	e := newToy(t, IntSeed(0), nil)
	e.NewTrial(nil)
	e.build.obBuilt = false // build a second layout by hand
	e.build.tmaxRaw = 0
	e.cur.Periods = e.cur.Periods[:0]
	e.AddPeriod("fixation", Duration(35))
	e.AddPeriod("stimulus", After("fixation"), Duration(50))
	e.AddPeriod("decision", Before("stimulus"), Duration(15))
	e.AddPeriod("delay", AtTime(70), Duration(45))
	want := map[string][4]float64{
		"fixation": {0, 35, 0, 3},
		"stimulus": {35, 85, 3, 8},
		"decision": {20, 35, 2, 3},
		"delay":    {70, 115, 7, 11},
	}
	for name, w := range want {
		p, ok := e.cur.Period(name)
		if !ok || p.Start != w[0] || p.End != w[1] || p.StartIdx != int(w[2]) || p.EndIdx != int(w[3]) {
			t.Errorf("%s = %+v, want %v", name, p, w)
		}
	}
	if e.tmax != 110 {
		t.Errorf("tmax = %v, want int(115/10)*10 = 110", e.tmax)
	}
	v := e.ViewOb("")
	if v.Rows != 11 {
		t.Errorf("observation rows %d, want 11", v.Rows)
	}
}

// TestEnvObArithmetic: scalars are added in float32 (NumPy casts a Python
// scalar to the array's dtype), arrays in float64 and rounded; values from
// NumPy 1.24: float32(0.54881352186203) + 0.7151893663724195 gives
// 1.264002799987793 as a scalar and 1.2640029191970825 as an array.
func TestEnvObArithmetic(t *testing.T) {
	e := newToy(t, IntSeed(0), nil)
	e.NewTrial(nil)
	const a, v = 0.54881352186203, 0.7151893663724195
	e.SetOb(a, "", "")
	e.AddOb(v, "", "fixation")
	e.AddObVec([]float64{v, v}, "", "stimulus")
	row := e.cur.Row(0)
	if float64(row[0]) != 1.264002799987793 || float64(row[1]) != 1.2640029191970825 || row[2] != row[1] {
		t.Errorf("row = %v, want [1.264002799987793 1.2640029191970825 1.2640029191970825]", row)
	}
	e.SetObVec([]float64{-0.5}, "stimulus", "")
	s, _ := e.PeriodRows("stimulus")
	if got := e.cur.Row(s); !slices.Equal(got, []float32{-0.5, -0.5, -0.5}) {
		t.Errorf("SetObVec broadcast: %v", got)
	}
	e.AddObVec([]float64{1, 2, 3, 4}, "", "stimulus")
	if e.build.err == nil || !strings.Contains(e.build.err.Error(), "length 4 for 2 columns") {
		t.Errorf("wrong-length vector: err = %v", e.build.err)
	}
}

// TestEnvAddRandnOrder: normals are drawn row by row over the selected
// columns (NumPy's randn(rows, cols)).
func TestEnvAddRandnOrder(t *testing.T) {
	e := newToy(t, IntSeed(0), nil)
	e.NewTrial(nil)
	e.SetOb(0, "", "")
	r := e.Rng().clone()
	e.AddRandn(1, 2, "decision", "stimulus")
	s, end := e.PeriodRows("decision")
	for row := s; row < end; row++ {
		for _, c := range []int{1, 2} {
			want := float32(1 + r.Normal()*2)
			if got := e.cur.Row(row)[c]; got != want {
				t.Fatalf("row %d col %d: %v, want %v", row, c, got, want)
			}
		}
	}
}

func (r *RandomState) clone() *RandomState { c := *r; return &c }

// TestEnvStepping follows TrialEnv.step: a fixating agent times out at the
// last step with r_tmax (miss) and performance 0; the next observation is
// row 0 of a new trial; a correct choice ends the trial with performance 1.
func TestEnvStepping(t *testing.T) {
	e := newToy(t, IntSeed(5), nil)
	tr, _ := e.NewTrial(nil)
	first := tr.Clone()
	var total float64
	for k := 0; k < first.T; k++ {
		ob, r, info, err := e.Step(DiscreteAction(0))
		if err != nil {
			t.Fatal(err)
		}
		total += r
		if info.Gt != first.Gt[k] {
			t.Fatalf("step %d: info.Gt %d, want %d", k, info.Gt, first.Gt[k])
		}
		if k < first.T-1 {
			if info.NewTrial || !slices.Equal(ob, first.Row(k+1)) {
				t.Fatalf("step %d: early end or wrong row", k)
			}
			continue
		}
		if !info.NewTrial || info.Performance != 0 || r != -0.5 {
			t.Fatalf("last step: new %v perf %v reward %v, want timeout with miss -0.5", info.NewTrial, info.Performance, r)
		}
		if !slices.Equal(ob, e.Trial().Row(0)) || e.TInd() != 0 {
			t.Fatal("after the timeout the observation must be row 0 of the next trial")
		}
	}
	if total != -0.5 {
		t.Errorf("total reward %v, want -0.5", total)
	}
	// correct choice at the first decision step
	tr = e.Trial()
	dec, _ := tr.Period("decision")
	g := tr.Vars.Int("ground_truth")
	for k := 0; k <= dec.StartIdx; k++ {
		a := 0
		if k == dec.StartIdx {
			a = g + 1
		}
		_, r, info, _ := e.Step(DiscreteAction(a))
		if k == dec.StartIdx && (!info.NewTrial || info.Performance != 1 || r != 1) {
			t.Fatalf("correct choice: new %v perf %v reward %v", info.NewTrial, info.Performance, r)
		}
	}
}

// TestEnvReplay: Replay scores actions without drawing and restores the
// stepping state; fixation breaks end the trial only with abort.
func TestEnvReplay(t *testing.T) {
	for _, abort := range []bool{false, true} {
		e := newToyRules(t, &toy{abort: abort}, IntSeed(9), nil)
		tr, _ := e.NewTrial(nil)
		keep := tr.Clone()
		e.Step(DiscreteAction(0))
		rng := *e.Rng()
		gt := make([]Action, keep.T)
		for k, g := range keep.Gt {
			gt[k] = DiscreteAction(g)
		}
		out, err := e.Replay(keep, gt)
		if err != nil {
			t.Fatal(err)
		}
		dec, _ := keep.Period("decision")
		if out.Performance != 1 || out.Steps != dec.StartIdx+1 || out.Reward != 1 || !out.Ended {
			t.Errorf("gt policy: %+v", out)
		}
		breakFix := slices.Clone(gt)
		breakFix[0] = DiscreteAction(1)
		out, _ = e.Replay(keep, breakFix)
		if abort && (out.Steps != 1 || out.Performance != 0 || !out.Ended) {
			t.Errorf("abort: %+v", out)
		}
		if !abort && (out.Performance != 1 || math.Abs(out.Reward-0.9) > 1e-12) {
			t.Errorf("no abort: %+v", out)
		}
		if e.TInd() != 1 || *e.Rng() != rng || !slices.Equal(e.Trial().Gt, keep.Gt) {
			t.Error("Replay changed the stepping state or drew numbers")
		}
		if _, err := e.Replay(keep, gt[:2]); err == nil {
			t.Error("too few actions: no error")
		}
	}
}

func TestEnvBoxTargets(t *testing.T) {
	e := newToyRules(t, &toy{box: true}, IntSeed(1), nil)
	tr, err := e.NewTrial(nil)
	if err != nil {
		t.Fatal(err)
	}
	dec, _ := tr.Period("decision")
	g := float32(tr.Vars.Int("ground_truth"))
	if len(tr.Gt) != 0 || len(tr.GtVec) != 2*tr.T {
		t.Fatalf("Box trial: len(Gt) %d, len(GtVec) %d", len(tr.Gt), len(tr.GtVec))
	}
	if !slices.Equal(tr.GtRow(0), []float32{-1, 0}) || !slices.Equal(tr.GtRow(dec.StartIdx), []float32{1, g}) {
		t.Errorf("targets %v / %v", tr.GtRow(0), tr.GtRow(dec.StartIdx))
	}
	acts := make([]Action, tr.T)
	for k := range acts {
		row := tr.GtRow(k)
		acts[k] = Action{Vec: []float64{float64(row[0]), float64(row[1])}}
	}
	out, _ := e.Replay(tr.Clone(), acts)
	if out.Performance != 1 {
		t.Errorf("perfect Box agent: performance %v", out.Performance)
	}
}

func TestEnvForcedVars(t *testing.T) {
	e := newToy(t, IntSeed(2), nil)
	var cond Vars
	cond.SetInt("ground_truth", 1)
	for k := 0; k < 5; k++ {
		tr, err := e.NewTrial(&cond)
		if err != nil {
			t.Fatal(err)
		}
		if tr.Vars.Int("ground_truth") != 1 {
			t.Fatal("forced ground_truth ignored")
		}
	}
	cond.SetString("ground_truth", "left")
	if _, err := e.NewTrial(&cond); err == nil || !strings.Contains(err.Error(), "ground_truth") {
		t.Errorf("wrong kind: err = %v", err)
	}
	var nan Vars
	nan.SetFloat("coh", math.NaN())
	if _, err := e.NewTrial(&nan); err == nil || !strings.Contains(err.Error(), "not finite") {
		t.Errorf("NaN variable: err = %v", err)
	}
}

func TestNewEnvErrors(t *testing.T) {
	for _, c := range []struct {
		mod  func(*EnvSpec)
		want string
	}{
		{func(s *EnvSpec) { s.Dt = 0 }, "dt = 0"},
		{func(s *EnvSpec) { s.Dt = math.Inf(1) }, "dt = +Inf"},
		{func(s *EnvSpec) { s.Dt = 30 }, "timing.decision can be 20 ms, shorter than dt = 30 ms"},
		{func(s *EnvSpec) { s.Timing.Set("decision", UniformTiming(5, 50)) }, "timing.decision can be 5 ms"},
		{func(s *EnvSpec) { s.ObSpace.Names = append(s.ObSpace.Names, Ch("x", 7)) }, `channel "x" index 7 outside [0, 3)`},
		{func(s *EnvSpec) { s.Timing.Set("stimulus", TruncatedExponential(100, 50300, math.Inf(1))) }, "would take about"},
	} {
		spec := EnvSpec{
			ID: "Toy-v0", Dt: 10,
			ObSpace:  BoxSpace(3, Ch("fixation", 0)),
			ActSpace: DiscreteSpace(3),
			Timing:   Timing{{"fixation", Constant(20)}, {"stimulus", Constant(60)}, {"decision", Constant(20)}},
		}
		spec.AnswerPeriods = []string{"decision"}
		c.mod(&spec)
		_, err := NewEnv(spec, &toy{}, IntSeed(0))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("want error containing %q, got %v", c.want, err)
		}
	}
}

// failing is a task whose trials fail to build.
type failing struct{ toy }

func (f *failing) NewTrial(e *Env, v *Vars, cond *Vars) error {
	e.AddPeriods("fixation")
	e.SetGtRows([]int{1, 2, 3}, "fixation")
	return nil
}

func TestEnvFail(t *testing.T) {
	e, err := NewEnv(EnvSpec{ID: "Fail-v0", Dt: 10, ObSpace: BoxSpace(1), ActSpace: DiscreteSpace(4),
		Timing: Timing{{"fixation", Constant(20)}}}, &failing{}, IntSeed(0))
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.NewTrial(nil)
	if err == nil || !strings.Contains(err.Error(), "could not broadcast 3 targets into the 2 rows") {
		t.Errorf("err = %v", err)
	}
}

// TestEnvStalePeriods: NeuroGym never clears start_t/end_t, so a period of
// an earlier trial is still found by InPeriod (and After) in a later one.
func TestEnvStalePeriods(t *testing.T) {
	e := newToy(t, IntSeed(0), nil)
	e.NewTrial(nil)
	if !e.InPeriod("fixation") {
		t.Fatal("t = 0 is in fixation")
	}
	e.build.obBuilt = false
	e.cur.Periods = e.cur.Periods[:0]
	e.AddPeriod("other", Duration(10))
	if _, ok := e.cur.Period("fixation"); ok {
		t.Error("the trial lists a period it did not add")
	}
	if !e.InPeriod("fixation") {
		t.Error("stale period forgotten")
	}
}

func TestEnvBadActions(t *testing.T) {
	e := newToy(t, IntSeed(0), nil)
	if _, _, _, err := e.Step(DiscreteAction(3)); err == nil || !strings.Contains(err.Error(), "action 3 outside Discrete(3)") {
		t.Errorf("index 3: %v", err)
	}
	b := newToyRules(t, &toy{box: true}, IntSeed(0), nil)
	if _, _, _, err := b.Step(Action{Vec: []float64{1}}); err == nil || !strings.Contains(err.Error(), "length 1") {
		t.Errorf("short vector: %v", err)
	}
	tr, _ := b.NewTrial(nil)
	if _, err := b.Replay(tr.Clone(), []Action{{Vec: []float64{math.NaN(), 0}}}); err == nil || !strings.Contains(err.Error(), "not finite") {
		t.Errorf("NaN vector: %v", err)
	}
}

// TestEnvTrialTooLong: a trial beyond MaxTrialSteps is an error naming its
// length, not an allocation (issue 8: a tiny dt or huge timing exhausted
// memory or panicked).
func TestEnvTrialTooLong(t *testing.T) {
	for _, mod := range []func(*EnvSpec){
		func(s *EnvSpec) { s.Dt = 1e-300 },
		func(s *EnvSpec) { s.Timing.Set("stimulus", Constant(1e12)) },
	} {
		spec := EnvSpec{ID: "Toy-v0", Dt: 10, ObSpace: BoxSpace(3, Ch("fixation", 0), ChRange("stimulus", 1, 3)),
			ActSpace: DiscreteSpace(3, Ch("fixation", 0), ChList("choice", 1, 2)),
			Timing:   Timing{{"fixation", Constant(20)}, {"stimulus", Constant(60)}, {"decision", Constant(20)}},
			Rewards:  Rewards{{"abort", -0.1}, {"correct", 1}, {"fail", 0}, {"miss", -0.5}}}
		mod(&spec)
		e, err := NewEnv(spec, &toy{}, IntSeed(0))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.NewTrial(nil); err == nil || !strings.Contains(err.Error(), "steps are allowed") {
			t.Errorf("err = %v", err)
		}
	}
}
