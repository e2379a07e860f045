package fixedpoint

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"math/cmplx"
	"strings"
	"unicode/utf8"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// The figures follow analyze's style: Liberation Sans, 150 dpi PNG.
const (
	figureDPI  = 150
	titleSize  = 14
	labelSize  = 13
	tickSize   = 11
	legendSize = 11
)

func sans(size float64) font.Font {
	return font.From(font.Font{Typeface: "Liberation", Variant: "Sans"}, vg.Points(size))
}

var (
	stableColor   = color.RGBA{R: 33, G: 102, B: 172, A: 255} // blue
	unstableColor = color.RGBA{R: 203, G: 24, B: 29, A: 255}  // red
)

// WriteEigenvalues draws the eigenvalues of the Jacobian at point p in the
// complex plane as a PNG to w (6 x 6 in, equal scales on both axes): the
// unit circle (the stability boundary of a discrete-time map), modes inside
// it as filled blue dots and modes outside as open red circles. which says
// in the title which point it is (e.g. Showcase's description); "" names
// its kind. It returns an error if p has no eigenvalues or writing fails.
func WriteEigenvalues(w io.Writer, p *Point, which string) error {
	if p == nil || len(p.Eigval) == 0 {
		return fmt.Errorf("fixed points: eigenvalue figure: the point has no eigenvalues")
	}
	kind := "stable"
	if !p.IsStable {
		kind = fmt.Sprintf("unstable (%d modes)", p.NUnstable)
	}
	pl := plot.New()
	if which == "" {
		which = fmt.Sprintf("a %s point", p.Kind)
	}
	pl.Title.Text = wrap("Jacobian eigenvalues at "+which, 48) + fmt.Sprintf("\nq = %.2g, |λ₁| = %.4f, %s", p.Qstar, cmplx.Abs(p.Eigval[0]), kind)
	pl.Title.TextStyle.Font = sans(titleSize)
	pl.X.Label.Text, pl.Y.Label.Text = "Re λ", "Im λ"
	for _, ax := range []*plot.Axis{&pl.X, &pl.Y} {
		ax.Label.TextStyle.Font = sans(labelSize)
		ax.Tick.Label.Font = sans(tickSize)
	}
	pl.Add(plotter.NewGrid())

	circle := make(plotter.XYs, 361)
	for i := range circle {
		a := 2 * math.Pi * float64(i) / 360
		circle[i] = plotter.XY{X: math.Cos(a), Y: math.Sin(a)}
	}
	ln, err := plotter.NewLine(circle)
	if err != nil {
		return fmt.Errorf("fixed points: eigenvalue figure: %w", err)
	}
	ln.Color, ln.Width = color.Gray{Y: 90}, vg.Points(1.2)
	pl.Add(ln)

	var in, out plotter.XYs
	lim := 1.1
	for _, l := range p.Eigval {
		xy := plotter.XY{X: real(l), Y: imag(l)}
		if cmplx.Abs(l) > 1 {
			out = append(out, xy)
		} else {
			in = append(in, xy)
		}
		lim = math.Max(lim, 1.08*math.Max(math.Abs(real(l)), math.Abs(imag(l))))
	}
	leg := &pl.Legend
	leg.TextStyle.Font = sans(legendSize)
	leg.Top, leg.Left = true, true
	leg.ThumbnailWidth = vg.Points(20)
	leg.XOffs, leg.YOffs = vg.Points(10), -vg.Points(10)
	leg.Padding = vg.Points(3)
	for _, s := range []struct {
		xy    plotter.XYs
		glyph draw.GlyphStyle
		label string
	}{
		{in, draw.GlyphStyle{Shape: draw.CircleGlyph{}, Radius: vg.Points(3.5), Color: stableColor}, fmt.Sprintf("%d modes with |λ| ≤ 1 (not growing)", len(in))},
		{out, draw.GlyphStyle{Shape: draw.RingGlyph{}, Radius: vg.Points(4), Color: unstableColor}, fmt.Sprintf("%d modes with |λ| > 1 (growing)", len(out))},
	} {
		if len(s.xy) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(s.xy)
		if err != nil {
			return fmt.Errorf("fixed points: eigenvalue figure: %w", err)
		}
		sc.GlyphStyle = s.glyph
		pl.Add(sc)
		leg.Add(s.label, sc)
	}
	leg.Add("unit circle", ln)
	// headroom above the circle for the legend (top left), the same on
	// every side to keep the scales equal
	lim *= 1.45
	pl.X.Min, pl.X.Max, pl.Y.Min, pl.Y.Max = -lim, lim, -lim, lim

	const size = 6 * vg.Inch
	img := vgimg.NewWith(vgimg.UseWH(size, size), vgimg.UseDPI(figureDPI))
	dc := draw.New(img)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	// equal scales: shrink the canvas until the data area is square
	da := pl.DataCanvas(dc)
	if d := (da.Max.X - da.Min.X) - (da.Max.Y - da.Min.Y); d > 0 {
		dc.Min.X, dc.Max.X = dc.Min.X+d/2, dc.Max.X-d/2
	} else {
		dc.Max.Y += d
	}
	pl.Draw(dc)
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(w); err != nil {
		return fmt.Errorf("fixed points: eigenvalue figure: %w", err)
	}
	return nil
}

// LegendEntry is one legend line of the overlay AddToPlot draws.
type LegendEntry struct {
	Label string
	Thumb plot.Thumbnailer
}

// AddToPlot draws the points of fp onto pl, an existing plot of the state
// space seen through project (for example the PCA trajectory figures:
// project maps a hidden state h (H) to its plotted position, and must be
// affine, as a PCA projection or an orthographic view of one is). Stable
// points are filled circles, unstable points open circles; fixed points are
// black and slow points grey. Through each point a short line of length
// 2·modeLength (in the units of h) shows its top mode: the real part of the
// eigenvector of largest |λ|, drawn from x* − modeLength·v to
// x* + modeLength·v. It returns the legend entries of the kinds present, for
// the caller's legend.
func AddToPlot(pl *plot.Plot, fp *FixedPoints, project func(h []float64) plotter.XY, modeLength float64) []LegendEntry {
	if fp == nil || len(fp.Points) == 0 {
		return nil
	}
	const radius = 4.5
	glyph := func(stable bool, c color.Color) draw.GlyphStyle {
		if stable {
			return draw.GlyphStyle{Shape: draw.CircleGlyph{}, Radius: vg.Points(radius), Color: c}
		}
		return draw.GlyphStyle{Shape: draw.RingGlyph{}, Radius: vg.Points(radius), Color: c}
	}
	colorOf := func(k Kind) color.Color {
		if k == Slow {
			return color.Gray{Y: 130}
		}
		return color.Black
	}
	type key struct {
		kind   Kind
		stable bool
	}
	seen := map[key]bool{}
	for i := range fp.Points {
		p := &fp.Points[i]
		_, v := p.TopMode()
		a, b := make([]float64, len(v)), make([]float64, len(v))
		for j := range v {
			a[j] = p.Xstar[j] - modeLength*v[j]
			b[j] = p.Xstar[j] + modeLength*v[j]
		}
		if ln, err := plotter.NewLine(plotter.XYs{project(a), project(b)}); err == nil {
			ln.Color, ln.Width = colorOf(p.Kind), vg.Points(2)
			pl.Add(ln)
		}
		c := colorOf(p.Kind)
		// a white disc under every glyph keeps open circles readable over trajectories
		halo := draw.GlyphStyle{Shape: draw.CircleGlyph{}, Radius: vg.Points(radius + 1.5), Color: color.White}
		if sc, err := plotter.NewScatter(plotter.XYs{project(p.Xstar)}); err == nil {
			sc.GlyphStyle = halo
			pl.Add(sc)
		}
		if sc, err := plotter.NewScatter(plotter.XYs{project(p.Xstar)}); err == nil {
			sc.GlyphStyle = glyph(p.IsStable, c)
			pl.Add(sc)
		}
		seen[key{p.Kind, p.IsStable}] = true
	}
	var entries []LegendEntry
	for _, want := range []key{{Fixed, true}, {Fixed, false}, {Slow, true}, {Slow, false}} {
		if !seen[want] {
			continue
		}
		label := "stable " + want.kind.String() + " point"
		if !want.stable {
			label = "unstable " + want.kind.String() + " point"
		}
		entries = append(entries, LegendEntry{Label: label, Thumb: glyphThumb{glyph(want.stable, colorOf(want.kind))}})
	}
	if len(entries) > 0 {
		entries = append(entries, LegendEntry{Label: "line: top eigenvector", Thumb: lineThumb{color.Black}})
	}
	return entries
}

type glyphThumb struct{ sty draw.GlyphStyle }

func (g glyphThumb) Thumbnail(c *draw.Canvas) { c.DrawGlyph(g.sty, c.Center()) }

type lineThumb struct{ c color.Color }

func (l lineThumb) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	c.StrokeLine2(draw.LineStyle{Color: l.c, Width: vg.Points(2)}, c.Min.X, y, c.Max.X, y)
}

// wrap breaks s into lines of at most width characters at spaces (a
// longer word stays whole).
func wrap(s string, width int) string {
	var b strings.Builder
	n := 0
	for i, w := range strings.Fields(s) {
		l := utf8.RuneCountInString(w)
		switch {
		case i == 0:
		case n+1+l > width:
			b.WriteByte('\n')
			n = 0
		default:
			b.WriteByte(' ')
			n++
		}
		b.WriteString(w)
		n += l
	}
	return b.String()
}
