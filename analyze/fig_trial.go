package analyze

import (
	"fmt"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

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
// inputs (fixation cue and the stimulus for each choice) above its desired
// output, against time in ms, with the decision period shaded. It returns
// an error if a is invalid, n is out of range, or writing fails.
func PlotTaskTrial(path string, a *Activity, n int) error {
	return fileio.WriteFile(path, func(out io.Writer) error { return writeTaskTrial(out, a, n) })
}

// writeTaskTrial draws PlotTaskTrial's figure as PNG to out.
func writeTaskTrial(out io.Writer, a *Activity, n int) error {
	if err := checkTrial(a, n); err != nil {
		return err
	}
	top, topLeg := inputsPlot(a, n)
	bottom := newPlot("Desired output", "time (ms)", "target action")
	steps := a.Steps[n]
	tg := make([]float64, steps)
	for t := range tg {
		tg[t] = float64(a.Target[n*a.T+t])
	}
	span, hasDecision := decisionSpan(a, n)
	if hasDecision {
		bottom.Add(span)
	}
	bottom.Add(solidLine(stepXYs(tg, a.Dt), color.Black, 2.5))
	actionAxis(bottom, a.O)
	bottom.X.Min, bottom.X.Max = 0, float64(steps)*a.Dt
	botLeg := newLegend()
	botLeg.Add("target", solidLine(nil, color.Black, 2.5))
	if hasDecision {
		botLeg.Add("decision period", span)
	}
	return renderPNG(out, trialFigW, trialFigH, func(c draw.Canvas) {
		drawStacked(c, []*plot.Plot{top, bottom}, func(row int, rc draw.Canvas) {
			if row == 0 {
				topLeg.Draw(rc)
			} else {
				botLeg.Draw(rc)
			}
		})
	})
}

// PlotTrialOutput writes a figure of trial n to path (PNG, 8 x 6 in): its
// inputs above the network's output probabilities (softmax of the logits)
// as a heat map of time (ms) by output unit, with the target drawn over it
// and a colour bar. It returns an error if a is invalid, n is out of range,
// the outputs are not finite, or writing fails.
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
	top, topLeg := inputsPlot(a, n)

	// Reversed Kindlmann: white for 0, dark for 1, perceptually uniform;
	// the chosen unit reads as ink on paper.
	cm := palette.Reverse(moreland.Kindlmann())
	cm.SetMin(0)
	cm.SetMax(1)
	hm := &cellMap{p: a.Probabilities(n), steps: steps, o: a.O, dt: a.Dt, cm: cm}
	bottom := newPlot("Network output probability (softmax)", "time (ms)", "output unit")
	bottom.Add(hm)
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
	actionAxis(bottom, a.O)
	bottom.Y.Min, bottom.Y.Max = -0.5, float64(a.O)-0.5
	bottom.X.Min, bottom.X.Max = 0, float64(steps)*a.Dt

	botLeg := newLegend()
	botLeg.Add("target", halo, target)
	bar := newPlot("", "", "probability")
	bar.Add(&plotter.ColorBar{ColorMap: cm, Vertical: true})
	bar.HideX()
	bar.Y.Min, bar.Y.Max = 0, 1

	return renderPNG(out, trialFigW, trialFigH, func(c draw.Canvas) {
		drawStacked(c, []*plot.Plot{top, bottom}, func(row int, rc draw.Canvas) {
			if row == 0 {
				topLeg.Draw(rc)
				return
			}
			botLeg.Draw(rc)
			h := rc.Max.Y - rc.Min.Y
			barC := draw.Crop(rc, 0, -(rc.Max.X-rc.Min.X)+1.1*vg.Inch, 0, -0.3*h)
			bar.Draw(barC)
		})
	})
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

// inputsPlot returns the inputs of trial n as staircases over time, with
// the decision period shaded, and its legend.
func inputsPlot(a *Activity, n int) (*plot.Plot, plot.Legend) {
	steps := a.Steps[n]
	title := fmt.Sprintf("Trial %d inputs: coherence %s%%, correct answer %s", n, formatCoh(a.Coh[n]), choiceName(a.GroundTruth[n]+1))
	p := newPlot(title, "time (ms)", "input (a.u.)")
	leg := newLegend()
	span, ok := decisionSpan(a, n)
	if ok {
		p.Add(span)
	}
	for i := 0; i < a.I; i++ {
		v := make([]float64, steps)
		for t := range v {
			v[t] = float64(a.Inputs[(n*a.T+t)*a.I+i])
		}
		name, col, w := "fixation cue", color.Color(color.Black), 2.5
		if i > 0 {
			name = "evidence " + choiceName(i)
			col, w = familyColor(i-1, 0.75), 1.8
		}
		l := solidLine(stepXYs(v, a.Dt), col, w)
		p.Add(l)
		leg.Add(name, l)
	}
	if ok {
		leg.Add("decision period", span)
	}
	p.X.Min, p.X.Max = 0, float64(steps)*a.Dt
	// Room above the fixation cue (1) so that no line sits on the frame.
	p.Y.Min, p.Y.Max = math.Min(p.Y.Min, 0)-0.05, p.Y.Max+0.08
	return p, leg
}

// decisionSpan returns the shaded decision period of trial n.
func decisionSpan(a *Activity, n int) (vspan, bool) {
	s, e, ok := a.DecisionSteps(n)
	return vspan{X0: float64(s) * a.Dt, X1: float64(e) * a.Dt, Color: decisionShade()}, ok
}

// actionAxis labels the y axis with the action names 0..o-1.
func actionAxis(p *plot.Plot, o int) {
	ticks := make([]plot.Tick, o)
	for k := range ticks {
		ticks[k] = plot.Tick{Value: float64(k), Label: choiceName(k)}
	}
	p.Y.Tick.Marker = plot.ConstantTicks(ticks)
	p.Y.Min, p.Y.Max = -0.2, float64(o-1)+0.2
}

// cellMap draws one trial's output probabilities as a grid of filled
// cells, step t (ms [t*dt, (t+1)*dt)) by output unit, each cell slightly
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
			col, err := m.cm.At(math.Max(0, math.Min(1, m.p[t*m.o+k])))
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
