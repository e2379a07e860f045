package analyze

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/taskrnn/taskrnn/data"
)

// Accuracy summarises a test: the tutorial's choice accuracy and
// NeuroGym's performance, overall and for every value of each condition
// variable the task declares.
type Accuracy struct {
	// N is the number of trials and Correct the number answered correctly by
	// the tutorial's rule (choice at the last step = target there).
	// HasChoice is false for a Box action space, where no choice exists and
	// Correct is 0.
	N, Correct int
	HasChoice  bool
	// NoResponse counts the trials still fixating (choice action 0) at the
	// last step where a response was due (target not 0): errors. Trials
	// where fixating is the answer (a no-go, a non-match) are not counted.
	NoResponse int
	// Performance is the mean NeuroGym performance (NaN if not computed).
	Performance float64
	// ByCondition holds one table per condition variable, in the task's
	// order (the trial's task first, for a schedule).
	ByCondition []Condition
}

// Condition is the accuracy for each value of one trial variable.
type Condition struct {
	Var    string
	Levels []Level
}

// Level is the accuracy on the trials whose variable has one value.
type Level struct {
	// Value is the variable's value as JSON (e.g. "6.4", "1", "\"match\"");
	// X its number, NaN for strings and lists.
	Value string
	X     float64
	N     int
	// Correct counts tutorial-rule correct trials; PerfSum sums
	// performance over the trials where it is known (PerfN of them).
	Correct int
	PerfSum float64
	PerfN   int
}

// Percent returns the tutorial-rule accuracy in percent (NaN when N is 0).
func (l Level) Percent() float64 { return percent(l.Correct, l.N) }

// Performance returns the mean NeuroGym performance (NaN when unknown).
func (l Level) Performance() float64 {
	if l.PerfN == 0 {
		return math.NaN()
	}
	return l.PerfSum / float64(l.PerfN)
}

// Percent returns the overall accuracy in percent, or NaN when N is 0.
func (a Accuracy) Percent() float64 { return percent(a.Correct, a.N) }

func percent(k, n int) float64 {
	if n == 0 {
		return nan()
	}
	return 100 * float64(k) / float64(n)
}

// conditionVars returns the variables to group by: "task" for a schedule,
// then the task's declared conditions.
func (a *Trials) conditionVars() []string {
	var vars []string
	if len(a.Task.Tasks) > 0 {
		vars = append(vars, "task")
	}
	return append(vars, a.Task.Info.Conditions...)
}

// conditionValue returns trial n's value of variable name ("task" is the
// trial's task in a schedule), and ok == false if the trial lacks it.
func (a *Trials) conditionValue(name string, n int) (data.Var, bool) {
	if name == "task" && len(a.Task.Tasks) > 0 {
		return data.Var{Name: "task", Kind: data.StringVar, Str: a.Task.Tasks[a.TaskIndex[n]], Num: float64(a.TaskIndex[n])}, true
	}
	return a.Vars[n].Get(name)
}

// Accuracy counts correct choices and averages performance overall and per
// condition value (call Decide, and Score for performance, first). Levels
// are sorted by number, then by their JSON text. It returns Validate's
// error, if any.
func (a *Activity) Accuracy() (Accuracy, error) {
	t, err := a.Trials()
	if err != nil {
		return Accuracy{}, err
	}
	return t.Accuracy()
}

// Accuracy is Activity.Accuracy on the per-trial record.
func (a *Trials) Accuracy() (Accuracy, error) {
	if err := a.Validate(); err != nil {
		return Accuracy{}, err
	}
	acc := Accuracy{N: a.N, HasChoice: a.ActKind == data.Discrete}
	var perfSum float64
	perfN := 0
	for n := 0; n < a.N; n++ {
		if a.Correct[n] {
			acc.Correct++
		}
		if acc.HasChoice && a.Choice[n] == 0 && !a.Correct[n] {
			acc.NoResponse++
		}
		if p := a.Performance[n]; !math.IsNaN(p) {
			perfSum += p
			perfN++
		}
	}
	acc.Performance = math.NaN()
	if perfN > 0 {
		acc.Performance = perfSum / float64(perfN)
	}
	for _, name := range a.conditionVars() {
		levels := map[string]*Level{}
		for n := 0; n < a.N; n++ {
			v, ok := a.conditionValue(name, n)
			if !ok {
				continue
			}
			key := v.JSON()
			if v.Kind == data.StringVar && name == "task" {
				key = v.Str
			}
			l := levels[key]
			if l == nil {
				l = &Level{Value: key, X: math.NaN()}
				if v.IsScalar() {
					l.X = v.Num
				} else if name == "task" {
					l.X = v.Num
				}
				levels[key] = l
			}
			l.N++
			if a.Correct[n] {
				l.Correct++
			}
			if p := a.Performance[n]; !math.IsNaN(p) {
				l.PerfSum += p
				l.PerfN++
			}
		}
		if len(levels) == 0 {
			continue
		}
		c := Condition{Var: name}
		for _, l := range levels {
			c.Levels = append(c.Levels, *l)
		}
		sort.Slice(c.Levels, func(i, j int) bool {
			x, y := c.Levels[i], c.Levels[j]
			if x.X != y.X && !math.IsNaN(x.X) && !math.IsNaN(y.X) {
				return x.X < y.X
			}
			return x.Value < y.Value
		})
		acc.ByCondition = append(acc.ByCondition, c)
	}
	return acc, nil
}

// WriteTable writes human-readable tables to w: for each condition, the
// trials, correct choices, accuracy and performance of each value, and the
// overall line.
func (a Accuracy) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	row := func(label string, n, correct int, perf float64) {
		if a.HasChoice {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f\t%s\t\n", label, n, correct, percent(correct, n), formatPerf(perf))
		} else {
			fmt.Fprintf(tw, "%s\t%d\t%s\t\n", label, n, formatPerf(perf))
		}
	}
	head := func(name string) {
		if a.HasChoice {
			fmt.Fprintf(tw, "%s\ttrials\tcorrect\taccuracy (%%)\tperformance\t\n", name)
		} else {
			fmt.Fprintf(tw, "%s\ttrials\tperformance\t\n", name)
		}
	}
	for _, c := range a.ByCondition {
		head(c.Var)
		for _, l := range c.Levels {
			row(l.Value, l.N, l.Correct, l.Performance())
		}
		row("all", a.N, a.Correct, a.Performance)
		fmt.Fprintln(tw)
	}
	if len(a.ByCondition) == 0 {
		head("")
		row("all", a.N, a.Correct, a.Performance)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if a.NoResponse > 0 {
		_, err := fmt.Fprintf(w, "%d trial(s) still fixating at the last step where a response was due (errors)\n", a.NoResponse)
		return err
	}
	return nil
}

func formatPerf(p float64) string {
	if math.IsNaN(p) {
		return "-"
	}
	return strconv.FormatFloat(p, 'f', 3, 64)
}

// formatNum formats a number with the fewest digits that round-trip, e.g.
// "6.4", "0", "51.2".
func formatNum(c float64) string { return strconv.FormatFloat(c, 'f', -1, 64) }

// shortVars formats a trial's variables for a title: scalars only, floats
// with at most 4 significant digits, at most n of them.
func shortVars(v *data.Vars, n int) string {
	var parts []string
	for _, x := range v.All() {
		if len(parts) == n {
			break
		}
		switch x.Kind {
		case data.IntVar, data.BoolVar, data.StringVar:
			parts = append(parts, x.Name+" "+strings.Trim(x.JSON(), `"`))
		case data.FloatVar:
			parts = append(parts, x.Name+" "+strconv.FormatFloat(x.Num, 'g', 4, 64))
		}
	}
	return strings.Join(parts, ", ")
}
