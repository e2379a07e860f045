package analyze

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/taskrnn/taskrnn/data"
)

// PsychPoint is one point of a psychometric curve: the trials at one value
// of the task's signed evidence and how many of them chose the action that
// positive evidence favours (for PerceptualDecisionMaking: signed coherence
// in percent, positive favouring choice 2; coherence 0 pools both ground
// truths).
type PsychPoint struct {
	// X is the signed evidence.
	X float64
	// N is the number of trials and K how many chose the favoured action.
	N, K int
}

// P returns K/N, the fraction of trials that chose the favoured action.
func (p PsychPoint) P() float64 { return float64(p.K) / float64(p.N) }

// SE returns the binomial standard error of P, sqrt(P(1-P)/N).
func (p PsychPoint) SE() float64 {
	q := p.P()
	return math.Sqrt(q * (1 - q) / float64(p.N))
}

// Logistic is a two-parameter, lapse-free logistic psychometric function
//
//	P(x) = 1 / (1 + exp(-Slope * (x - Bias)))
//
// of signed coherence x in percent.
type Logistic struct {
	// Bias is the signed coherence (percent) at which P = 0.5, the point of
	// subjective equality; positive means a bias towards choice 1.
	Bias float64
	// Slope is in 1/percent coherence; P rises from 0.27 to 0.73 over
	// 2/Slope percent.
	Slope float64
	// BiasSE and SlopeSE are asymptotic standard errors from the inverse
	// Fisher information (delta method for Bias).
	BiasSE, SlopeSE float64
	// Method is "ml" for maximum likelihood, or "firth" when the choices
	// are perfectly separated by coherence so the likelihood has no maximum
	// (infinite slope); Firth's penalised likelihood then gives finite
	// estimates, which are lower bounds on the slope's steepness.
	Method string
	// LogLik is the binomial log-likelihood at the estimate.
	LogLik float64
}

// At returns P(x) for signed coherence x in percent.
func (l Logistic) At(x float64) float64 { return 1 / (1 + math.Exp(-l.Slope*(x-l.Bias))) }

// Psychometric is the probability of choosing the action that positive
// evidence favours against the task's signed evidence, with a fitted
// logistic.
type Psychometric struct {
	// Label names the evidence and its unit; Positive is the favoured
	// action.
	Label        string
	Positive     int
	PositiveName string
	// Points are sorted by X.
	Points []PsychPoint
	Fit    Logistic
}

// ErrNoEvidence is returned by Activity.Psychometric for tasks that declare
// no signed evidence variable (data.TaskInfo.Evidence), e.g. tasks with
// more than two choices.
var ErrNoEvidence = errors.New("analyze: the task declares no signed evidence for a psychometric curve")

// Psychometric groups the trials by the task's signed evidence
// (data.TaskInfo.Evidence) and fits a logistic to the fraction choosing the
// favoured action. Trials still fixating at the end count as not choosing
// it. It needs Choice (call Decide first); for a task without evidence, or
// a Box action space, it returns ErrNoEvidence. Errors from Validate and
// FitLogistic are returned.
func (a *Activity) Psychometric() (*Psychometric, error) {
	t, err := a.Trials()
	if err != nil {
		return nil, err
	}
	return t.Psychometric()
}

// Psychometric is Activity.Psychometric on the per-trial record.
func (a *Trials) Psychometric() (*Psychometric, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	ev := a.Task.Info.Evidence
	if ev == nil || ev.Value == nil || a.ActKind != data.Discrete {
		return nil, ErrNoEvidence
	}
	byX := map[float64]*PsychPoint{}
	for n := 0; n < a.N; n++ {
		x, _ := a.Evidence(n)
		if x == 0 {
			x = 0 // fold -0 into 0
		}
		p := byX[x]
		if p == nil {
			p = &PsychPoint{X: x}
			byX[x] = p
		}
		p.N++
		if a.Choice[n] == ev.Positive {
			p.K++
		}
	}
	ps := &Psychometric{Label: ev.Label, Positive: ev.Positive, PositiveName: choiceName(ev.Positive)}
	if ev.Positive < len(a.Task.ActNames) {
		ps.PositiveName = a.Task.ActNames[ev.Positive]
	}
	for _, p := range byX {
		ps.Points = append(ps.Points, *p)
	}
	sort.Slice(ps.Points, func(i, j int) bool { return ps.Points[i].X < ps.Points[j].X })
	fit, err := FitLogistic(ps.Points)
	if err != nil {
		return nil, err
	}
	ps.Fit = fit
	return ps, nil
}

// FitLogistic fits a Logistic to binomial counts by maximum likelihood
// (Newton-Raphson with step halving; the log-likelihood is concave). If the data are separable (some coherence
// splits all action-2 choices from all others, so the maximum-likelihood
// slope is infinite) it uses Firth's penalised likelihood instead and sets
// Method to "firth". It returns an error if a point has N < 1 or K outside
// [0, N] or a non-finite coherence, if fewer than two distinct coherences
// are given, or if the optimiser fails.
func FitLogistic(points []PsychPoint) (Logistic, error) {
	distinct := map[float64]bool{}
	scale := 0.0
	for i, p := range points {
		if p.N < 1 || p.K < 0 || p.K > p.N {
			return Logistic{}, fmt.Errorf("analyze: psychometric point %d has N = %d, K = %d, want N >= 1 and 0 <= K <= N", i, p.N, p.K)
		}
		if math.IsNaN(p.X) || math.IsInf(p.X, 0) {
			return Logistic{}, fmt.Errorf("analyze: psychometric point %d has evidence %v, want finite", i, p.X)
		}
		distinct[p.X] = true
		scale = math.Max(scale, math.Abs(p.X))
	}
	if len(distinct) < 2 {
		return Logistic{}, fmt.Errorf("analyze: logistic fit needs at least 2 distinct coherences, got %d", len(distinct))
	}
	// Work with x/scale in [-1, 1] so that both parameters are of order 1.
	xs := make([]float64, len(points))
	for i, p := range points {
		xs[i] = p.X / scale
	}
	firth := separable(points)
	beta, err := newtonLogistic(points, xs, firth)
	if err != nil {
		return Logistic{}, err
	}
	a, b := beta[0], beta[1]
	if math.IsNaN(a) || math.IsNaN(b) || b == 0 {
		return Logistic{}, fmt.Errorf("analyze: logistic fit: no finite estimate (intercept %v, slope %v)", a, b)
	}
	fit := Logistic{
		Bias:   -a / b * scale,
		Slope:  b / scale,
		Method: "ml",
		LogLik: logLik(points, xs, beta[:]),
	}
	if firth {
		fit.Method = "firth"
	}
	info := fisher(points, xs, beta[:])
	det := info[0]*info[2] - info[1]*info[1]
	if det > 0 {
		caa, cab, cbb := info[2]/det, -info[1]/det, info[0]/det
		fit.SlopeSE = math.Sqrt(cbb) / scale
		// bias = -a*scale/b: gradient (-scale/b, a*scale/b^2).
		ga, gb := -scale/b, a*scale/(b*b)
		fit.BiasSE = math.Sqrt(ga*ga*caa + 2*ga*gb*cab + gb*gb*cbb)
	} else {
		fit.SlopeSE, fit.BiasSE = math.Inf(1), math.Inf(1)
	}
	return fit, nil
}

// newtonLogistic maximises the (Firth-penalised if firth) log-likelihood of
// intercept and slope on scaled xs by Newton-Raphson with the Fisher
// information as curvature and step halving. (gonum/optimize would do, but
// it pulls in a module this repository does not pin; two parameters need no
// more than this.)
func newtonLogistic(points []PsychPoint, xs []float64, firth bool) ([2]float64, error) {
	obj := func(beta []float64) float64 {
		l := logLik(points, xs, beta)
		if firth {
			info := fisher(points, xs, beta)
			l += 0.5 * math.Log(info[0]*info[2]-info[1]*info[1])
		}
		return l
	}
	var beta [2]float64
	cur := obj(beta[:])
	for iter := 0; iter < 200; iter++ {
		info := fisher(points, xs, beta[:])
		det := info[0]*info[2] - info[1]*info[1]
		if !(det > 0) {
			return beta, fmt.Errorf("analyze: logistic fit: singular Fisher information at intercept %v, slope %v", beta[0], beta[1])
		}
		inv := [3]float64{info[2] / det, -info[1] / det, info[0] / det}
		var u [2]float64
		for i, p := range points {
			x := xs[i]
			pr := sigmoid(beta[0] + beta[1]*x)
			r := float64(p.K) - float64(p.N)*pr
			if firth {
				// Firth's modified score: leverage h = n w x~' I^-1 x~.
				h := float64(p.N) * pr * (1 - pr) * (inv[0] + 2*inv[1]*x + inv[2]*x*x)
				r += h * (0.5 - pr)
			}
			u[0] += r
			u[1] += r * x
		}
		step := [2]float64{inv[0]*u[0] + inv[1]*u[1], inv[1]*u[0] + inv[2]*u[1]}
		for halve := 0; ; halve++ {
			next := [2]float64{beta[0] + step[0], beta[1] + step[1]}
			if v := obj(next[:]); v >= cur-1e-12*math.Abs(cur) || halve == 40 {
				beta, cur = next, v
				break
			}
			step[0], step[1] = step[0]/2, step[1]/2
		}
		if math.Max(math.Abs(step[0]), math.Abs(step[1])) < 1e-10 {
			return beta, nil
		}
	}
	return beta, fmt.Errorf("analyze: logistic fit did not converge in 200 Newton steps (intercept %v, slope %v)", beta[0], beta[1])
}

// separable reports whether some threshold on x puts every action-2 choice
// on one side and every other choice on the other (ties allowed), the
// condition under which the logistic likelihood has no maximum.
func separable(points []PsychPoint) bool {
	inf := math.Inf(1)
	max0, min0, max1, min1 := -inf, inf, -inf, inf
	for _, p := range points {
		if p.K > 0 {
			max1, min1 = math.Max(max1, p.X), math.Min(min1, p.X)
		}
		if p.K < p.N {
			max0, min0 = math.Max(max0, p.X), math.Min(min0, p.X)
		}
	}
	return max0 <= min1 || max1 <= min0
}

// logLik is the binomial log-likelihood (without the constant binomial
// coefficients) of intercept beta[0] and slope beta[1] on scaled xs.
func logLik(points []PsychPoint, xs, beta []float64) float64 {
	var l float64
	for i, p := range points {
		eta := beta[0] + beta[1]*xs[i]
		// log p = -softplus(-eta), log(1-p) = -softplus(eta).
		l -= float64(p.K)*softplus(-eta) + float64(p.N-p.K)*softplus(eta)
	}
	return l
}

// fisher returns the Fisher information of (intercept, slope) as its three
// distinct entries (aa, ab, bb).
func fisher(points []PsychPoint, xs, beta []float64) [3]float64 {
	var info [3]float64
	for i, p := range points {
		x := xs[i]
		pr := sigmoid(beta[0] + beta[1]*x)
		w := float64(p.N) * pr * (1 - pr)
		info[0] += w
		info[1] += w * x
		info[2] += w * x * x
	}
	return info
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

func softplus(z float64) float64 { return math.Max(z, 0) + math.Log1p(math.Exp(-math.Abs(z))) }
