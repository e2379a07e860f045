package analyze

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/taskrnn/taskrnn/data"
	"github.com/taskrnn/taskrnn/data/fileio"
)

// Figure sizes.
const (
	trialFigW   = 8 * vg.Inch
	trialFigH   = 6 * vg.Inch
	legendColW  = 1.9 * vg.Inch
	panelGapPad = 0.25 * vg.Inch
)

// PlotTaskTrial writes a figure of trial n to path (PNG, 8 x 6 in): its
// inputs (named by the task's observation channels; a heat map when there
// are more than maxInputLines) above its desired output (the target action,
// or the target vector for continuous actions), against time in ms, with
// the response period shaded. It returns an error if a is invalid, n is out
// of range, or writing fails.
func PlotTaskTrial(path string, a *Activity, n int) error {
	return fileio.WriteFile(path, func(out io.Writer) error { return writeTaskTrial(out, a, n) })
}

// writeTaskTrial draws PlotTaskTrial's figure as PNG to out.
func writeTaskTrial(out io.Writer, a *Activity, n int) error {
	if err := checkTrial(a, n); err != nil {
		return err
	}
	top, topLeg, topBar := inputsPlot(a, n)
	steps := a.Steps[n]
	span, hasDecision := decisionSpan(a, n)
	botLeg := newLegend()
	var bottom *plot.Plot
	if a.ActKind == data.Box {
		bottom = newPlot("Desired output", "time (ms)", "target value")
		if hasDecision {
			bottom.Add(span)
		}
		for k := 0; k < a.O; k++ {
			l := solidLine(stepXYs(a.targetSeries(n, k), a.Dt), familyColor(k, 0.8), 2.5)
			bottom.Add(l)
			botLeg.Add(a.actName(k), l)
		}
	} else {
		bottom = newPlot("Desired output", "time (ms)", "target action")
		if hasDecision {
			bottom.Add(span)
		}
		tg := make([]float64, steps)
		for t := range tg {
			tg[t] = float64(a.Target[n*a.T+t])
		}
		bottom.Add(solidLine(stepXYs(tg, a.Dt), color.Black, 2.5))
		actionAxis(bottom, a)
		botLeg.Add("target", solidLine(nil, color.Black, 2.5))
	}
	bottom.X.Min, bottom.X.Max = 0, float64(steps)*a.Dt
	if hasDecision {
		botLeg.Add("response period", span)
	}
	return renderPNG(out, trialFigW, trialFigH, func(c draw.Canvas) {
		drawStacked(c, []*plot.Plot{top, bottom}, func(row int, rc draw.Canvas) {
			if row == 0 {
				topLeg.Draw(rc)
				drawBar(rc, topBar)
			} else {
				botLeg.Draw(rc)
			}
		})
	})
}

// targetSeries returns component k of trial n's target vectors (Box).
func (a *Activity) targetSeries(n, k int) []float64 {
	v := make([]float64, a.Steps[n])
	for t := range v {
		v[t] = float64(a.TargetVec[(n*a.T+t)*a.O+k])
	}
	return v
}

// outputSeries returns output k of trial n.
func (a *Activity) outputSeries(n, k int) []float64 {
	v := make([]float64, a.Steps[n])
	for t := range v {
		v[t] = float64(a.Outputs[(n*a.T+t)*a.O+k])
	}
	return v
}

func (a *Activity) actName(k int) string {
	if k < len(a.Task.ActNames) {
		return a.Task.ActNames[k]
	}
	return choiceName(k)
}

func (a *Activity) obName(i int) string {
	if i < len(a.Task.ObNames) {
		return a.Task.ObNames[i]
	}
	return fmt.Sprintf("input %d", i)
}

// drawBar draws a colour bar in the lower part of a legend cell, if any.
func drawBar(rc draw.Canvas, bar *plot.Plot) {
	if bar == nil {
		return
	}
	h := rc.Max.Y - rc.Min.Y
	bar.Draw(draw.Crop(rc, 0, -(rc.Max.X-rc.Min.X)+1.1*vg.Inch, 0, -0.3*h))
}

// PlotTrialOutput writes a figure of trial n to path (PNG, 8 x 6 in): its
// inputs above the network's output: for a Discrete action space the
// output probabilities (softmax of the logits) as a heat map of time (ms)
// by action, with the target drawn over it and a colour bar; for a Box the
// output values against the target values. It returns an error if a is
// invalid, n is out of range, the outputs are not finite, or writing fails.
func PlotTrialOutput(path string, a *Activity, n int) error {
	return fileio.WriteFile(path, func(out io.Writer) error { return writeTrialOutput(out, a, n) })
}

// writeTrialOutput draws PlotTrialOutput's figure as PNG to out.
func writeTrialOutput(out io.Writer, a *Activity, n int) error {
	if err := checkTrial(a, n); err != nil {
		return err
	}
	steps := a.Steps[n]
	if err := checkFinite("outputs", a.Outputs[n*a.T*a.O:(n*a.T+steps)*a.O]); err != nil {
		return err
	}
	top, topLeg, topBar := inputsPlot(a, n)
	botLeg := newLegend()
	var bottom, bar *plot.Plot
	if a.ActKind == data.Box {
		bottom = newPlot("Network output", "time (ms)", "value")
		for k := 0; k < a.O; k++ {
			tl := solidLine(stepXYs(a.targetSeries(n, k), a.Dt), familyColor(k, 0.35), 4)
			ol := solidLine(stepXYs(a.outputSeries(n, k), a.Dt), familyColor(k, 1), 1.8)
			bottom.Add(tl, ol)
			botLeg.Add(a.actName(k)+" output", ol)
			botLeg.Add(a.actName(k)+" target", tl)
		}
	} else {
		// Reversed Kindlmann: white for 0, dark for 1, perceptually uniform;
		// the chosen unit reads as ink on paper.
		cm := palette.Reverse(moreland.Kindlmann())
		cm.SetMin(0)
		cm.SetMax(1)
		bottom = newPlot("Network output probability (softmax)", "time (ms)", "action")
		bottom.Add(&cellMap{p: a.Probabilities(n), steps: steps, o: a.O, dt: a.Dt, cm: cm})
		tg := make([]float64, steps)
		for t := range tg {
			tg[t] = float64(a.Target[n*a.T+t])
		}
		// The target as a dashed line with a dark halo, visible on light and
		// dark cells alike.
		halo := solidLine(stepXYs(tg, a.Dt), color.Black, 5)
		target := solidLine(stepXYs(tg, a.Dt), color.RGBA{R: 0, G: 230, B: 255, A: 255}, 2.5)
		target.Dashes = []vg.Length{vg.Points(7), vg.Points(4)}
		bottom.Add(halo, target)
		actionAxis(bottom, a)
		bottom.Y.Min, bottom.Y.Max = -0.5, float64(a.O)-0.5
		botLeg.Add("target", halo, target)
		bar = colorBar(cm, "probability")
	}
	bottom.X.Min, bottom.X.Max = 0, float64(steps)*a.Dt
	return renderPNG(out, trialFigW, trialFigH, func(c draw.Canvas) {
		drawStacked(c, []*plot.Plot{top, bottom}, func(row int, rc draw.Canvas) {
			if row == 0 {
				topLeg.Draw(rc)
				drawBar(rc, topBar)
				return
			}
			botLeg.Draw(rc)
			drawBar(rc, bar)
		})
	})
}

// colorBar returns a vertical colour bar of cm labelled label.
func colorBar(cm palette.ColorMap, label string) *plot.Plot {
	bar := newPlot("", "", label)
	bar.Add(&plotter.ColorBar{ColorMap: cm, Vertical: true})
	bar.HideX()
	bar.Y.Min, bar.Y.Max = cm.Min(), cm.Max()
	return bar
}

// drawStacked draws plots in rows on the left of c with aligned data areas,
// and calls side with each row's part of the legend column on the right.
func drawStacked(c draw.Canvas, plots []*plot.Plot, side func(row int, rc draw.Canvas)) {
	left := draw.Crop(c, 0, -legendColW, 0, 0)
	right := draw.Crop(c, c.Max.X-c.Min.X-legendColW, 0, 0, 0)
	rows := make([][]*plot.Plot, len(plots))
	for i, p := range plots {
		rows[i] = []*plot.Plot{p}
	}
	tiles := draw.Tiles{Rows: len(plots), Cols: 1, PadTop: vg.Points(6), PadBottom: vg.Points(6),
		PadLeft: vg.Points(6), PadRight: vg.Points(10), PadY: panelGapPad}
	canvases := plot.Align(rows, tiles, left)
	for i := range plots {
		plots[i].Draw(canvases[i][0])
		rt := draw.Tiles{Rows: len(plots), Cols: 1, PadTop: vg.Points(34), PadBottom: vg.Points(6), PadY: panelGapPad}
		side(i, rt.At(right, 0, i))
	}
}

// maxInputLines is the largest number of inputs drawn as lines; more are
// drawn as a heat map.
const maxInputLines = 8

// inputsPlot returns the inputs of trial n over time, with the response
// period shaded, its legend, and a colour bar when drawn as a heat map.
func inputsPlot(a *Activity, n int) (*plot.Plot, plot.Legend, *plot.Plot) {
	steps := a.Steps[n]
	title := fmt.Sprintf("Trial %d inputs", n)
	if len(a.Task.Tasks) > 0 {
		title += " (" + a.Task.Tasks[a.TaskIndex[n]] + ")"
	}
	if v := shortVars(&a.Vars[n], 3); v != "" {
		title += ": " + v
	}
	leg := newLegend()
	span, ok := decisionSpan(a, n)
	if a.I > maxInputLines {
		p := newPlot(title, "time (ms)", "input")
		lo, hi := 0.0, 0.0
		vals := make([]float64, steps*a.I)
		for t := 0; t < steps; t++ {
			for i := 0; i < a.I; i++ {
				v := float64(a.Inputs[(n*a.T+t)*a.I+i])
				vals[t*a.I+i] = v
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
		if hi <= lo {
			hi = lo + 1
		}
		cm := palette.Reverse(moreland.Kindlmann())
		cm.SetMin(lo)
		cm.SetMax(hi)
		p.Add(&cellMap{p: vals, steps: steps, o: a.I, dt: a.Dt, cm: cm})
		p.Y.Min, p.Y.Max = -0.5, float64(a.I)-0.5
		p.X.Min, p.X.Max = 0, float64(steps)*a.Dt
		if ok {
			leg.Add(fmt.Sprintf("response: %.0f-%.0f ms", span.X0, span.X1))
		}
		leg.Add(fmt.Sprintf("%d inputs: %s ... %s", a.I, a.obName(0), a.obName(a.I-1)))
		return p, leg, colorBar(cm, "input")
	}
	p := newPlot(title, "time (ms)", "input (a.u.)")
	if ok {
		p.Add(span)
	}
	for i := 0; i < a.I; i++ {
		v := make([]float64, steps)
		for t := range v {
			v[t] = float64(a.Inputs[(n*a.T+t)*a.I+i])
		}
		col, w := familyColor(i, 0.75), 1.8
		if name := a.obName(i); name == "fixation" || i == 0 && strings.HasPrefix(name, "fix") {
			col, w = color.Black, 2.5
		}
		l := solidLine(stepXYs(v, a.Dt), col, w)
		p.Add(l)
		leg.Add(a.obName(i), l)
	}
	if ok {
		leg.Add("response period", span)
	}
	p.X.Min, p.X.Max = 0, float64(steps)*a.Dt
	// Room above the fixation cue (1) so that no line sits on the frame.
	p.Y.Min, p.Y.Max = math.Min(p.Y.Min, 0)-0.05, p.Y.Max+0.08
	return p, leg, nil
}

// decisionSpan returns the shaded decision period of trial n.
func decisionSpan(a *Activity, n int) (vspan, bool) {
	s, e, ok := a.DecisionSteps(n)
	return vspan{X0: float64(s) * a.Dt, X1: float64(e) * a.Dt, Color: decisionShade()}, ok
}

// actionAxis labels the y axis with the action names 0..O-1 (every few
// when there are many).
func actionAxis(p *plot.Plot, a *Activity) {
	every := max(1, (a.O+9)/10)
	var ticks []plot.Tick
	for k := 0; k < a.O; k++ {
		label := ""
		if k%every == 0 {
			label = a.actName(k)
		}
		ticks = append(ticks, plot.Tick{Value: float64(k), Label: label})
	}
	p.Y.Tick.Marker = plot.ConstantTicks(ticks)
	p.Y.Min, p.Y.Max = -0.2, float64(a.O-1)+0.2
}

// cellMap draws one trial's values (output probabilities or inputs) as a
// grid of filled cells, step t (ms [t*dt, (t+1)*dt)) by unit, each cell slightly
// overlapping its neighbours so that no anti-aliasing seams show.
type cellMap struct {
	p        []float64 // (steps, o)
	steps, o int
	dt       float64
	cm       palette.ColorMap
}

func (m *cellMap) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	pad := vg.Points(0.6)
	for t := 0; t < m.steps; t++ {
		x0, x1 := trX(float64(t)*m.dt), trX(float64(t+1)*m.dt)
		for k := 0; k < m.o; k++ {
			y0, y1 := trY(float64(k)-0.5), trY(float64(k)+0.5)
			col, err := m.cm.At(math.Max(m.cm.Min(), math.Min(m.cm.Max(), m.p[t*m.o+k])))
			if err != nil {
				continue // only for NaN, excluded by checkFinite
			}
			c.FillPolygon(col, c.ClipPolygonXY([]vg.Point{
				{X: x0 - pad, Y: y0 - pad}, {X: x1 + pad, Y: y0 - pad}, {X: x1 + pad, Y: y1 + pad}, {X: x0 - pad, Y: y1 + pad},
			}))
		}
	}
	// A thin frame, so that white (probability 0) cells have an edge.
	x0, x1 := trX(0), trX(float64(m.steps)*m.dt)
	y0, y1 := trY(-0.5), trY(float64(m.o)-0.5)
	c.StrokeLines(draw.LineStyle{Color: color.Gray{Y: 120}, Width: vg.Points(0.8)},
		[]vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}, {X: x0, Y: y0}})
}

func checkTrial(a *Activity, n int) error {
	if err := a.Validate(); err != nil {
		return err
	}
	if n < 0 || n >= a.N {
		return fmt.Errorf("analyze: trial %d out of range [0, %d)", n, a.N)
	}
	return checkFinite("inputs", a.Inputs[n*a.T*a.I:(n*a.T+a.Steps[n])*a.I])
}

func checkFinite(name string, v []float32) error {
	for k, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return fmt.Errorf("analyze: %s[%d] = %v, want finite values (did training diverge?)", name, k, x)
		}
	}
	return nil
}
