package train

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/taskrnn/taskrnn/model"
)

func heapInUse() float64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc)
}

// TestEstimateMemory keeps EstimateMemory honest: the training parts are
// compared with the heap a Trainer holds after a short run.
func TestEstimateMemory(t *testing.T) {
	sizes := [][3]int{{64, 60, 16}, {256, 60, 16}, {32, 200, 8}}
	if testing.Short() {
		sizes = sizes[:1]
	}
	for _, s := range sizes {
		cfg := DefaultConfig()
		cfg.NNeurons, cfg.SeqLen, cfg.BatchSize, cfg.NIteration = s[0], s[1], s[2], 5
		before := heapInUse()
		tr, err := NewTrainer(cfg, Options{})
		if err != nil {
			t.Fatal(err)
		}
		res, err := tr.Run(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		measured := heapInUse() - before
		est := EstimateMemory(cfg)
		training := est.Total() - est[len(est)-1].Bytes // the last part is for writing the run
		t.Logf("H %d T %d B %d: estimate %s, measured %s (ratio %.2f)", s[0], s[1], s[2], model.FormatBytes(training), model.FormatBytes(measured), training/measured)
		if training < measured || training > 2*measured+4e6 {
			t.Errorf("H %d T %d B %d: estimate %s not within [measured, 2 x measured + 4 MB], measured %s",
				s[0], s[1], s[2], model.FormatBytes(training), model.FormatBytes(measured))
		}
		runtime.KeepAlive(res)
		tr.Close()
	}
}

// TestTrainRefusesWhatDoesNotFit covers the issue 8 repros -n_neurons
// 100000, -n_iteration 1000000000000 and -seq_len 100000000, which died
// of the Go runtime's out-of-memory error or a makeslice panic: each is
// refused before it allocates, naming the field, the estimate and the
// machine's memory.
func TestTrainRefusesWhatDoesNotFit(t *testing.T) {
	for _, c := range []struct {
		set   func(*Config)
		field string
	}{
		{func(c *Config) { c.NNeurons = 100000 }, "n_neurons = 100000"},
		{func(c *Config) { c.NIteration = 1000000000000 }, "n_iteration = 1000000000000"},
		{func(c *Config) { c.SeqLen = 100000000 }, "seq_len = 100000000"},
	} {
		cfg := DefaultConfig()
		c.set(&cfg)
		before := heapInUse()
		_, err := Train(context.Background(), cfg, Options{})
		var me *model.MemoryError
		if !errors.As(err, &me) || !strings.Contains(err.Error(), c.field) || !strings.Contains(err.Error(), "available") {
			t.Errorf("%s: err = %v, want a MemoryError naming the field", c.field, err)
			continue
		}
		if grew := heapInUse() - before; grew > 50e6 {
			t.Errorf("%s: the heap grew by %s before the refusal", c.field, model.FormatBytes(grew))
		}
		t.Log(err)
	}
}
