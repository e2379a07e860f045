package analyze

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/taskrnn/taskrnn/data/fileio"
)

// PlotPsychometric writes the psychometric curve to path (PNG, 7 x 5 in):
// the fraction of trials choosing the favoured action at each value of the
// signed evidence with
// binomial standard-error bars, the fitted logistic, and the trial count
// beside each point. It returns an error if ps has no points or writing
// fails.
func PlotPsychometric(path string, ps *Psychometric) error {
	return fileio.WriteFile(path, func(out io.Writer) error { return writePsychometric(out, ps) })
}

// writePsychometric draws PlotPsychometric's figure as PNG to out.
func writePsychometric(out io.Writer, ps *Psychometric) error {
	if ps == nil || len(ps.Points) == 0 {
		return errors.New("analyze: PlotPsychometric: no points")
	}
	p := newPlot("Psychometric curve", fmt.Sprintf("%s, + favours %s", ps.Label, ps.PositiveName), fmt.Sprintf("P(choose %s)", ps.PositiveName))
	xmax := 0.0
	pts := make(plotter.XYs, len(ps.Points))
	errs := make(plotter.YErrors, len(ps.Points))
	labels := plotter.XYLabels{}
	for i, q := range ps.Points {
		pts[i] = plotter.XY{X: q.X, Y: q.P()}
		errs[i].Low, errs[i].High = q.SE(), q.SE()
		xmax = math.Max(xmax, math.Abs(q.X))
		labels.XYs = append(labels.XYs, plotter.XY{X: q.X, Y: q.P()})
		labels.Labels = append(labels.Labels, fmt.Sprintf("n=%d", q.N))
	}
	if xmax == 0 {
		xmax = 1
	}
	xmax *= 1.12

	chance := solidLine(plotter.XYs{{X: -xmax, Y: 0.5}, {X: xmax, Y: 0.5}}, color.Gray{Y: 150}, 1)
	chance.Dashes = []vg.Length{vg.Points(4), vg.Points(4)}
	zero := solidLine(plotter.XYs{{X: 0, Y: -0.05}, {X: 0, Y: 1.05}}, color.Gray{Y: 150}, 1)
	zero.Dashes = chance.Dashes
	p.Add(chance, zero)

	fit := ps.Fit
	f := plotter.NewFunction(fit.At)
	f.Color = color.RGBA{R: 200, G: 30, B: 30, A: 255}
	f.Width = vg.Points(2.5)
	f.Samples = 400
	p.Add(f)

	type xyyer struct {
		plotter.XYs
		plotter.YErrors
	}
	eb, err := plotter.NewYErrorBars(xyyer{pts, errs})
	if err != nil {
		return fmt.Errorf("analyze: psychometric error bars: %w", err)
	}
	eb.Width = vg.Points(1.5)
	eb.CapWidth = vg.Points(8)
	sc, err := plotter.NewScatter(pts)
	if err != nil {
		return fmt.Errorf("analyze: psychometric points: %w", err)
	}
	sc.GlyphStyle = draw.GlyphStyle{Shape: draw.CircleGlyph{}, Radius: vg.Points(5), Color: color.Black}
	lb, err := plotter.NewLabels(labels)
	if err != nil {
		return fmt.Errorf("analyze: psychometric labels: %w", err)
	}
	for i := range lb.TextStyle {
		lb.TextStyle[i].Font = sans(9)
		lb.TextStyle[i].Color = color.Gray{Y: 90}
		lb.TextStyle[i].XAlign = draw.XLeft
	}
	lb.Offset = vg.Point{X: vg.Points(6), Y: vg.Points(-12)}
	p.Add(eb, sc, lb)

	p.Legend.Add("test trials ± s.e.", sc)
	fitName := "logistic fit"
	if fit.Method == "firth" {
		fitName = "logistic fit (Firth)"
	}
	p.Legend.Add(fitName, f)
	p.Legend.Add(fmt.Sprintf("bias %.2g ± %.2g %%", fit.Bias, fit.BiasSE))
	p.Legend.Add(fmt.Sprintf("slope %.2g ± %.2g /%%", fit.Slope, fit.SlopeSE))
	// Bottom right is empty for a rising curve.
	p.Legend.Top, p.Legend.Left = false, false
	p.Legend.XOffs, p.Legend.YOffs = vg.Points(-6), vg.Points(30)
	p.X.Min, p.X.Max = -xmax, xmax
	p.Y.Min, p.Y.Max = -0.05, 1.05
	p.Y.Tick.Marker = plot.ConstantTicks([]plot.Tick{{Value: 0, Label: "0"}, {Value: 0.25, Label: "0.25"},
		{Value: 0.5, Label: "0.5"}, {Value: 0.75, Label: "0.75"}, {Value: 1, Label: "1"}})
	return renderPNG(out, 7*vg.Inch, 5*vg.Inch, func(c draw.Canvas) { p.Draw(c) })
}
