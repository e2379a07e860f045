package sweep

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/taskrnn/taskrnn/analyze"
	"github.com/taskrnn/taskrnn/data/fileio"
)

// Files written by Summary.WriteFiles into the sweep directory.
const (
	SummaryCSV  = "sweep_summary.csv"
	SummaryJSON = "sweep_summary.json"
	FigureFile  = "sweep.png"
	ReportFile  = "report.html"
)

// Summary is the comparison of a sweep's runs: one Row per planned run,
// in plan order, including runs that have not run (yet).
type Summary struct {
	Dir  string   `json:"dir"`
	Keys []string `json:"swept_keys"` // Plan.Keys
	// Conditions are the labels of the per-condition accuracies found in
	// any run ("coh=0", "coh=6.4", ... for PerceptualDecisionMaking), in
	// increasing numeric order.
	Conditions []string       `json:"conditions"`
	Counts     map[Status]int `json:"counts"`
	Rows       []Row          `json:"runs"`
	// SpecJSON is the sweep's spec, for the report.
	SpecJSON json.RawMessage `json:"spec"`
}

// Row is one run in the summary. Pointers are nil (empty in the CSV, null
// in the JSON) where the run has no such number yet.
type Row struct {
	Name   string         `json:"name"`
	Params map[string]any `json:"params"` // swept key -> value
	Seed   int64          `json:"seed"`
	Status Status         `json:"status"`
	Error  string         `json:"error,omitempty"`
	// NIteration counts completed training iterations (summary.json).
	NIteration         int      `json:"n_iteration"`
	NIterationPlanned  int      `json:"n_iteration_planned"`
	FinalTrainLoss     *float64 `json:"final_train_loss"`     // mean of the last train.FinalWindow iterations
	FinalTrainAccuracy *float64 `json:"final_train_accuracy"` // percent, idem
	// TestAccuracy (percent) is from metrics.json, on fresh test trials.
	TestAccuracy *float64 `json:"test_accuracy"`
	// Performance is NeuroGym's mean performance (a fraction in [0, 1]) when metrics.json
	// has one.
	Performance  *float64    `json:"performance,omitempty"`
	PerCondition []Condition `json:"per_condition,omitempty"`
	TrainSeconds *float64    `json:"train_seconds"` // the training loop alone
	WallSeconds  *float64    `json:"wall_seconds"`  // the worker: training, saving and analysis
}

// Condition is the test accuracy on one condition's trials.
type Condition struct {
	Label       string   `json:"condition"`
	N           int      `json:"n"`
	Accuracy    *float64 `json:"accuracy"`    // percent; null if N is 0 or the actions are continuous
	Performance *float64 `json:"performance"` // NeuroGym's mean performance; null if unknown
}

// Summarize reads every planned run's directory (summary.json,
// metrics.json, worker.json) into a Summary; runs that have not run are
// rows with their status and no numbers, so a partial sweep summarises
// too.
func Summarize(sw *Sweep) (*Summary, error) {
	spec, err := sw.Spec.MarshalIndent()
	if err != nil {
		return nil, err
	}
	s := &Summary{Dir: sw.Dir, Keys: sw.Plan.Keys, Counts: map[Status]int{}, SpecJSON: spec}
	conds := map[string]bool{}
	for _, r := range sw.Plan.Runs {
		dir := sw.RunDir(r.Name)
		st, err := RunState(dir)
		if err != nil {
			return nil, err
		}
		row := Row{Name: r.Name, Params: map[string]any{}, Seed: r.Seed, Status: st.Status, Error: st.Error,
			NIterationPlanned: r.Config.NIteration}
		for _, p := range r.Params {
			row.Params[p.Key] = p.Value
		}
		if sm := st.Summary; sm != nil {
			row.NIteration = sm.NIteration
			row.FinalTrainLoss = finite(sm.FinalTrainLoss)
			if sm.FinalTrainAccuracy != nil {
				row.FinalTrainAccuracy = finite(*sm.FinalTrainAccuracy)
			}
			row.TrainSeconds = finite(sm.TrainSeconds)
		}
		if w := st.Worker; w != nil && w.WallSeconds > 0 && st.Status != Running {
			row.WallSeconds = finite(w.WallSeconds)
		}
		if st.Status == Complete {
			if err := readMetrics(filepath.Join(dir, analyze.MetricsFile), &row); err != nil {
				return nil, fmt.Errorf("run %s: %w", r.Name, err)
			}
			for _, c := range row.PerCondition {
				conds[c.Label] = true
			}
		}
		s.Counts[row.Status]++
		s.Rows = append(s.Rows, row)
	}
	s.Conditions = sortedKeys(conds)
	sort.SliceStable(s.Conditions, func(i, j int) bool { return conditionLess(s.Conditions[i], s.Conditions[j]) })
	return s, nil
}

// readMetrics fills the test metrics of row from metrics.json: test_accuracy
// (absent for continuous actions), performance, and the accuracy and
// performance of every value of every condition variable (by_condition,
// labelled "<variable>=<value>", e.g. "coh=6.4").
func readMetrics(path string, row *Row) error {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	type cond struct {
		N           int      `json:"n"`
		Accuracy    *float64 `json:"accuracy"`
		Performance *float64 `json:"performance"`
	}
	var m struct {
		TestAccuracy *float64                   `json:"test_accuracy"`
		Performance  *float64                   `json:"performance"`
		ByCondition  map[string]map[string]cond `json:"by_condition"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("%s is corrupt: %w", analyze.MetricsFile, err)
	}
	row.TestAccuracy, row.Performance = m.TestAccuracy, m.Performance
	for _, v := range sortedKeys(m.ByCondition) {
		cs := m.ByCondition[v]
		for _, k := range sortedKeys(cs) {
			row.PerCondition = append(row.PerCondition, Condition{Label: v + "=" + k, N: cs[k].N, Accuracy: cs[k].Accuracy, Performance: cs[k].Performance})
		}
	}
	sort.SliceStable(row.PerCondition, func(i, j int) bool { return conditionLess(row.PerCondition[i].Label, row.PerCondition[j].Label) })
	return nil
}

// conditionLess orders labels by the number after "=" (or the whole label)
// where both are numbers, else as strings.
func conditionLess(a, b string) bool {
	num := func(s string) (string, float64, bool) {
		pre, v := "", s
		if i := strings.LastIndexByte(s, '='); i >= 0 {
			pre, v = s[:i], s[i+1:]
		}
		f, err := strconv.ParseFloat(v, 64)
		return pre, f, err == nil
	}
	pa, fa, oka := num(a)
	pb, fb, okb := num(b)
	if oka && okb && pa == pb {
		return fa < fb
	}
	return a < b
}

func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// CSV returns the summary as CSV: one header line, then one line per run
// with the columns name, every swept key, seed, status, n_iteration,
// final_train_loss, final_train_accuracy, test_accuracy, performance (only
// if some run has it), accuracy_<condition> for every condition,
// train_seconds, wall_seconds and error. Missing numbers are empty cells;
// accuracies are in percent.
func (s *Summary) CSV() ([]byte, error) {
	perf := s.hasPerformance()
	head := []string{"name"}
	head = append(head, s.Keys...)
	head = append(head, "seed", "status", "n_iteration", "final_train_loss", "final_train_accuracy", "test_accuracy")
	if perf {
		head = append(head, "performance")
	}
	for _, c := range s.Conditions {
		head = append(head, "accuracy_"+c)
	}
	head = append(head, "train_seconds", "wall_seconds", "error")
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(head); err != nil {
		return nil, err
	}
	for _, r := range s.Rows {
		rec := []string{r.Name}
		for _, k := range s.Keys {
			rec = append(rec, valueString(r.Params[k]))
		}
		rec = append(rec, strconv.FormatInt(r.Seed, 10), string(r.Status), strconv.Itoa(r.NIteration),
			num(r.FinalTrainLoss), num(r.FinalTrainAccuracy), num(r.TestAccuracy))
		if perf {
			rec = append(rec, num(r.Performance))
		}
		for _, c := range s.Conditions {
			rec = append(rec, num(r.condition(c)))
		}
		rec = append(rec, num(r.TrainSeconds), num(r.WallSeconds), r.Error)
		if err := w.Write(rec); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// JSON returns the summary as indented JSON.
func (s *Summary) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func (s *Summary) hasPerformance() bool {
	for _, r := range s.Rows {
		if r.Performance != nil {
			return true
		}
	}
	return false
}

// condition returns the accuracy of the condition labelled label, nil if
// the run has none.
func (r *Row) condition(label string) *float64 {
	for _, c := range r.PerCondition {
		if c.Label == label {
			return c.Accuracy
		}
	}
	return nil
}

func num(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'g', -1, 64)
}

// WriteFiles writes sweep_summary.csv, sweep_summary.json, sweep.png and
// report.html into dir, each atomically, and returns their paths.
func (s *Summary) WriteFiles(dir string) ([]string, error) {
	csvData, err := s.CSV()
	if err != nil {
		return nil, fmt.Errorf("summary: %w", err)
	}
	jsonData, err := s.JSON()
	if err != nil {
		return nil, fmt.Errorf("summary: %w", err)
	}
	png, err := s.Figure()
	if err != nil {
		return nil, fmt.Errorf("summary: %w", err)
	}
	html, err := s.HTML(png)
	if err != nil {
		return nil, fmt.Errorf("summary: %w", err)
	}
	var written []string
	for _, f := range []struct {
		name string
		data []byte
	}{{SummaryCSV, csvData}, {SummaryJSON, jsonData}, {FigureFile, png}, {ReportFile, html}} {
		p := filepath.Join(dir, f.name)
		if err := fileio.WriteFileBytes(p, f.data); err != nil {
			return written, fmt.Errorf("summary: %w", err)
		}
		written = append(written, p)
	}
	return written, nil
}
