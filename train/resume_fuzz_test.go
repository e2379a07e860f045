package train

import (
	"bytes"
	"testing"
)

// FuzzReadResumeState feeds ReadResumeState mutations of a real
// checkpoint.npz (issue 8: every loader is fuzzed): it must return an
// error or a state that passes its own checks and writes back, never
// panic or allocate what a header merely claims.
func FuzzReadResumeState(f *testing.F) {
	cfg := DefaultConfig()
	cfg.NIteration, cfg.NNeurons, cfg.BatchSize = 3, 8, 2
	res := mustTrain(f, cfg, Options{})
	if res.State == nil {
		f.Fatal("no resume state after training")
	}
	var buf bytes.Buffer
	if err := res.State.WriteNPZ(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ReadResumeState(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		if s.Iteration != len(s.Loss) || len(s.Params) != len(s.Previous) || len(s.Params) != len(s.Shapes) {
			t.Fatalf("accepted an inconsistent state: iteration %d, %d losses, %d params, %d previous, %d shapes",
				s.Iteration, len(s.Loss), len(s.Params), len(s.Previous), len(s.Shapes))
		}
		var out bytes.Buffer
		if err := s.WriteNPZ(&out); err != nil {
			t.Fatalf("accepted state does not write back: %v", err)
		}
	})
}
