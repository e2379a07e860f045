// Command tasktable trains the tutorial network on every task and writes
// the README's table: iterations and training seconds to reach NeuroGym
// performance 0.8 (or the best reached in -n_iteration iterations), with
// the task's chance level. It is a measurement, not a test (CI does not run
// it; it takes about half an hour on 2 cores):
//
//	go run ./train/testdata/tasktable -j 2 > table.md
//
// Every task trains with the tutorial's network and optimiser (64 ReLU
// units, tau 100 ms, Adam at 0.01, batch 16, dt 20 ms, seed 0, the task's
// default keywords otherwise); seq_len is twice the mean trial length
// (between 60 and 400 steps). Every -every iterations the network is tested
// on 200 fresh trials (analyze.Evaluate) and training stops at the first
// test with performance >= -target. The chance level is
// analyze.ChancePerformance on 2000 trials.
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/taskrnn/taskrnn/analyze"
	"github.com/taskrnn/taskrnn/data"
	"github.com/taskrnn/taskrnn/data/tasks"
	"github.com/taskrnn/taskrnn/model"
	"github.com/taskrnn/taskrnn/train"
)

type row struct {
	id               string
	in, out          int
	seqLen           int
	reached          bool
	iter, bestIter   int
	perf, best       float64
	trainSec         float64
	chance, chanceSE float64
	note             string
}

func main() {
	n := flag.Int("n_iteration", 5000, "iterations at most per task")
	every := flag.Int("every", 250, "test every this many iterations")
	target := flag.Float64("target", 0.8, "NeuroGym performance to reach")
	jobs := flag.Int("j", 2, "tasks trained at once")
	only := flag.String("tasks", "", "comma-separated ids (default: every task)")
	flag.Parse()
	ids := tasks.IDs()
	if *only != "" {
		ids = strings.Split(*only, ",")
	}
	rows := make([]row, len(ids))
	var wg sync.WaitGroup
	sem := make(chan struct{}, *jobs)
	for i, id := range ids {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			rows[i] = measure(id, *n, *every, *target)
			fmt.Fprintf(os.Stderr, "%s: %+v\n", id, rows[i])
		}()
	}
	wg.Wait()
	sort.Slice(rows, func(a, b int) bool { return rows[a].id < rows[b].id })
	fmt.Printf("| task | inputs | outputs | seq_len | iterations to %.1f | training s | best performance (iteration) | chance |\n", *target)
	fmt.Println("|---|---|---|---|---|---|---|---|")
	for _, r := range rows {
		if r.note != "" && r.iter == 0 && r.bestIter == 0 {
			fmt.Printf("| %s | %d | %d | %d | - | - | %s | %s |\n", r.id, r.in, r.out, r.seqLen, r.note, chance(r))
			continue
		}
		it := "not reached"
		if r.reached {
			it = fmt.Sprint(r.iter)
		}
		best := fmt.Sprintf("%.3f (%d)", r.best, r.bestIter)
		if r.note != "" {
			best += "; " + r.note
		}
		fmt.Printf("| %s | %d | %d | %d | %s | %.1f | %s | %s |\n", r.id, r.in, r.out, r.seqLen, it, r.trainSec, best, chance(r))
	}
}

func chance(r row) string {
	if math.IsNaN(r.chance) {
		return "-"
	}
	return fmt.Sprintf("%.3f", r.chance)
}

func measure(id string, n, every int, target float64) row {
	r := row{id: id, chance: math.NaN()}
	task, err := tasks.Make(id, []byte(`{"dt": 20}`), data.IntSeed(0))
	if err != nil {
		r.note = err.Error()
		return r
	}
	r.in, r.out = task.ObSpace().Dim, task.ActSpace().Dim
	total := 0
	for k := 0; k < 50; k++ {
		tr, err := task.NewTrial(nil)
		if err != nil {
			r.note = err.Error()
			return r
		}
		total += tr.T
	}
	r.seqLen = max(60, min(400, 2*total/50))
	if m, se, err := analyze.ChancePerformance(task, 2000, 0); err == nil {
		r.chance, r.chanceSE = m, se
	}
	cfg := train.DefaultConfig()
	cfg.Task, cfg.StimLen, cfg.StimNoise, cfg.Loss = train.TaskList{id}, nil, nil, ""
	cfg.SeqLen, cfg.NIteration = r.seqLen, n
	cfg = cfg.Canonical()
	if err := cfg.Validate(); err != nil {
		r.note = err.Error()
		return r
	}
	mc := cfg.ModelConfig(r.in, r.out)
	var evalSec float64
	opt := train.Options{MonitorEvery: every, Monitor: func(k int, w *model.Weights) (bool, string, error) {
		start := time.Now()
		defer func() { evalSec += time.Since(start).Seconds() }()
		test, err := cfg.MakeTask(data.IntSeed(0))
		if err != nil {
			return false, "", err
		}
		a, err := analyze.Evaluate(test, mc, w, 200, 1)
		if err != nil {
			return false, "", err
		}
		acc, err := a.Accuracy()
		if err != nil {
			return false, "", err
		}
		r.perf = acc.Performance
		if r.perf > r.best || r.bestIter == 0 {
			r.best, r.bestIter = r.perf, k
		}
		if r.perf >= target {
			r.reached, r.iter = true, k
			return true, fmt.Sprintf("performance %.3f >= %.2f at iteration %d", r.perf, target, k), nil
		}
		return false, "", nil
	}}
	res, err := train.Train(context.Background(), cfg, opt)
	if res != nil {
		r.trainSec = res.TrainSeconds - evalSec
	}
	if err != nil {
		r.note = err.Error()
	}
	return r
}
