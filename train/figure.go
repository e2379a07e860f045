package train

import (
	"fmt"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// AccuracyWindow is the length, in iterations, of the trailing moving
// average of training accuracy drawn in training.png.
const AccuracyWindow = 50

// Figure size: three panels side by side at 100 dpi, 1500 x 450 pixels.
const (
	figureWidth  = 15 * vg.Inch
	figureHeight = 4.5 * vg.Inch
	figureDPI    = 100
)

// WriteFigure draws the training figure of res as PNG to w: the loss
// against iteration, the moving-average training accuracy against
// iteration, and the recurrent weight matrix W_r (rec2rec.weight, H x H)
// as a heat map with a diverging colour scale symmetric around 0 and a
// colour bar. For a constrained network (Dale's law, masks) the matrix
// drawn is the effective one, W_r,eff (model.Weights.Effective); under
// Dale's law its excitatory units come first, and lines separate the E and
// I blocks. It returns an error if res has no completed iteration.
func WriteFigure(w io.Writer, res *Result) error {
	n := res.Completed()
	if n == 0 {
		return fmt.Errorf("training figure: no completed iteration to draw")
	}
	lossPlot := plot.New()
	lossPlot.Title.Text = fmt.Sprintf("Training loss (%s)", res.Config.Loss)
	if len(res.TermNames) > 0 { // the minimised loss: the task's plus the regularisers
		lossPlot.Title.Text = fmt.Sprintf("Training loss (%s + regularisers)", res.Config.Loss)
	}
	lossPlot.X.Label.Text = "iteration"
	lossPlot.Y.Label.Text = "loss"
	lossPlot.Y.Min = 0
	if err := addLine(lossPlot, res.Loss, 1); err != nil {
		return err
	}

	win := min(AccuracyWindow, n)
	accPlot := plot.New()
	accPlot.Title.Text = fmt.Sprintf("Training accuracy (moving average of %d)", win)
	accPlot.X.Label.Text = "iteration"
	accPlot.Y.Label.Text = "accuracy at the last step (%)"
	accPlot.Y.Min, accPlot.Y.Max = 0, 100
	if err := addLine(accPlot, movingAverage(res.Accuracy, win), 1); err != nil {
		return err
	}

	wr := res.Weights.RecRec
	shape := wr.Shape()
	if len(shape) != 2 {
		return fmt.Errorf("training figure: rec2rec.weight has shape %v, want (H, H)", shape)
	}
	data := float64s(wr.Data())
	constrained := res.Weights.Constrained()
	if constrained {
		_, data, _ = res.Weights.Effective()
	}
	grid := &matrixGrid{rows: shape[0], cols: shape[1], up: max(1, 512/max(shape[0], shape[1])), data: data}
	// The colour scale spans the finite weights; infinite ones are drawn at
	// its ends and NaN in grey, and the title counts them (a palette given
	// a non-finite bound panics).
	m, bad := 0.0, 0
	for _, v := range grid.data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			bad++
			continue
		}
		m = math.Max(m, math.Abs(v))
	}
	if m == 0 {
		m = 1 // a colour map needs Min < Max
	}
	for i, v := range grid.data {
		if math.IsInf(v, 0) {
			grid.data[i] = math.Copysign(m, v)
		}
	}
	cmap := moreland.SmoothBlueRed()
	cmap.SetMin(-m)
	cmap.SetMax(m)
	heat := plotter.NewHeatMap(grid, cmap.Palette(255))
	heat.Min, heat.Max = -m, m
	heat.NaN = color.Gray{Y: 128}
	heat.Rasterized = true // vector cells show hairline seams; the grid is upsampled so cells stay sharp
	wPlot := plot.New()
	wPlot.Title.Text = "Recurrent weights W_r (rec2rec.weight)"
	if constrained {
		wPlot.Title.Text = "Effective recurrent weights W_r,eff"
	}
	var blocks []plot.Plotter // lines between the E and I blocks, drawn over the heat map
	if sign := res.Weights.DaleSign; sign != nil {
		ne := 0
		for _, d := range sign {
			if d > 0 {
				ne++
			}
		}
		wPlot.Title.Text += fmt.Sprintf(" (E: units 0-%d, I: %d-%d)", ne-1, ne, len(sign)-1)
		edge := float64(ne) - 0.5
		far := float64(len(sign)) - 0.5
		for _, xy := range []plotter.XYs{{{X: edge, Y: -0.5}, {X: edge, Y: far}}, {{X: -0.5, Y: edge}, {X: far, Y: edge}}} {
			l, err := plotter.NewLine(xy)
			if err != nil {
				return fmt.Errorf("training figure: %w", err)
			}
			l.Color = color.Black
			l.Width = vg.Points(1)
			blocks = append(blocks, l)
		}
	}
	if bad > 0 {
		wPlot.Title.Text += fmt.Sprintf(": %d not finite", bad)
	}
	wPlot.X.Label.Text = "from unit j (column)"
	wPlot.Y.Label.Text = "to unit i (row)"
	wPlot.Add(noGlyphBoxes{heat})
	wPlot.Add(blocks...)

	barPlot := plot.New()
	barPlot.Add(&plotter.ColorBar{ColorMap: cmap, Vertical: true})
	barPlot.HideX()
	barPlot.Y.Label.Text = "weight"
	barPlot.Title.Text = " "

	img := vgimg.NewWith(vgimg.UseWH(figureWidth, figureHeight), vgimg.UseDPI(figureDPI))
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 1, Cols: 3, PadTop: vg.Points(6), PadBottom: vg.Points(6),
		PadLeft: vg.Points(6), PadRight: vg.Points(6), PadX: vg.Points(18)}
	lossPlot.Draw(tiles.At(dc, 0, 0))
	accPlot.Draw(tiles.At(dc, 1, 0))
	third := tiles.At(dc, 2, 0)
	barWidth := vg.Points(62)
	wPlot.Draw(draw.Crop(third, 0, -barWidth, 0, 0))
	barPlot.Draw(draw.Crop(third, third.Max.X-third.Min.X-barWidth+vg.Points(8), 0, 0, 0))

	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(w); err != nil {
		return fmt.Errorf("training figure: encode PNG: %w", err)
	}
	return nil
}

// addLine adds y against iteration (first = iteration of y[0]) to p.
func addLine(p *plot.Plot, y []float64, first int) error {
	xy := make(plotter.XYs, 0, len(y))
	for i, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		xy = append(xy, plotter.XY{X: float64(first + i), Y: v})
	}
	l, err := plotter.NewLine(xy)
	if err != nil {
		return fmt.Errorf("training figure: %w", err)
	}
	p.Add(l)
	return nil
}

// movingAverage returns the trailing mean of x over win values (fewer at
// the start).
func movingAverage(x []float64, win int) []float64 {
	out := make([]float64, len(x))
	s := 0.0
	for i, v := range x {
		s += v
		if i >= win {
			s -= x[i-win]
		}
		out[i] = s / float64(min(i+1, win))
	}
	return out
}

// float64s converts a tensor's backing slice to float64.
func float64s(d any) []float64 {
	switch d := d.(type) {
	case []float64:
		return append([]float64(nil), d...)
	case []float32:
		out := make([]float64, len(d))
		for i, v := range d {
			out[i] = float64(v)
		}
		return out
	}
	return nil
}

// noGlyphBoxes draws a heat map without its per-cell glyph boxes: plot
// pads the axes for every box, which for the up-sampled grid (a quarter of
// a million cells) took most of a second; the cells lie inside the data
// range, so nothing changes in the figure.
type noGlyphBoxes struct{ *plotter.HeatMap }

func (noGlyphBoxes) GlyphBoxes(*plot.Plot) []plot.GlyphBox { return nil }

// matrixGrid shows a row-major rows x cols matrix as a plotter.GridXYZ with
// column j at x = j and row i at y = i. Each element is repeated up x up
// times (on sub-cells centred on the element's coordinates) so that a
// rasterized heat map keeps sharp cell edges when the image is scaled.
type matrixGrid struct {
	rows, cols, up int
	data           []float64
}

func (g *matrixGrid) Dims() (c, r int)   { return g.cols * g.up, g.rows * g.up }
func (g *matrixGrid) Z(c, r int) float64 { return g.data[(r/g.up)*g.cols+c/g.up] }
func (g *matrixGrid) X(c int) float64    { return (float64(c)+0.5)/float64(g.up) - 0.5 }
func (g *matrixGrid) Y(r int) float64    { return (float64(r)+0.5)/float64(g.up) - 0.5 }
