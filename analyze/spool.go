package analyze

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/taskrnn/taskrnn/data"
)

// spool keeps the per-step arrays of every trial of a streamed test on
// disk, one raw little-endian file per array holding each trial's real
// steps in trial order, until activity.npz is written from them (padded
// to the longest trial, which is only known at the end).
type spool struct {
	dir   string
	box   bool // continuous actions: the target is float32 vectors
	width [4]int
	files [4]*os.File
	bufs  [4]*bufio.Writer
}

func newSpool(dir string, width [4]int, act data.SpaceKind) (*spool, error) {
	s := &spool{dir: dir, width: width, box: act == data.Box}
	for k, name := range perStepArrays() {
		f, err := os.Create(filepath.Join(dir, name+".raw"))
		if err != nil {
			s.close()
			return nil, err
		}
		s.files[k], s.bufs[k] = f, bufio.NewWriterSize(f, 1<<16)
	}
	return s, nil
}

// add appends the real steps of a's trials.
func (s *spool) add(a *Activity) error {
	for n := range a.N {
		st := a.Steps[n]
		var target any
		if s.box {
			target = a.TargetVec[n*a.T*a.O : (n*a.T+st)*a.O]
		} else {
			target = a.Target[n*a.T : n*a.T+st]
		}
		parts := [4]any{
			a.Inputs[n*a.T*a.I : (n*a.T+st)*a.I],
			a.Hidden[n*a.T*a.H : (n*a.T+st)*a.H],
			a.Outputs[n*a.T*a.O : (n*a.T+st)*a.O],
			target,
		}
		for k, p := range parts {
			if err := binary.Write(s.bufs[k], binary.LittleEndian, p); err != nil {
				return fmt.Errorf("analyze: spooling %s: %w", perStepArrays()[k], err)
			}
		}
	}
	return nil
}

// finish flushes the files and rewinds them for reading.
func (s *spool) finish() error {
	for k, b := range s.bufs {
		if err := b.Flush(); err != nil {
			return err
		}
		if _, err := s.files[k].Seek(0, io.SeekStart); err != nil {
			return err
		}
	}
	return nil
}

// writeNPZ writes activity.npz from the spooled arrays and t (see
// writeActivityNPZ). It reads the spool once, so it can be called once.
func (s *spool) writeNPZ(w io.Writer, t *Trials, T int, dt float64) error {
	var readErr error
	readers := [4]*bufio.Reader{}
	for k, f := range s.files {
		readers[k] = bufio.NewReaderSize(f, 1<<16)
	}
	buf := make([]float32, T*max(s.width[0], s.width[1], s.width[2], s.width[3]))
	ibuf := make([]int32, T)
	err := writeActivityNPZ(w, t, T, s.width, dt, func(k, n int) any {
		if readErr != nil {
			return nil
		}
		m := t.Steps[n] * s.width[k]
		var dst any = buf[:m]
		if k == 3 && !s.box {
			dst = ibuf[:m]
		}
		if readErr = binary.Read(readers[k], binary.LittleEndian, dst); readErr != nil {
			return nil
		}
		return dst
	})
	if readErr != nil {
		return fmt.Errorf("analyze: reading the spooled activity: %w", readErr)
	}
	return err
}

// close closes the files (the caller removes the directory).
func (s *spool) close() {
	for _, f := range s.files {
		if f != nil {
			f.Close()
		}
	}
}
