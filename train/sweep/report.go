package sweep

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"net/url"
	"path/filepath"
	"strings"
	"time"
)

// HTML returns report.html: a self-contained page (no scripts, no network:
// the figure is embedded as a data: URI, the style inline) with the
// status counts, the figure png (sweep.png), the table of every run (as in
// the CSV; each name links to its run directory, relative to the sweep
// directory) and the spec.
func (s *Summary) HTML(png []byte) ([]byte, error) {
	type cell struct {
		Text  string
		Class string
	}
	type row struct {
		Name, Link string
		Cells      []cell
		Status     string
		Error      string
	}
	perf := s.hasPerformance()
	head := append([]string{}, s.Keys...)
	head = append(head, "seed", "status", "iterations", "final training loss", "final training accuracy (%)", "test accuracy (%)")
	if perf {
		head = append(head, "performance (%)")
	}
	for _, c := range s.Conditions {
		head = append(head, "accuracy "+c+" (%)")
	}
	head = append(head, "train s", "wall s")
	var rows []row
	for _, r := range s.Rows {
		rw := row{Name: r.Name, Link: (&url.URL{Path: RunsDir + "/" + r.Name + "/"}).String(), Status: string(r.Status), Error: r.Error}
		for _, k := range s.Keys {
			rw.Cells = append(rw.Cells, cell{Text: valueString(r.Params[k])})
		}
		rw.Cells = append(rw.Cells, cell{Text: fmt.Sprint(r.Seed)}, cell{Text: string(r.Status), Class: "st-" + string(r.Status)},
			cell{Text: fmt.Sprintf("%d/%d", r.NIteration, r.NIterationPlanned)},
			cell{Text: fmtNum(r.FinalTrainLoss, "%.4g")}, cell{Text: fmtNum(r.FinalTrainAccuracy, "%.1f")},
			cell{Text: fmtNum(r.TestAccuracy, "%.1f")})
		if perf {
			rw.Cells = append(rw.Cells, cell{Text: fmtNum(r.Performance, "%.1f")})
		}
		for _, c := range s.Conditions {
			rw.Cells = append(rw.Cells, cell{Text: fmtNum(r.condition(c), "%.1f")})
		}
		rw.Cells = append(rw.Cells, cell{Text: fmtNum(r.TrainSeconds, "%.2f")}, cell{Text: fmtNum(r.WallSeconds, "%.2f")})
		rows = append(rows, rw)
	}
	data := struct {
		Title, Counts, Generated string
		Figure                   template.URL
		Head                     []string
		Rows                     []row
		Spec                     string
	}{
		Title:     "Sweep " + filepath.Base(s.Dir),
		Counts:    FormatCounts(s.Counts),
		Generated: time.Now().UTC().Format("2006-01-02 15:04:05 UTC"),
		Figure:    template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png)),
		Head:      head,
		Rows:      rows,
		Spec:      strings.TrimSpace(string(s.SpecJSON)),
	}
	var buf bytes.Buffer
	if err := reportTemplate().Execute(&buf, data); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	return buf.Bytes(), nil
}

func fmtNum(p *float64, format string) string {
	if p == nil {
		return ""
	}
	return fmt.Sprintf(format, *p)
}

// reportTemplate returns report.html's template (built per call: no
// package-level state).
func reportTemplate() *template.Template {
	return template.Must(template.New("report").Funcs(template.FuncMap{"inc": func(n int) int { return n + 1 }}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{.Title}}</title>
<style>
body { font-family: "Liberation Sans", Arial, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
.meta { color: #555; margin-top: 0; }
img.figure { max-width: 100%; height: auto; border: 1px solid #ddd; }
.table { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.9em; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: right; }
th { background: #f0f0f0; }
th.name { text-align: left; }
td.name { text-align: left; font-family: "Liberation Mono", monospace; }
td.st-complete { background: #e3f4e3; }
td.st-diverged { background: #fff1c9; }
td.st-failed, td.st-interrupted { background: #fbdcdc; }
td.st-running, td.st-pending { background: #eef; }
tr.err td.error { text-align: left; color: #a00; font-size: 0.85em; }
pre { background: #f7f7f7; padding: 0.8em; border: 1px solid #ddd; overflow-x: auto; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p class="meta">{{len .Rows}} runs: {{.Counts}}. Written {{.Generated}} by cmd/sweep.</p>
<h2>Metrics against each swept key</h2>
<p class="meta">One point per run, coloured by seed; black squares are the median over all runs with that value.</p>
<img class="figure" id="figure" src="{{.Figure}}" alt="sweep figure: metrics against swept keys">
<h2>Runs</h2>
<div class="table"><table id="runs">
<thead><tr><th class="name">run</th>{{range .Head}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>
{{- range .Rows}}
<tr class="run"><td class="name"><a href="{{.Link}}">{{.Name}}</a></td>{{range .Cells}}<td{{if .Class}} class="{{.Class}}"{{end}}>{{.Text}}</td>{{end}}</tr>
{{- if .Error}}
<tr class="err"><td class="error" colspan="{{len .Cells | inc}}">{{.Status}}: {{.Error}}</td></tr>
{{- end}}
{{- end}}
</tbody>
</table></div>
<h2>Spec</h2>
<pre>{{.Spec}}</pre>
</body>
</html>
`))
}
