package rundir

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/taskrnn/taskrnn/model"
)

// openSet opens the files names of one committed state of the run
// directory path (a nil entry for a file that is absent), so that a run
// read while another process commits a new state is still one consistent
// set. A directory without committed states (written before the commit
// scheme, or in the fallback mode) is read as it is.
func openSet(path string, names ...string) ([]*os.File, error) {
	for attempt := 0; ; attempt++ {
		cur, err := current(path)
		if err != nil {
			return nil, err
		}
		base := path
		if cur != "" {
			base = filepath.Join(path, MetaDir, cur)
		}
		files := make([]*os.File, len(names))
		raced := false
		for i, n := range names {
			f, err := os.Open(filepath.Join(base, n))
			if errors.Is(err, fs.ErrNotExist) {
				if cur != "" {
					if now, _ := current(path); now != cur {
						raced = true // the state was replaced while we opened it
					} else if _, err := os.Lstat(filepath.Join(path, n)); err == nil && !isLinkTo(path, n) {
						// A plain file beside committed states (a file the
						// scheme has not adopted yet) is read as it is.
						f, err = os.Open(filepath.Join(path, n))
						if err == nil {
							files[i] = f
							continue
						}
					}
				}
				continue
			}
			if err != nil {
				closeAll(files)
				return nil, err
			}
			files[i] = f
		}
		if !raced {
			return files, nil
		}
		closeAll(files)
		if attempt == 10 {
			return nil, errors.New("the run directory kept changing while it was read")
		}
	}
}

func isLinkTo(path, name string) bool {
	t, err := os.Readlink(filepath.Join(path, name))
	return err == nil && t == linkTarget(name)
}

func closeAll(files []*os.File) {
	for _, f := range files {
		if f != nil {
			f.Close()
		}
	}
}

// LoadRun reads a run directory written by cmd/train: the configuration
// from config.json (exact keys, validated; "version" is read and
// ignored) and the float32 weights from model.npz, checked against the
// network that the configuration describes with PyTorch's load_state_dict
// rules (model.ReadWeightsNPZ), with the constraints (Dale signs, masks)
// that the configuration asks for (Config.CheckWeights). Both files come from the same committed
// state, also while another process is writing the directory. Errors say
// which file is missing or bad and why; a corrupt or hostile file gives an
// error, never a panic or an allocation it cannot justify.
func LoadRun(dir string) (Config, *model.Weights, error) {
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Config{}, nil, fmt.Errorf("load run %q: no such directory", dir)
	case err != nil:
		return Config{}, nil, fmt.Errorf("load run %q: %w", dir, err)
	case !st.IsDir():
		return Config{}, nil, fmt.Errorf("load run %q: not a directory", dir)
	}
	files, err := openSet(dir, ConfigFile, ModelFile)
	if err != nil {
		return Config{}, nil, fmt.Errorf("load run %q: %w", dir, err)
	}
	defer closeAll(files)
	cfgFile, npz := files[0], files[1]
	if cfgFile == nil {
		if IsLocked(LockPath(dir)) {
			return Config{}, nil, fmt.Errorf("load run %q: %s not found: a command is writing this run and has not saved it yet (its first checkpoint comes after -checkpoint_every); try again later", dir, ConfigFile)
		}
		return Config{}, nil, fmt.Errorf("load run %q: %s not found: is this a run directory written by cmd/train?", dir, ConfigFile)
	}
	rc, err := decodeRunConfig(cfgFile)
	if err != nil {
		return Config{}, nil, fmt.Errorf("load run %q: %s is corrupt: %w", dir, ConfigFile, err)
	}
	cfg := rc.Config
	if err := cfg.Validate(); err != nil {
		return Config{}, nil, fmt.Errorf("load run %q: %s: %w", dir, ConfigFile, err)
	}
	if npz == nil {
		return Config{}, nil, fmt.Errorf("load run %q: %s not found", dir, ModelFile)
	}
	size, err := npz.Seek(0, io.SeekEnd)
	if err != nil {
		return Config{}, nil, fmt.Errorf("load run %q: %w", dir, err)
	}
	w, err := model.ReadWeightsNPZ(npz, size, cfg.Model())
	if err != nil {
		return Config{}, nil, fmt.Errorf("load run %q: %s: %w", dir, ModelFile, err)
	}
	if err := cfg.CheckWeights(w); err != nil {
		return Config{}, nil, fmt.Errorf("load run %q: %s does not match %s: %w", dir, ModelFile, ConfigFile, err)
	}
	return cfg, w, nil
}

// ReadFiles returns the contents of the files names of the run directory,
// all from one committed state (nil for a file that is absent). Each file
// may hold at most limit bytes.
func ReadFiles(dir string, limit int64, names ...string) ([][]byte, error) {
	files, err := openSet(dir, names...)
	if err != nil {
		return nil, fmt.Errorf("read run %q: %w", dir, err)
	}
	defer closeAll(files)
	out := make([][]byte, len(names))
	for i, f := range files {
		if f == nil {
			continue
		}
		b, err := io.ReadAll(io.LimitReader(f, limit+1))
		if err != nil {
			return nil, fmt.Errorf("read run %q: %s: %w", dir, names[i], err)
		}
		if int64(len(b)) > limit {
			return nil, fmt.Errorf("read run %q: %s is larger than %d bytes", dir, names[i], limit)
		}
		out[i] = b
	}
	return out, nil
}
