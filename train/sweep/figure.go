package sweep

import (
	"bytes"
	"fmt"
	"image/color"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Figure geometry: one panel per (metric, swept key), at FigureDPI.
const (
	FigureDPI   = 150
	panelWidth  = 4.4 * vg.Inch
	panelHeight = 3.3 * vg.Inch
	maxSeedHues = 7 // len(plotutil.DarkColors): more seeds than this are drawn in one grey
)

// metric is one number of a Row drawn in the figure.
type metric struct {
	label   string
	get     func(*Row) *float64
	percent bool // the y axis spans 0-100
}

func (s *Summary) metrics() []metric {
	ms := []metric{
		{"final training loss", func(r *Row) *float64 { return r.FinalTrainLoss }, false},
		{"test accuracy (%)", func(r *Row) *float64 { return r.TestAccuracy }, true},
	}
	if s.hasPerformance() {
		ms = append(ms, metric{"performance (%)", func(r *Row) *float64 { return r.Performance }, true})
	}
	return ms
}

// Figure draws sweep.png and returns it as PNG: a grid of panels, one row
// per metric (final training loss, test accuracy, and NeuroGym performance
// when the runs have it) and one column per swept key (the seed if nothing
// else is swept). Each panel puts the key's values at evenly spaced
// positions in increasing order, one point per run (coloured by seed,
// spread a little sideways by seed so that seeds do not hide each other)
// and the median over all runs at each value, joined by a line. Runs
// without the number (not run yet, failed) are left out.
func (s *Summary) Figure() ([]byte, error) {
	keys := s.Keys
	if len(keys) == 0 {
		keys = []string{"seed"}
	}
	seeds := s.seeds()
	ms := s.metrics()
	plots := make([][]*plot.Plot, len(ms))
	for i, m := range ms {
		plots[i] = make([]*plot.Plot, len(keys))
		for j, k := range keys {
			p, err := s.panel(m, k, seeds, i == 0 && j == len(keys)-1)
			if err != nil {
				return nil, err
			}
			plots[i][j] = p
		}
	}
	img := vgimg.NewWith(vgimg.UseWH(panelWidth*vg.Length(len(keys)), panelHeight*vg.Length(len(ms))), vgimg.UseDPI(FigureDPI))
	dc := draw.New(img)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	tiles := draw.Tiles{Rows: len(ms), Cols: len(keys), PadX: vg.Points(10), PadY: vg.Points(10),
		PadTop: vg.Points(4), PadBottom: vg.Points(4), PadLeft: vg.Points(4), PadRight: vg.Points(8)}
	canvases := plot.Align(plots, tiles, dc)
	for i := range plots {
		for j := range plots[i] {
			plots[i][j].Draw(canvases[i][j])
		}
	}
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("sweep figure: %w", err)
	}
	return buf.Bytes(), nil
}

// seeds returns the distinct seeds of the rows in increasing order.
func (s *Summary) seeds() []int64 {
	set := map[int64]bool{}
	for _, r := range s.Rows {
		set[r.Seed] = true
	}
	out := make([]int64, 0, len(set))
	for v := range set {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// keyValue returns row r's value of key k as it is shown.
func keyValue(r *Row, k string) string {
	if k == "seed" {
		if v, ok := r.Params[k]; ok {
			return valueString(v)
		}
		return strconv.FormatInt(r.Seed, 10)
	}
	return valueString(r.Params[k])
}

// orderValues sorts distinct values numerically if all are numbers, else
// as strings.
func orderValues(vs []string) {
	numeric := true
	for _, v := range vs {
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			numeric = false
		}
	}
	sort.Slice(vs, func(i, j int) bool {
		if numeric {
			a, _ := strconv.ParseFloat(vs[i], 64)
			b, _ := strconv.ParseFloat(vs[j], 64)
			return a < b
		}
		return vs[i] < vs[j]
	})
}

func (s *Summary) panel(m metric, key string, seeds []int64, legend bool) (*plot.Plot, error) {
	p := plot.New()
	sans := func(size float64) font.Font {
		return font.From(font.Font{Typeface: "Liberation", Variant: "Sans"}, vg.Points(size))
	}
	p.Title.Text = m.label + " vs " + key
	p.Title.TextStyle.Font = sans(12)
	p.X.Label.Text, p.Y.Label.Text = key, m.label
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle.Font = sans(11)
		ax.Tick.Label.Font = sans(9)
	}
	p.Legend.TextStyle.Font = sans(9)
	p.Legend.Top = true
	p.Y.Tick.Marker = cleanTicks{}
	p.Y.Min = 0
	if m.percent {
		p.Y.Max = 100
	}

	set := map[string]bool{}
	for i := range s.Rows {
		set[keyValue(&s.Rows[i], key)] = true
	}
	values := sortedKeys(set)
	orderValues(values)
	pos := map[string]int{}
	var ticks []plot.Tick
	for i, v := range values {
		pos[v] = i
		ticks = append(ticks, plot.Tick{Value: float64(i), Label: v})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Min, p.X.Max = -0.5, float64(len(values))-0.5

	seedIndex := map[int64]int{}
	for i, sd := range seeds {
		seedIndex[sd] = i
	}
	bySeed := make([]plotter.XYs, len(seeds))
	byValue := make([][]float64, len(values))
	for i := range s.Rows {
		r := &s.Rows[i]
		y := m.get(r)
		if y == nil {
			continue
		}
		k := seedIndex[r.Seed]
		off := 0.0
		if len(seeds) > 1 {
			off = -0.15 + 0.3*float64(k)/float64(len(seeds)-1)
		}
		x := pos[keyValue(r, key)]
		bySeed[k] = append(bySeed[k], plotter.XY{X: float64(x) + off, Y: *y})
		byValue[x] = append(byValue[x], *y)
	}
	for k, xy := range bySeed {
		if len(xy) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(xy)
		if err != nil {
			return nil, fmt.Errorf("sweep figure: %w", err)
		}
		sc.GlyphStyle = draw.GlyphStyle{Shape: draw.CircleGlyph{}, Radius: vg.Points(3.5), Color: seedColor(k, len(seeds))}
		p.Add(sc)
		if legend && len(seeds) <= maxSeedHues {
			p.Legend.Add(fmt.Sprintf("seed %d", seeds[k]), sc)
		}
	}
	var med plotter.XYs
	for x, ys := range byValue {
		if len(ys) > 0 {
			med = append(med, plotter.XY{X: float64(x), Y: median(ys)})
		}
	}
	if len(med) > 0 {
		l, pts, err := plotter.NewLinePoints(med)
		if err != nil {
			return nil, fmt.Errorf("sweep figure: %w", err)
		}
		l.Color, l.Width = color.Black, vg.Points(1.5)
		pts.GlyphStyle = draw.GlyphStyle{Shape: draw.BoxGlyph{}, Radius: vg.Points(4), Color: color.Black}
		p.Add(l, pts)
		if legend {
			p.Legend.Add("median", l, pts)
		}
	}
	return p, nil
}

// seedColor is the colour of the k-th of n seeds.
func seedColor(k, n int) color.Color {
	if n > maxSeedHues {
		return color.Gray{Y: 110}
	}
	return plotutil.DarkColors[k%len(plotutil.DarkColors)]
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// cleanTicks is plot.DefaultTicks with labels in the shortest form ("50",
// not "50.00").
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
