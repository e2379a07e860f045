package analyze

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/palette/brewer"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// FigureDPI is the resolution of every PNG figure, in dots per inch.
const FigureDPI = 150

// Font sizes in points, chosen to stay readable on a projected slide.
const (
	titleSize  = 15
	labelSize  = 13
	tickSize   = 11
	legendSize = 11
)

func sans(size float64) font.Font {
	return font.From(font.Font{Typeface: "Liberation", Variant: "Sans"}, vg.Points(size))
}

// newPlot returns a plot with the package's title, label and tick styling.
func newPlot(title, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = sans(titleSize)
	p.Title.Padding = vg.Points(8)
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle.Font = sans(labelSize)
		ax.Tick.Label.Font = sans(tickSize)
		ax.Label.Padding = vg.Points(4)
		ax.Tick.Marker = cleanTicks{}
	}
	p.Legend.TextStyle.Font = sans(legendSize)
	p.Legend.ThumbnailWidth = vg.Points(24)
	return p
}

// newLegend returns a free-standing legend styled like newPlot's.
func newLegend() plot.Legend {
	l := plot.NewLegend()
	l.TextStyle.Font = sans(legendSize)
	l.ThumbnailWidth = vg.Points(24)
	l.Top, l.Left = true, true
	return l
}

// renderPNG draws a w x h figure with fn and encodes it to out as a PNG at
// FigureDPI.
func renderPNG(out io.Writer, w, h vg.Length, fn func(c draw.Canvas)) error {
	img := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(FigureDPI))
	dc := draw.New(img)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	fn(dc)
	_, err := vgimg.PngCanvas{Canvas: img}.WriteTo(out)
	return err
}

// familyColor returns the colour of ground truth g with shade in [0, 1]
// (0 light, 1 dark): blues for location 0, reds for location 1, then
// greens, purples, oranges and greys.
func familyColor(g int, shade float64) color.Color {
	names := [...]string{"Blues", "Reds", "Greens", "Purples", "Oranges", "Greys"}
	pal, err := brewer.GetPalette(brewer.TypeSequential, names[g%len(names)], 9)
	if err != nil {
		panic(err) // the names above are brewer's
	}
	shade = math.Max(0, math.Min(1, shade))
	return pal.Colors()[3+int(math.Round(shade*5))]
}

// cohShades maps each distinct coherence to a shade in [0.1, 1], weakest
// lightest, and returns the coherences in increasing order.
func cohShades(cohs []float64) (map[float64]float64, []float64) {
	set := map[float64]bool{}
	for _, c := range cohs {
		set[c] = true
	}
	var sorted []float64
	for c := range set {
		sorted = append(sorted, c)
	}
	sort.Float64s(sorted)
	shades := map[float64]float64{}
	for i, c := range sorted {
		if len(sorted) == 1 {
			shades[c] = 1
		} else {
			shades[c] = 0.1 + 0.9*float64(i)/float64(len(sorted)-1)
		}
	}
	return shades, sorted
}

// choiceName names action k: "fixate" for 0, "choice k" otherwise.
func choiceName(k int) string {
	if k == 0 {
		return "fixate"
	}
	return fmt.Sprintf("choice %d", k)
}

// vspan is a plotter that shades the x interval [X0, X1] over the full
// height of the data area without changing the axis ranges.
type vspan struct {
	X0, X1 float64
	Color  color.Color
}

func (s vspan) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	x0, x1 := trX(s.X0), trX(s.X1)
	c.FillPolygon(s.Color, c.ClipPolygonX([]vg.Point{
		{X: x0, Y: c.Min.Y}, {X: x1, Y: c.Min.Y}, {X: x1, Y: c.Max.Y}, {X: x0, Y: c.Max.Y},
	}))
}

func (s vspan) Thumbnail(c *draw.Canvas) {
	c.FillPolygon(s.Color, []vg.Point{
		{X: c.Min.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Max.Y}, {X: c.Min.X, Y: c.Max.Y},
	})
}

// decisionShade is the fill colour of the decision period.
func decisionShade() color.Color { return color.RGBA{R: 255, G: 226, B: 150, A: 255} }

// stepXYs returns the points of a staircase over steps of length dt ms:
// value v[t] holds on [t*dt, (t+1)*dt).
func stepXYs(v []float64, dt float64) plotter.XYs {
	xy := make(plotter.XYs, 0, 2*len(v))
	for t, y := range v {
		xy = append(xy, plotter.XY{X: float64(t) * dt, Y: y}, plotter.XY{X: float64(t+1) * dt, Y: y})
	}
	return xy
}

// solidLine returns a line plotter with the given colour and width in
// points through the finite points of xy (a network that diverged gives
// NaN and Inf; the figure shows the rest).
func solidLine(xy plotter.XYs, c color.Color, width float64) *plotter.Line {
	l, err := plotter.NewLine(finiteXYs(xy))
	if err != nil {
		panic(err) // unreachable: finiteXYs keeps finite points only
	}
	l.Color = c
	l.Width = vg.Points(width)
	return l
}

// finiteXYs returns the points of xy whose coordinates are both finite.
func finiteXYs(xy plotter.XYs) plotter.XYs {
	out := make(plotter.XYs, 0, len(xy))
	for _, p := range xy {
		if !math.IsNaN(p.X) && !math.IsNaN(p.Y) && !math.IsInf(p.X, 0) && !math.IsInf(p.Y, 0) {
			out = append(out, p)
		}
	}
	return out
}

// cleanTicks is plot.DefaultTicks with labels in the shortest form
// ("7.5", not "7.50"; "1", not "1.0").
type cleanTicks struct{}

func (cleanTicks) Ticks(min, max float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ts {
		if l := ts[i].Label; strings.Contains(l, ".") && !strings.ContainsAny(l, "eE") {
			ts[i].Label = strings.TrimSuffix(strings.TrimRight(l, "0"), ".")
		}
	}
	return ts
}
