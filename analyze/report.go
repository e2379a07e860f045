package analyze

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"sort"

	"github.com/taskrnn/taskrnn/data/fileio"
	"github.com/taskrnn/taskrnn/train/rundir"
)

// File names written by Report.WriteFiles (and FixedPointsFile and
// FixedPointsEigenFile).
const (
	MetricsFile      = "metrics.json"
	ActivityFile     = "activity.npz"
	TaskTrialFile    = "task_trial.png"
	TrialOutputFile  = "trial_output.png"
	PsychometricFile = "psychometric.png"
	PCA2DFile        = "pca2d.png"
	PCA3DFile        = "pca3d.png"
)

// OutputFiles returns the names of every file WriteFiles may write (some
// are skipped for some tasks), for callers that must clear an old analysis.
func OutputFiles() []string {
	return []string{MetricsFile, ActivityFile, TaskTrialFile, TrialOutputFile, PsychometricFile, PCA2DFile, PCA3DFile,
		FixedPointsFile, FixedPointsEigenFile}
}

// NumPCs is the number of explained-variance ratios kept in Metrics.
const NumPCs = 10

// Report is the full analysis of one test.
type Report struct {
	// Activity holds the trials whose per-step activity is kept in
	// memory, padded to the test's longest trial: every trial for
	// Analyze; the first KeptTrials for RunDir, which streams the rest to
	// activity.npz. The single-trial figures and the PCA figures' single
	// trials are drawn from it.
	Activity *Activity
	// Trials is the per-trial record of every trial.
	Trials *Trials
	// Seed is the test seed the activity was drawn with.
	Seed     int64
	Accuracy Accuracy
	// Psychometric is nil for tasks without a signed evidence variable.
	Psychometric *Psychometric
	// PCA is the principal component analysis of the hidden states of all
	// real steps of all trials.
	PCA *PCA
	// ExampleTrial is the trial shown in the single-trial figures: the
	// first trial of Activity at the middle non-zero level of the
	// evidence's magnitude (12.8% coherence for PerceptualDecisionMaking's
	// default levels), or the first trial with a response period.
	ExampleTrial int
	// FixedPoints is the fixed-point search (AddFixedPoints), or nil.
	FixedPoints *FixedPoints
	// Notes lists analyses that were skipped and why.
	Notes []string

	means *condMeans // mean hidden states of each condition, over every trial
	spool *spool     // if not nil, activity.npz is written from it (RunDir)
}

// KeptTrials is the number of trials whose per-step activity RunDir keeps
// in memory for the figures (the PCA figures draw this many single
// trials; means and statistics use every trial).
const KeptTrials = maxDrawnTrials

// Analyze computes accuracy and performance per condition, the
// psychometric curve and the PCA of a (Choice, Correct and Performance must
// be filled, as Evaluate does). seed is recorded in the metrics. It returns
// an error if a is invalid, has non-finite hidden states, or the PCA fails.
// When no psychometric curve can be made (no signed evidence, or a single
// evidence level) it is skipped and Notes says why.
func Analyze(a *Activity, seed int64) (*Report, error) {
	t, err := a.Trials()
	if err != nil {
		return nil, err
	}
	if err := checkFinite("hidden", a.Hidden); err != nil {
		return nil, err
	}
	p, err := FitPCA(a.HiddenMatrix())
	if err != nil {
		return nil, err
	}
	means := newCondMeans(a.H, t)
	means.add(a, 0)
	return newReport(seed, a, t, p, means)
}

// newReport completes a report from the kept activity a, the record of
// every trial t and the PCA and condition means of every trial.
func newReport(seed int64, a *Activity, t *Trials, p *PCA, means *condMeans) (*Report, error) {
	acc, err := t.Accuracy()
	if err != nil {
		return nil, err
	}
	r := &Report{Activity: a, Trials: t, Seed: seed, Accuracy: acc, PCA: p, means: means}
	r.Psychometric, err = t.Psychometric()
	switch {
	case errors.Is(err, ErrNoEvidence):
		r.Notes = append(r.Notes, fmt.Sprintf("no psychometric curve: %s declares no signed evidence (see the accuracy per condition)", t.Task.ID))
	case err != nil:
		// E.g. a single coherence level: nothing to fit, but the rest stands.
		r.Psychometric = nil
		r.Notes = append(r.Notes, fmt.Sprintf("no psychometric curve: %v", err))
	}
	switch k := r.PCA.Components(); {
	case k < 2:
		r.Notes = append(r.Notes, "no PCA figures: fewer than 2 principal components")
	case k < 3:
		r.Notes = append(r.Notes, "no 3-D PCA figure: only 2 principal components")
	}
	if means.tooMany {
		r.Notes = append(r.Notes, fmt.Sprintf("no condition means in the PCA figures: more than %d conditions", maxConditions))
	}
	r.ExampleTrial = exampleTrial(a)
	return r, nil
}

func (r *Report) view() pcaView {
	v := pcaView{a: r.Activity, trials: r.Trials, means: r.means, p: r.PCA}
	if r.FixedPoints != nil {
		v.fp = r.FixedPoints.Result
	}
	return v
}

func exampleTrial(a *Activity) int {
	var levels []float64
	seen := map[float64]bool{}
	for n := 0; n < a.N; n++ {
		x, ok := a.Evidence(n)
		if !ok {
			break
		}
		if c := math.Abs(x); c > 0 && !seen[c] {
			seen[c] = true
			levels = append(levels, c)
		}
	}
	if len(levels) > 0 {
		sort.Float64s(levels)
		mid := levels[(len(levels)-1)/2]
		for n := 0; n < a.N; n++ {
			if x, _ := a.Evidence(n); math.Abs(x) == mid {
				return n
			}
		}
	}
	for n := 0; n < a.N; n++ {
		if _, _, ok := a.DecisionSteps(n); ok {
			return n
		}
	}
	return 0
}

// Metrics is the content of metrics.json.
type Metrics struct {
	Task    string `json:"task"`
	Seed    int64  `json:"seed"`
	NTrials int    `json:"n_trials"`
	// TestAccuracy is the percentage of trials whose choice at the last
	// step was correct (the tutorial's rule; absent for continuous actions).
	TestAccuracy *float64 `json:"test_accuracy,omitempty"`
	// Performance is the mean NeuroGym performance (the task's own score of
	// the network's per-step actions).
	Performance *float64 `json:"performance"`
	// NoResponse counts trials still fixating at the last step where a
	// response was due (errors; a correct no-go is not counted).
	NoResponse int `json:"n_no_response"`
	// ByCondition holds, for each condition variable, each value's trials,
	// correct choices, accuracy (percent) and performance.
	ByCondition  ByCondition       `json:"by_condition"`
	Psychometric *PsychometricJSON `json:"psychometric,omitempty"`
	// ExplainedVarianceRatio holds the share of hidden-state variance of
	// the first (up to NumPCs) principal components.
	ExplainedVarianceRatio []float64 `json:"explained_variance_ratio"`
	DtMs                   float64   `json:"dt_ms"`
	StepsMax               int       `json:"steps_max"`
	ExampleTrial           int       `json:"example_trial"`
	// FixedPoints summarises the fixed-point search (absent without one).
	FixedPoints *FixedPointsJSON `json:"fixed_points,omitempty"`
	Notes       []string         `json:"notes,omitempty"`
}

// ByCondition marshals to a JSON object keyed by variable, each an object
// keyed by the value (its JSON text: "0", "6.4", "\"match\"", or the task
// id) in the order of Accuracy.ByCondition, each value
// {"n", "correct", "accuracy", "performance"} (null where undefined).
type ByCondition []Condition

// MarshalJSON implements json.Marshaler.
func (c ByCondition) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, cond := range c {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%q:{", cond.Var)
		for j, l := range cond.Levels {
			if j > 0 {
				b.WriteByte(',')
			}
			v, err := json.Marshal(struct {
				N           int      `json:"n"`
				Correct     int      `json:"correct"`
				Accuracy    *float64 `json:"accuracy"`
				Performance *float64 `json:"performance"`
			}{l.N, l.Correct, finite(l.Percent()), finite(l.Performance())})
			if err != nil {
				return nil, err
			}
			k, _ := json.Marshal(l.Value)
			fmt.Fprintf(&b, "%s:%s", k, v)
		}
		b.WriteByte('}')
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// PsychometricJSON is the psychometric part of metrics.json. Standard
// errors that are not finite are null.
type PsychometricJSON struct {
	Model   string      `json:"model"`
	Method  string      `json:"method"`
	Bias    float64     `json:"bias"`
	BiasSE  *float64    `json:"bias_se"`
	Slope   float64     `json:"slope"`
	SlopeSE *float64    `json:"slope_se"`
	Points  []PointJSON `json:"points"`
}

// PointJSON is one psychometric point in metrics.json: the signed
// evidence, the trials and the fraction choosing the favoured action.
type PointJSON struct {
	X  float64 `json:"x"`
	N  int     `json:"n"`
	P  float64 `json:"p"`
	SE float64 `json:"se"`
}

func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// Metrics returns the summary written to metrics.json.
func (r *Report) Metrics() Metrics {
	a := r.Activity
	m := Metrics{
		Task:         a.Task.ID,
		Seed:         r.Seed,
		NTrials:      r.Accuracy.N,
		Performance:  finite(r.Accuracy.Performance),
		NoResponse:   r.Accuracy.NoResponse,
		ByCondition:  ByCondition(r.Accuracy.ByCondition),
		DtMs:         a.Dt,
		StepsMax:     a.T,
		ExampleTrial: r.ExampleTrial,
		Notes:        r.Notes,
	}
	m.NTrials = r.Trials.N
	if r.Accuracy.HasChoice {
		m.TestAccuracy = finite(r.Accuracy.Percent())
	}
	evr := r.PCA.ExplainedVarianceRatio()
	m.ExplainedVarianceRatio = evr[:min(NumPCs, len(evr))]
	if r.FixedPoints != nil {
		m.FixedPoints = r.FixedPoints.json()
	}
	if ps := r.Psychometric; ps != nil {
		pj := &PsychometricJSON{
			Model:   fmt.Sprintf("P(choose %s) = 1/(1+exp(-slope*(x-bias))), x = %s, + favours %s", ps.PositiveName, ps.Label, ps.PositiveName),
			Method:  ps.Fit.Method,
			Bias:    ps.Fit.Bias,
			BiasSE:  finite(ps.Fit.BiasSE),
			Slope:   ps.Fit.Slope,
			SlopeSE: finite(ps.Fit.SlopeSE),
		}
		for _, p := range ps.Points {
			pj.Points = append(pj.Points, PointJSON{X: p.X, N: p.N, P: p.P(), SE: p.SE()})
		}
		m.Psychometric = pj
	}
	return m
}

// WriteMetrics writes r.Metrics() as indented JSON to path, atomically.
func (r *Report) WriteMetrics(path string) error {
	return fileio.WriteFile(path, r.writeMetrics)
}

func (r *Report) writeMetrics(w io.Writer) error {
	b, err := json.MarshalIndent(r.Metrics(), "", "  ")
	if err != nil {
		return fmt.Errorf("analyze: metrics: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// Files returns the analysis files of r for a rundir commit: metrics.json,
// activity.npz and the five figures, in that order, then, with a
// fixed-point search, fixed_points.npz and the eigenvalue figure. Figures
// that do not apply (the psychometric curve for more than two choices, PCA
// plots for fewer than 2 or 3 components, the eigenvalue figure without a
// point) are left out; the reason is in r.Notes.
func (r *Report) Files() []rundir.File {
	a, n := r.Activity, r.ExampleTrial
	files := []rundir.File{
		{Name: MetricsFile, Write: r.writeMetrics},
		{Name: ActivityFile, Write: r.writeActivity},
		{Name: TaskTrialFile, Write: func(w io.Writer) error { return writeTaskTrial(w, a, n) }},
		{Name: TrialOutputFile, Write: func(w io.Writer) error { return writeTrialOutput(w, a, n) }},
	}
	if r.Psychometric != nil {
		files = append(files, rundir.File{Name: PsychometricFile, Write: func(w io.Writer) error { return writePsychometric(w, r.Psychometric) }})
	}
	if r.PCA.Components() >= 2 {
		files = append(files, rundir.File{Name: PCA2DFile, Write: func(w io.Writer) error { return writePCA2D(w, r.view()) }})
	}
	if r.PCA.Components() >= 3 {
		files = append(files, rundir.File{Name: PCA3DFile, Write: func(w io.Writer) error { return writePCA3D(w, r.view()) }})
	}
	if f := r.FixedPoints; f != nil {
		files = append(files, rundir.File{Name: FixedPointsFile, Write: f.writeNPZ})
		if f.Showcase >= 0 {
			files = append(files, rundir.File{Name: FixedPointsEigenFile, Write: f.writeEigenvalues})
		}
	}
	return files
}

// writeActivity writes activity.npz: from the spool when the test was
// streamed, else from Activity.
func (r *Report) writeActivity(w io.Writer) error {
	if r.spool != nil {
		return r.spool.writeNPZ(w, r.Trials, r.Activity.T, r.Activity.Dt)
	}
	return r.Activity.writeNPZ(w)
}

// Commit writes r's files into the run directory d as one change
// (rundir.Dir.Commit), removing the analysis files of OutputFiles that r
// does not write, and returns the paths written. The figures are rendered
// concurrently.
func (r *Report) Commit(d *rundir.Dir) ([]string, error) {
	files := r.Files()
	written := map[string]bool{}
	var paths []string
	for _, f := range files {
		written[f.Name] = true
		paths = append(paths, filepath.Join(d.Path(), f.Name))
	}
	var remove []string
	for _, n := range OutputFiles() {
		if !written[n] {
			remove = append(remove, n)
		}
	}
	if err := d.Commit(files, remove); err != nil {
		return nil, fmt.Errorf("analyze: %w", err)
	}
	return paths, nil
}

// WriteFiles writes r's files into dir (created if needed) as Commit does,
// holding dir's lock meanwhile, and returns the paths written.
func (r *Report) WriteFiles(dir string) ([]string, error) {
	d, err := rundir.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("analyze: %w", err)
	}
	defer d.Close()
	return r.Commit(d)
}

// WriteSummary writes a short human-readable summary to w: the accuracy
// table, the psychometric fit, the first explained-variance ratios, the
// fixed points and any notes.
func (r *Report) WriteSummary(w io.Writer) error {
	fmt.Fprintf(w, "test on %s: %d trials, seed %d, noise on\n", r.Trials.Task.ID, r.Accuracy.N, r.Seed)
	if err := r.Accuracy.WriteTable(w); err != nil {
		return err
	}
	if ps := r.Psychometric; ps != nil {
		f := ps.Fit
		fmt.Fprintf(w, "psychometric (%s logistic on %s): bias %.3g ± %.2g, slope %.3g ± %.2g per unit\n",
			f.Method, ps.Label, f.Bias, f.BiasSE, f.Slope, f.SlopeSE)
		if !(math.Abs(f.Slope) > 2*f.SlopeSE) {
			fmt.Fprintf(w, "  note: the slope is within 2 standard errors of 0: the choices do not follow the evidence, so the fit (and its bias) means nothing\n")
		}
	}
	evr := r.PCA.ExplainedVarianceRatio()
	fmt.Fprintf(w, "explained variance of PC1-3: ")
	for i := 0; i < min(3, len(evr)); i++ {
		fmt.Fprintf(w, "%.1f%% ", 100*evr[i])
	}
	fmt.Fprintln(w)
	if r.FixedPoints != nil {
		for _, l := range r.FixedPoints.summaryLines() {
			fmt.Fprintln(w, l)
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	return nil
}
