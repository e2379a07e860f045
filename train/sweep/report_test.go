package sweep

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func fp(v float64) *float64 { return &v }

// syntheticSummary is a summary of 2 learning rates x 2 activations x 3
// seeds with every status and a NeuroGym performance in some runs.
func syntheticSummary() *Summary {
	s := &Summary{Dir: "/sweeps/demo", Keys: []string{"activation_fun", "learning_rate"}, Counts: map[Status]int{},
		Conditions: []string{"coh=0", "coh=6.4", "coh=51.2"}, SpecJSON: json.RawMessage(`{"seeds": [0, 1, 2]}`)}
	i := 0
	for _, act := range []string{"relu", "softplus"} {
		for _, lr := range []string{"0.001", "0.01"} {
			for seed := int64(0); seed < 3; seed++ {
				r := Row{Params: map[string]any{"activation_fun": act, "learning_rate": json.Number(lr)}, Seed: seed,
					Status: Complete, NIteration: 100, NIterationPlanned: 100}
				r.Name = RunName([]Param{{"activation_fun", act}, {"learning_rate", json.Number(lr)}}, seed)
				r.FinalTrainLoss = fp(0.5 - 0.01*float64(i))
				r.FinalTrainAccuracy = fp(60 + float64(i))
				r.TestAccuracy = fp(55 + 1.5*float64(i))
				r.TrainSeconds, r.WallSeconds = fp(1.25), fp(3.5)
				r.PerCondition = []Condition{{"coh=0", 20, fp(50), nil}, {"coh=6.4", 20, fp(60), nil}, {"coh=51.2", 20, fp(99), nil}}
				if i%2 == 0 {
					r.Performance = fp(70 + float64(i))
				}
				switch i {
				case 3:
					r.Status, r.Error, r.TestAccuracy, r.PerCondition, r.Performance = Diverged, "loss is NaN at iteration 7", nil, nil, nil
				case 7:
					r = Row{Name: r.Name, Params: r.Params, Seed: seed, Status: Failed, Error: "a <b>bad</b> & odd error", NIterationPlanned: 100}
				case 11:
					r = Row{Name: r.Name, Params: r.Params, Seed: seed, Status: Pending, NIterationPlanned: 100}
				}
				s.Counts[r.Status]++
				s.Rows = append(s.Rows, r)
				i++
			}
		}
	}
	return s
}

func TestSummaryCSV(t *testing.T) {
	s := syntheticSummary()
	b, err := s.CSV()
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := strings.Join(recs[0], " ")
	if want := "name activation_fun learning_rate seed status n_iteration final_train_loss final_train_accuracy test_accuracy performance accuracy_coh=0 accuracy_coh=6.4 accuracy_coh=51.2 train_seconds wall_seconds error"; head != want {
		t.Errorf("header\n%s\nwant\n%s", head, want)
	}
	if len(recs) != 13 {
		t.Fatalf("%d lines, want 13", len(recs))
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	r0, r7 := recs[1], recs[8]
	if r0[col["name"]] != "activation_fun=relu,learning_rate=0.001,seed=0" || r0[col["learning_rate"]] != "0.001" || r0[col["test_accuracy"]] != "55" || r0[col["accuracy_coh=51.2"]] != "99" || r0[col["performance"]] != "70" {
		t.Errorf("first row %v", r0)
	}
	if r7[col["status"]] != "failed" || r7[col["test_accuracy"]] != "" || r7[col["error"]] != "a <b>bad</b> & odd error" {
		t.Errorf("failed row %v", r7)
	}
	j, err := s.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var back Summary
	if err := json.Unmarshal(j, &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Rows) != 12 || back.Rows[3].Status != Diverged || back.Counts[Pending] != 1 || *back.Rows[0].TestAccuracy != 55 {
		t.Errorf("JSON round trip: %+v", back.Rows[3])
	}
}

func TestSummaryOfUnstartedSweep(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sweep")
	sw, err := Open(dir, parse(t, smallSpec))
	if err != nil {
		t.Fatal(err)
	}
	defer sw.Close()
	s, err := Summarize(sw)
	if err != nil {
		t.Fatal(err)
	}
	files, err := s.WriteFiles(dir)
	if err != nil || len(files) != 4 {
		t.Fatalf("WriteFiles: %v %v", files, err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, SummaryCSV))
	recs, _ := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if len(recs) != 5 || recs[1][3] != "pending" || recs[1][5] != "" {
		t.Errorf("CSV of an unstarted sweep:\n%s", b)
	}
	if _, err := png.Decode(bytes.NewReader(mustRead(t, filepath.Join(dir, FigureFile)))); err != nil {
		t.Errorf("sweep.png: %v", err)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestFigure(t *testing.T) {
	s := syntheticSummary()
	b, err := s.Figure()
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	// 2 swept keys x 3 metrics (loss, test accuracy, performance).
	if w, h := img.Bounds().Dx(), img.Bounds().Dy(); w != int(2*4.4*FigureDPI) || h != int(3*3.3*FigureDPI) {
		t.Errorf("figure %d x %d px, want 2 x 3 panels", w, h)
	}
	if n := countColor(img, 238, 46, 47, 10); n < 100 {
		t.Errorf("%d pixels of seed 0's colour: its points are missing", n)
	}
}

func TestReportSelfContained(t *testing.T) {
	s := syntheticSummary()
	png, _ := s.Figure()
	b, err := s.HTML(png)
	if err != nil {
		t.Fatal(err)
	}
	html := string(b)
	for _, bad := range []string{"http://", "https://", "<script", "<link", "@import", "url("} {
		if strings.Contains(html, bad) {
			t.Errorf("report has %q: not self-contained", bad)
		}
	}
	for _, m := range regexp.MustCompile(`(?:src|href)="([^"]*)"`).FindAllStringSubmatch(html, -1) {
		if !strings.HasPrefix(m[1], "data:image/png;base64,") && !strings.HasPrefix(m[1], "runs/") {
			t.Errorf("report refers to %q", m[1])
		}
	}
	if !strings.Contains(html, "a &lt;b&gt;bad&lt;/b&gt; &amp; odd error") {
		t.Error("the error text is not escaped")
	}
}

// The report renders in a real browser: Debian's chromium, headless, with
// every network feature off. It draws the table with one row per run and
// paints the embedded figure.
func TestReportInChromium(t *testing.T) {
	browser := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			browser = p
			break
		}
	}
	if browser == "" {
		t.Skip("no headless browser: install Debian's chromium (apt-get install chromium; .ci/sweep-setup.sh does) to render report.html")
	}
	dir := t.TempDir()
	s := syntheticSummary()
	if _, err := s.WriteFiles(dir); err != nil {
		t.Fatal(err)
	}
	page := "file://" + filepath.Join(dir, ReportFile)
	chrome := func(args ...string) []byte {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
			"--disable-sync", "--disable-component-update", "--disable-quic", "--user-data-dir=" + t.TempDir(), "--window-size=1400,2400"}
		cmd := exec.CommandContext(ctx, browser, append(append(base, args...), page)...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s: %v\n%s", browser, err, stderr.String())
		}
		return stdout.Bytes()
	}
	dom := string(chrome("--dump-dom"))
	if n := strings.Count(dom, `<tr class="run">`); n != len(s.Rows) {
		t.Errorf("rendered table has %d run rows, want %d", n, len(s.Rows))
	}
	if n := strings.Count(dom, `<tr class="err">`); n != 2 {
		t.Errorf("rendered table has %d error rows, want 2 (the diverged and the failed run)", n)
	}
	shot := filepath.Join(dir, "shot.png")
	chrome("--screenshot=" + shot)
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if n := countColor(img, 238, 46, 47, 12); n < 100 {
		t.Errorf("screenshot has %d pixels of seed 0's colour: the figure was not painted", n)
	}
}

// countColor counts the pixels within tol of the colour (r, g, b).
func countColor(img image.Image, r, g, b uint8, tol int) int {
	n := 0
	bd := img.Bounds()
	for y := bd.Min.Y; y < bd.Max.Y; y++ {
		for x := bd.Min.X; x < bd.Max.X; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			if abs(int(c.R)-int(r)) <= tol && abs(int(c.G)-int(g)) <= tol && abs(int(c.B)-int(b)) <= tol {
				n++
			}
		}
	}
	return n
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
