package tasks

import (
	"strconv"

	"github.com/taskrnn/taskrnn/data"
)

// pulseDecisionMaking is NeuroGym's PulseDecisionMaking-v0
// (neurogym/envs/perceptualdecisionmaking.py), after the pulse-based
// accumulation task of Scott, Constantinople, Erlich, Tank and Brody (2015):
// brief pulses appear on two inputs; the answer is the input with more
// pulses.
//
// Trial variables: pulse1 and pulse2 (n_bin values, 1.0 where a pulse
// appears on input 1 or 2: with probabilities p_pulse[0] and p_pulse[1], the
// two swapped on a random half of the trials) and ground_truth (1 if input 2
// has more pulses, 0 if input 1 has; ties are broken by a uniform number in
// [-0.1, 0.1) added to the count of input 2). As in NeuroGym, forced pulse1,
// pulse2 and ground_truth only change the trial dict: the stimulus and the
// answer come from the drawn pulses.
//
// Periods fixation (500 ms), then n_bin pairs cue<i> (10 ms) and bin<i>
// (240 ms), then decision (500 ms); dt is 10 ms by default (with a larger dt
// the 10 ms cues have no step and the pulses are not shown, as in
// NeuroGym). Inputs: fixation is 1 until the decision; in cue<i> the
// stimulus inputs show pulse1[i] and pulse2[i]; every input is 0 in the
// decision period. The target is choice ground_truth (action
// ground_truth+1) in the decision period.
//
// Step rule: a non-zero action outside the decision period costs
// rewards.abort (the trial goes on); a non-zero action in the decision
// period ends the trial, with rewards.correct and performance 1 if right,
// else rewards.fail.
//
// Checked beyond NeuroGym: p_pulse must be two probabilities in [0, 1] and
// n_bin an integer from 1 to 1000.
type pulseDecisionMaking struct {
	p1, p2         float64
	nBin           int
	cues           []string // "cue0", ... (period names)
	periods        []string
	pulse1, pulse2 []float64 // scratch
}

func newPulseDecisionMaking(k *data.Kwargs, seed data.Seed) (data.Task, error) {
	dt := k.Float("dt", 10, data.Positive)
	rewards := k.Rewards(data.Rewards{{Name: "abort", Value: -0.1}, {Name: "correct", Value: 1}, {Name: "fail", Value: 0}})
	nBin := k.Int("n_bin", 6, data.Between(1, 1000))
	def := data.Timing{
		{Period: "fixation", Spec: data.Constant(500)},
		{Period: "decision", Spec: data.Constant(500)},
	}
	r := &pulseDecisionMaking{nBin: nBin, periods: []string{"fixation"}}
	for i := 0; i < nBin; i++ {
		cue, bin := "cue"+strconv.Itoa(i), "bin"+strconv.Itoa(i)
		def = append(def, data.PeriodTiming{Period: cue, Spec: data.Constant(10)}, data.PeriodTiming{Period: bin, Spec: data.Constant(240)})
		r.cues = append(r.cues, cue)
		r.periods = append(r.periods, cue, bin)
	}
	r.periods = append(r.periods, "decision")
	timing := k.Timing(def)
	p := k.Floats("p_pulse", []float64{0.3, 0.7}, 2, data.Between(0, 1))
	if len(p) != 2 {
		k.Errorf("p_pulse", "%d values: want 2, the pulse probabilities of the two inputs", len(p))
		p = p[:2]
	}
	r.p1, r.p2 = p[0], p[1]
	r.pulse1, r.pulse2 = make([]float64, nBin), make([]float64, nBin)
	spec := data.EnvSpec{
		ID: "PulseDecisionMaking-v0", Dt: dt, Timing: timing, Rewards: rewards,
		ObSpace:       data.BoxSpace(3, data.Ch("fixation", 0), data.ChList("stimulus", 1, 2)),
		ActSpace:      data.DiscreteSpace(3, data.Ch("fixation", 0), data.ChList("choice", 1, 2)),
		AnswerPeriods: []string{"decision"},
		Info: data.TaskInfo{
			Summary:    "pulse-based accumulation: report which of two inputs showed more brief pulses",
			Paper:      "Scott, Constantinople, Erlich, Tank and Brody (2015), Sources of noise during accumulation of evidence in unrestrained and voluntarily head-restrained rats",
			Link:       "https://elifesciences.org/articles/11308",
			Tags:       []string{"perceptual", "two-alternative", "supervised"},
			Conditions: []string{"ground_truth"},
			// No Zero: NeuroGym draws the observation from its own pulses,
			// so forced pulse1 and pulse2 change the trial dict, not the input.
			Evidence: &data.Evidence{
				Label:    "pulses on input 2 minus pulses on input 1",
				Positive: 2,
				Value: func(v *data.Vars) float64 {
					d := 0.0
					for _, x := range v.List("pulse2") {
						d += x
					}
					for _, x := range v.List("pulse1") {
						d -= x
					}
					return d
				},
			},
		},
	}
	return env(k, spec, r, seed)
}

func (r *pulseDecisionMaking) NewTrial(e *data.Env, v *data.Vars, cond *data.Vars) error {
	rng := e.Rng()
	p1, p2 := r.p1, r.p2
	if rng.Float64() < 0.5 {
		p1, p2 = p2, p1
	}
	// (rng.random(n_bin) < p) * 1.0; Python's sum() of the result
	n1, n2 := 0.0, 0.0
	for i := range r.pulse1 {
		r.pulse1[i] = 0
		if rng.Float64() < p1 {
			r.pulse1[i] = 1
		}
		n1 += r.pulse1[i]
	}
	for i := range r.pulse2 {
		r.pulse2[i] = 0
		if rng.Float64() < p2 {
			r.pulse2[i] = 1
		}
		n2 += r.pulse2[i]
	}
	v.SetFloats("pulse1", r.pulse1)
	v.SetFloats("pulse2", r.pulse2)
	if err := v.Update(cond); err != nil {
		return err
	}
	n2 += rng.Uniform(-0.1, 0.1)
	g := 0
	if n1 < n2 {
		g = 1
	}
	v.SetInt("ground_truth", g)

	e.AddPeriods(r.periods...)

	e.AddOb(1, "", "fixation")
	for i, cue := range r.cues {
		ob := e.ViewOb(cue)
		for t := 0; t < ob.Rows; t++ {
			*ob.At(t, 1) += float32(r.pulse1[i])
			*ob.At(t, 2) += float32(r.pulse2[i])
		}
	}
	e.SetOb(0, "decision", "")

	e.SetGtWhere(g, "decision", "choice")
	return nil
}

// Step: see the type's doc.
func (r *pulseDecisionMaking) Step(e *data.Env, a data.Action) (float64, bool) {
	return chooseElseAbort(e, a, false)
}

// chooseElseAbort is the step rule of PulseDecisionMaking._step and
// ProbabilisticReasoning._step: in the decision period a non-zero action
// ends the trial, with rewards["correct"] and performance 1 if it is the
// target, else rewards["fail"]; anywhere else a non-zero action costs
// rewards["abort"] and ends the trial if abort.
func chooseElseAbort(e *data.Env, a data.Action, abort bool) (float64, bool) {
	if e.InPeriod("decision") {
		if a.Index != 0 {
			if a.Index == e.GtNow() {
				e.SetPerformance(1)
				return e.Reward("correct"), true
			}
			return e.Reward("fail"), true
		}
		return 0, false
	}
	if a.Index != 0 {
		return e.Reward("abort"), abort
	}
	return 0, false
}
