package analyze

import (
	"fmt"

	"github.com/taskrnn/taskrnn/data/fileio"
	"github.com/taskrnn/taskrnn/model"
)

// runDirMemory estimates the heap RunDir holds for the test p: one chunk
// in evaluation (testPlan.chunkBytes) and its hidden states as float64 for
// the covariance, the kept trials, the per-trial record of every trial,
// the PCA's matrices, and the figures being drawn (about 25 MB each, as
// many at once as there are cores). TestRunDirMemory compares it with the
// measured heap.
func runDirMemory(p *testPlan, cores int) model.MemoryEstimate {
	I, H, O, T := float64(p.cfg.NInput), float64(p.cfg.NHidden), float64(p.cfg.NOutput), float64(p.T)
	chunk := min(p.n, EvalChunk)
	kept := float64(min(p.n, KeptTrials))
	return model.MemoryEstimate{
		{What: "evaluation of one chunk of trials", Fields: []string{"n_neurons"}, Bytes: p.chunkBytes(chunk) + 8*T*float64(chunk)*H},
		{What: "record of every trial", Fields: []string{"n_trials"}, Bytes: 64 * float64(p.n)},
		{What: "trials kept for the figures", Fields: []string{"n_neurons"}, Bytes: 4 * kept * T * (I + H + O + 1)},
		{What: "PCA", Fields: []string{"n_neurons"}, Bytes: 8 * 6 * H * H},
		{What: "figures", Fields: []string{"n_neurons"}, Bytes: float64(cores) * (25e6 + 8*kept*T*(H+3))},
	}
}

// nTrialsValue formats the fields an analysis estimate depends on.
func nTrialsValue(n, h int) string { return fmt.Sprintf("n_trials = %d, n_neurons = %d", n, h) }

// checkDisk returns an error if the file system of dir has less free space
// than need bytes (where it can be read).
func checkDisk(dir string, need float64, n int) error {
	free, ok := fileio.FreeSpace(dir)
	if !ok || need <= free {
		return nil
	}
	return fmt.Errorf("analyze: the analysis of n_trials = %d would write about %s (activity.npz and its spool) to %s, which has %s free",
		n, model.FormatBytes(need), dir, model.FormatBytes(free))
}
