package analyze

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"
	"sort"
	"strings"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/taskrnn/taskrnn/analyze/fixedpoint"
	"github.com/taskrnn/taskrnn/data/fileio"
)

// pcaFigW and pcaFigH are the size of both PCA figures.
const (
	pcaFigW = 9 * vg.Inch
	pcaFigH = 6.5 * vg.Inch
	// pcaLegendW is the width of the legend column.
	pcaLegendW = 2.3 * vg.Inch
)

// pcaView is what the PCA figures draw: single trials from a (the first
// maxDrawnTrials), the legend's conditions from all trials, the mean
// trajectory of each condition over all trials, in the components of p.
type pcaView struct {
	a      *Activity
	trials *Trials
	means  *condMeans
	p      *PCA
	fp     *fixedpoint.FixedPoints // drawn on top if not nil
}

// viewOf returns the view of a complete activity.
func viewOf(a *Activity, p *PCA) (pcaView, error) {
	t, err := a.Trials()
	if err != nil {
		return pcaView{}, err
	}
	m := newCondMeans(a.H, t)
	m.add(a, 0)
	return pcaView{a: a, trials: t, means: m, p: p}, nil
}

// trajectories projects every trial's hidden states on the first k
// components of p: the result holds, for each trial, (Steps[n], k) scores.
func trajectories(a *Activity, p *PCA, k int) ([][][]float64, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if len(p.Mean) != a.H {
		return nil, fmt.Errorf("analyze: PCA has %d variables, activity has %d hidden units", len(p.Mean), a.H)
	}
	if p.Components() < k {
		return nil, fmt.Errorf("analyze: PCA has %d components, the figure needs %d", p.Components(), k)
	}
	if err := checkFinite("hidden", a.Hidden); err != nil {
		return nil, err
	}
	scores := p.Project(a.HiddenMatrix(), k)
	out := make([][][]float64, a.N)
	r := 0
	for n := range out {
		out[n] = make([][]float64, a.Steps[n])
		for t := range out[n] {
			out[n][t] = mat.Row(nil, r, scores)
			r++
		}
	}
	return out, nil
}

// grouping colours the trajectories: a colour family (hue) for each value
// of one condition variable and a shade for each value of another, the
// darkest for the largest. With the task's conditions c1, c2, ... (the
// trial's task first for a schedule) the families are c2's values and the
// shades c1's (PerceptualDecisionMaking: ground truth and coherence); with
// one condition its values are the families. It covers every trial of the
// record it was made from.
type grouping struct {
	famVar, shadeVar   string
	fam, shade         []int    // per trial: family index and shade index
	famKeys, shadeKeys []string // values in order
	famPos, shadePos   map[string]int
}

// groupingVars returns the family (hue) and shade variables of t's task:
// the correct answer (ground_truth) and the first other condition
// variable when the task declares both (PerceptualDecisionMaking: choice
// and coherence; ContextDecisionMaking: choice and context, as Mante et
// al. 2013 sort their trajectories), else the second and first condition
// variables.
func groupingVars(t *Trials) (fam, shade string) {
	conds := t.conditionVars()
	if i := slices.Index(conds, "ground_truth"); i >= 0 && len(conds) >= 2 {
		if i == 0 {
			return conds[0], conds[1]
		}
		return conds[i], conds[0]
	}
	switch {
	case len(conds) >= 2:
		return conds[1], conds[0]
	case len(conds) == 1:
		return conds[0], ""
	}
	return "", ""
}

// levelKey returns trial n's value of variable name as a label ("" for no
// variable or a trial that lacks it).
func levelKey(t *Trials, name string, n int) string {
	if name == "" {
		return ""
	}
	v, ok := t.conditionValue(name, n)
	if !ok {
		return ""
	}
	if name == "task" {
		return v.Str
	}
	return strings.Trim(v.JSON(), `"`)
}

func pcaGrouping(t *Trials) grouping {
	g := grouping{fam: make([]int, t.N), shade: make([]int, t.N)}
	g.famVar, g.shadeVar = groupingVars(t)
	g.famKeys, g.famPos = levels(t, g.famVar, g.fam)
	g.shadeKeys, g.shadePos = levels(t, g.shadeVar, g.shade)
	return g
}

// levels returns the sorted values of variable name ("" = none), their
// positions, and sets idx[n] to trial n's position among them.
func levels(t *Trials, name string, idx []int) ([]string, map[string]int) {
	type lv struct {
		key string
		x   float64
	}
	byKey := map[string]lv{}
	keys := make([]string, t.N)
	for n := 0; n < t.N; n++ {
		k := levelKey(t, name, n)
		x := math.NaN()
		if v, ok := t.conditionValue(name, n); ok && (v.IsScalar() || name == "task") {
			x = v.Num
		}
		keys[n] = k
		byKey[k] = lv{k, x}
	}
	var sorted []lv
	for _, l := range byKey {
		sorted = append(sorted, l)
	}
	sort.Slice(sorted, func(i, j int) bool {
		x, y := sorted[i], sorted[j]
		if x.x != y.x && !math.IsNaN(x.x) && !math.IsNaN(y.x) {
			return x.x < y.x
		}
		return x.key < y.key
	})
	pos := map[string]int{}
	out := make([]string, len(sorted))
	for i, l := range sorted {
		pos[l.key] = i
		out[i] = l.key
	}
	for n := range idx {
		idx[n] = pos[keys[n]]
	}
	return out, pos
}

// shadeOf returns the shade of shade index i: 0.1 (lightest) to 1 (darkest).
func (g grouping) shadeOf(i int) float64 {
	if len(g.shadeKeys) <= 1 {
		return 1
	}
	return 0.1 + 0.9*float64(i)/float64(len(g.shadeKeys)-1)
}

// colour returns trial n's line colour.
func (g grouping) colour(n int) color.Color { return familyColor(g.fam[n], g.shadeOf(g.shade[n])) }

// keyColour returns condition k's colour.
func (g grouping) keyColour(k condKey) color.Color {
	return familyColor(g.famPos[k.fam], g.shadeOf(g.shadePos[k.shade]))
}

// meanTrajectories returns each condition's mean trajectory in the first k
// components, in drawing order (none if there are too many conditions).
func (v pcaView) meanTrajectories(g grouping, k int) ([]condKey, [][][]float64) {
	if v.means == nil || v.means.tooMany {
		return nil, nil
	}
	keys := v.means.conditions(g)
	out := make([][][]float64, len(keys))
	for i, key := range keys {
		m := v.means.mean(key)
		if r, _ := m.Dims(); r == 0 {
			continue
		}
		scores := v.p.Project(m, k)
		r, _ := scores.Dims()
		out[i] = make([][]float64, r)
		for t := range out[i] {
			out[i][t] = mat.Row(nil, t, scores)
		}
	}
	return keys, out
}

// maxLegendRows bounds the legend of the PCA figures.
const maxLegendRows = 26

// pcaLegend returns the legend of the PCA figures: one block per family
// with one entry per shade (families only when that would not fit), and
// the start and end markers.
func pcaLegend(t *Trials, g grouping, start, end draw.GlyphStyle) plot.Legend {
	leg := newLegend()
	used := map[[2]int]bool{}
	for n := 0; n < t.N; n++ {
		used[[2]int{g.fam[n], g.shade[n]}] = true
	}
	withShades := len(g.shadeKeys) > 1 && len(used)+len(g.famKeys) <= maxLegendRows
	rows := 0
	for f, fk := range g.famKeys {
		if rows >= maxLegendRows {
			leg.Add(fmt.Sprintf("... %d more", len(g.famKeys)-f))
			break
		}
		label := "all trials"
		if g.famVar != "" {
			label = fmt.Sprintf("%s = %s", g.famVar, fk)
		}
		if !withShades {
			leg.Add(label, solidLine(nil, familyColor(f, 1), 3))
			rows++
			continue
		}
		leg.Add(label)
		rows++
		for s, sk := range g.shadeKeys {
			if used[[2]int{f, s}] {
				leg.Add(fmt.Sprintf("   %s %s", g.shadeVar, sk), solidLine(nil, familyColor(f, g.shadeOf(s)), 3))
				rows++
			}
		}
	}
	if t.N > maxDrawnTrials {
		leg.Add(fmt.Sprintf("thin: first %d trials", maxDrawnTrials))
	} else {
		leg.Add("thin: single trials")
	}
	leg.Add("bold: condition means")
	leg.Add("start (first step)", glyphThumb{start})
	leg.Add("end (last step)", glyphThumb{end})
	return leg
}

// glyphThumb is a legend thumbnail showing one glyph.
type glyphThumb struct{ sty draw.GlyphStyle }

func (g glyphThumb) Thumbnail(c *draw.Canvas) { c.DrawGlyph(g.sty, c.Center()) }

func startGlyph() draw.GlyphStyle {
	return draw.GlyphStyle{Shape: draw.RingGlyph{}, Radius: vg.Points(3.5), Color: color.Black}
}

func endGlyph() draw.GlyphStyle {
	return draw.GlyphStyle{Shape: draw.TriangleGlyph{}, Radius: vg.Points(3.5), Color: color.Gray{Y: 40}}
}

// PlotPCA2D writes the hidden-state trajectories in the plane of the first
// two principal components of p to path (PNG, 9 x 6.5 in): one thin line
// per trial (the first 200), the condition means bold, coloured by
// condition (see grouping: for PerceptualDecisionMaking blues for ground
// truth 0 and reds for ground truth 1, darker for higher coherence), start
// and end points marked, and a legend. It returns an
// error if a is invalid, p does not match a's hidden size or has fewer than
// 2 components, or writing fails.
func PlotPCA2D(path string, a *Activity, p *PCA) error {
	v, err := viewOf(a, p)
	if err != nil {
		return err
	}
	return fileio.WriteFile(path, func(out io.Writer) error { return writePCA2D(out, v) })
}

// writePCA2D draws PlotPCA2D's figure of v as PNG to out.
func writePCA2D(out io.Writer, v pcaView) error {
	a, p := v.a, v.p
	tr, err := trajectories(a, p, 2)
	if err != nil {
		return err
	}
	g := pcaGrouping(v.trials)
	keys, means := v.meanTrajectories(g, 2)
	ratio := p.ExplainedVarianceRatio()
	pl := newPlot("Hidden-state trajectories in PC space",
		fmt.Sprintf("PC1 (%.1f%% of variance)", 100*ratio[0]), fmt.Sprintf("PC2 (%.1f%% of variance)", 100*ratio[1]))
	addTrajectories(pl, g, tr, keys, means, func(s []float64) plotter.XY { return plotter.XY{X: s[0], Y: s[1]} })
	leg := pcaLegend(v.trials, g, startGlyph(), endGlyph())
	addFixedPoints(pl, &leg, v, func(s []float64) plotter.XY { return plotter.XY{X: s[0], Y: s[1]} })
	return renderPNG(out, pcaFigW, pcaFigH, func(c draw.Canvas) {
		drawWithSideLegend(c, pl, leg)
	})
}

// addFixedPoints draws v's fixed and slow points on pl (stable filled,
// unstable open, the top eigenvector as a short line through each:
// fixedpoint.AddToPlot) through the PCA projection followed by at, and adds
// their legend entries to leg. The line is ±half the standard deviation of
// PC1 long in the hidden space, so its drawn length also shows how much of
// the mode lies in the plotted components.
func addFixedPoints(pl *plot.Plot, leg *plot.Legend, v pcaView, at func(s []float64) plotter.XY) {
	if v.fp == nil || len(v.fp.Points) == 0 {
		return
	}
	k := min(3, v.p.Components())
	project := func(h []float64) plotter.XY {
		return at(mat.Row(nil, 0, v.p.Project(mat.NewDense(1, len(h), h), k)))
	}
	for _, e := range fixedpoint.AddToPlot(pl, v.fp, project, 0.5*math.Sqrt(v.p.Vars[0])) {
		leg.Add(e.Label, e.Thumb)
	}
	for _, line := range inputCaption(v.fp.Inputs, v.a.Task.ObNames) {
		leg.Add(line, noThumb{})
	}
}

// inputCaption names the constant input x* of the fixed points in legend
// rows: "under x* =" and one row per input for up to 4 inputs (the
// non-zero ones beyond that), or where to find it.
func inputCaption(x []float64, names []string) []string {
	var rows []string
	for i, v := range x {
		if len(x) > 4 && v == 0 {
			continue
		}
		name := fmt.Sprint(i)
		if i < len(names) {
			name = names[i]
		}
		rows = append(rows, fmt.Sprintf("  %s %.3g", name, v))
	}
	if len(rows) > 4 {
		return []string{"x*: fixed_points.npz"}
	}
	return append([]string{"under x* ="}, rows...)
}

// noThumb is a legend entry without a symbol (a caption).
type noThumb struct{}

func (noThumb) Thumbnail(*draw.Canvas) {}

// fixedPointScores returns the scores of v's points on the first k
// components (none without a search).
func fixedPointScores(v pcaView, k int) [][]float64 {
	if v.fp == nil || len(v.fp.Points) == 0 {
		return nil
	}
	x := mat.NewDense(len(v.fp.Points), len(v.p.Mean), nil)
	for i, pt := range v.fp.Points {
		x.SetRow(i, pt.Xstar)
	}
	s := v.p.Project(x, k)
	out := make([][]float64, len(v.fp.Points))
	for i := range out {
		out[i] = mat.Row(nil, i, s)
	}
	return out
}

// PlotPCA3D writes the trajectories in the first three principal
// components to path (PNG, 9 x 6.5 in) as an orthographic projection of
// the 3-D view (azimuth -60 deg, elevation 25 deg), each component scaled
// to the box [-1, 1], with the box and the three component axes drawn and
// labelled; colours and markers as in PlotPCA2D. Its errors are
// PlotPCA2D's, with 3 components needed.
func PlotPCA3D(path string, a *Activity, p *PCA) error {
	v, err := viewOf(a, p)
	if err != nil {
		return err
	}
	return fileio.WriteFile(path, func(out io.Writer) error { return writePCA3D(out, v) })
}

// writePCA3D draws PlotPCA3D's figure of v as PNG to out.
func writePCA3D(out io.Writer, v pcaView) error {
	a, p := v.a, v.p
	tr, err := trajectories(a, p, 3)
	if err != nil {
		return err
	}
	g := pcaGrouping(v.trials)
	keys, means := v.meanTrajectories(g, 3)
	// Scale each component to [-1, 1] over what is drawn (the single
	// trials and the means), as a 3-D axes box with independent axis
	// limits would.
	var lo, hi [3]float64
	for d := range 3 {
		lo[d], hi[d] = math.Inf(1), math.Inf(-1)
	}
	drawn := append(tr[:min(len(tr), maxDrawnTrials):min(len(tr), maxDrawnTrials)], means...)
	drawn = append(drawn, fixedPointScores(v, 3)) // the box holds the fixed points too
	for _, trial := range drawn {
		for _, s := range trial {
			for d := range 3 {
				if !math.IsNaN(s[d]) && !math.IsInf(s[d], 0) {
					lo[d], hi[d] = math.Min(lo[d], s[d]), math.Max(hi[d], s[d])
				}
			}
		}
	}
	norm := func(s []float64) [3]float64 {
		var v [3]float64
		for d := range 3 {
			if hi[d] > lo[d] {
				v[d] = 2*(s[d]-lo[d])/(hi[d]-lo[d]) - 1
			}
		}
		return v
	}
	view := orthoView(-60, 25)

	ratio := p.ExplainedVarianceRatio()
	pl := newPlot(fmt.Sprintf("Trajectories in PC1-3 (%.1f%% of variance)", 100*(ratio[0]+ratio[1]+ratio[2])), "", "")
	pl.HideAxes()

	// The box in light grey, and the three component axes along its
	// outer bottom/left edges (as a 3-D axes box draws them), labelled at
	// their midpoints, pushed away from the box centre.
	corner := func(i int) [3]float64 {
		return [3]float64{float64(2*(i&1) - 1), float64(2*(i>>1&1) - 1), float64(2*(i>>2&1) - 1)}
	}
	for i := 0; i < 8; i++ {
		for d := 0; d < 3; d++ {
			if j := i | 1<<d; j != i {
				pl.Add(solidLine(plotter.XYs{view(corner(i)), view(corner(j))}, color.Gray{Y: 215}, 0.8))
			}
		}
	}
	axisLabels := plotter.XYLabels{}
	bases := [3][3]float64{{-1, -1, -1}, {1, -1, -1}, {-1, -1, -1}}
	centre := view([3]float64{})
	for d := 0; d < 3; d++ {
		from, to := bases[d], bases[d]
		from[d], to[d] = -1, 1
		p0, p1 := view(from), view(to)
		pl.Add(solidLine(plotter.XYs{p0, p1}, color.Gray{Y: 50}, 1.6))
		mid := plotter.XY{X: (p0.X + p1.X) / 2, Y: (p0.Y + p1.Y) / 2}
		dx, dy := mid.X-centre.X, mid.Y-centre.Y
		r := math.Hypot(dx, dy)
		axisLabels.XYs = append(axisLabels.XYs, plotter.XY{X: mid.X + 0.32*dx/r, Y: mid.Y + 0.32*dy/r})
		axisLabels.Labels = append(axisLabels.Labels, fmt.Sprintf("PC%d (%.1f%%)", d+1, 100*ratio[d]))
	}

	addTrajectories(pl, g, tr, keys, means, func(s []float64) plotter.XY { return view(norm(s)) })
	leg := pcaLegend(v.trials, g, startGlyph(), endGlyph())
	addFixedPoints(pl, &leg, v, func(s []float64) plotter.XY { return view(norm(s)) })
	lb, err := plotter.NewLabels(axisLabels)
	if err != nil {
		return fmt.Errorf("analyze: PCA 3-D axis labels: %w", err)
	}
	for i := range lb.TextStyle {
		lb.TextStyle[i].Font = sans(labelSize)
		lb.TextStyle[i].XAlign = draw.XCenter
		lb.TextStyle[i].YAlign = draw.YCenter
	}
	pl.Add(lb)
	// Equal scales on both screen axes: the projected unit box fits in
	// [-1.9, 1.9] horizontally; match the vertical range to the aspect.
	return renderPNG(out, pcaFigW, pcaFigH, func(c draw.Canvas) {
		w := c.Max.X - c.Min.X - pcaLegendW
		h := c.Max.Y - c.Min.Y - vg.Points(titleSize+16)
		half := 1.95
		pl.X.Min, pl.X.Max = -half, half
		pl.Y.Min, pl.Y.Max = -half*float64(h/w), half*float64(h/w)
		if float64(h/w)*half < 1.75 { // keep the box's height in view
			pl.Y.Min, pl.Y.Max = -1.75, 1.75
			pl.X.Min, pl.X.Max = -1.75*float64(w/h), 1.75*float64(w/h)
		}
		drawWithSideLegend(c, pl, leg)
	})
}

// orthoView returns the orthographic projection onto the screen of a
// camera at azimuth az and elevation el (degrees), matplotlib's convention.
func orthoView(az, el float64) func(v [3]float64) plotter.XY {
	a, e := az*math.Pi/180, el*math.Pi/180
	return func(v [3]float64) plotter.XY {
		return plotter.XY{
			X: -math.Sin(a)*v[0] + math.Cos(a)*v[1],
			Y: -math.Sin(e)*math.Cos(a)*v[0] - math.Sin(e)*math.Sin(a)*v[1] + math.Cos(e)*v[2],
		}
	}
}

// maxDrawnTrials is the number of single trials drawn in the PCA figures
// (the first ones); more only hide each other. Condition means use all.
const maxDrawnTrials = 200

// addTrajectories draws the first maxDrawnTrials trials' trajectories tr
// thin and translucent with their start and end marked, then the mean
// trajectory of each condition (keys, means) bold on top; at maps scores
// to the plane.
func addTrajectories(pl *plot.Plot, g grouping, tr [][][]float64, keys []condKey, means [][][]float64, at func(s []float64) plotter.XY) {
	var starts, ends plotter.XYs
	for _, n := range drawOrder(g, len(tr)) {
		if n >= maxDrawnTrials || len(tr[n]) == 0 {
			continue
		}
		xy := make(plotter.XYs, len(tr[n]))
		for t, s := range tr[n] {
			xy[t] = at(s)
		}
		pl.Add(solidLine(xy, translucent(g.colour(n), 0.35), 0.8))
		starts = append(starts, xy[0])
		ends = append(ends, xy[len(xy)-1])
	}
	addMarkers(pl, starts, startGlyph())
	addMarkers(pl, ends, endGlyph())
	for i, k := range keys {
		xy := make(plotter.XYs, len(means[i]))
		for t, s := range means[i] {
			xy[t] = at(s)
		}
		pl.Add(solidLine(xy, color.White, 4.6), solidLine(xy, g.keyColour(k), 3))
	}
}

// translucent returns c with opacity alpha in [0, 1].
func translucent(c color.Color, alpha float64) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: uint8(255 * alpha)}
}

// drawOrder returns the first n trials in drawing order: lightest shade
// first (lowest coherence), so that the clearer high-coherence trajectories
// are on top.
func drawOrder(g grouping, n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return g.shade[idx[i]] < g.shade[idx[j]] })
	return idx
}

func addMarkers(p *plot.Plot, xy plotter.XYs, sty draw.GlyphStyle) {
	sc, err := plotter.NewScatter(finiteXYs(xy))
	if err != nil {
		panic(err) // unreachable: finiteXYs keeps finite points only
	}
	sc.GlyphStyle = sty
	p.Add(sc)
}

// drawWithSideLegend draws p on the left of c and leg in a column on the right.
func drawWithSideLegend(c draw.Canvas, p *plot.Plot, leg plot.Legend) {
	p.Draw(draw.Crop(c, 0, -pcaLegendW, 0, 0))
	right := draw.Crop(c, c.Max.X-c.Min.X-pcaLegendW+vg.Points(8), 0, 0, -vg.Points(titleSize+14))
	leg.Draw(right)
}
