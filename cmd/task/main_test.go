package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const golden = "../../data/tasks/testdata/golden/PerceptualDecisionMaking_seed0.json"

// TestTaskMatchesGolden: with NeuroGym's golden file's kwargs, seed, number
// of trials and name, the output is that file byte for byte.
func TestTaskMatchesGolden(t *testing.T) {
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	args := []string{"-task", "PerceptualDecisionMaking-v0", "-seed", "0", "-n", "4", "-kwargs", "{}", "-name", "PerceptualDecisionMaking_seed0"}
	if err := run(args, &out, &errb); err != nil {
		t.Fatal(err)
	}
	if got := bytes.TrimSuffix(out.Bytes(), []byte("\n")); !bytes.Equal(got, bytes.TrimSpace(want)) {
		t.Errorf("output is not byte-identical to %s", golden)
	}
	var v map[string]json.RawMessage
	if err := json.Unmarshal(out.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
}

func TestTaskListAndDescribe(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"-list"}, &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "PerceptualDecisionMaking-v0") || !strings.Contains(out.String(), "inputs") {
		t.Errorf("-list: %s", out.String())
	}
	out.Reset()
	if err := run([]string{"-describe", "PerceptualDecisionMaking-v0"}, &out, &out); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"keywords", "dim_ring", "timing", `"choice": "range(1, 3)"`} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("-describe lacks %q: %s", s, out.String())
		}
	}
}

func TestTaskFiles(t *testing.T) {
	dir := t.TempDir()
	kwf := filepath.Join(dir, "kw.json")
	os.WriteFile(kwf, []byte("{\"dt\": 20,\n \"timing\": {\"stimulus\": 1000}, \"sigma\": 0.3}\n"), 0o644)
	var out bytes.Buffer
	if err := run([]string{"-kwargs-file", kwf, "-n", "2", "-o", filepath.Join(dir, "t.json")}, &out, &out); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "t.json"))
	if err != nil || !bytes.Contains(b, []byte(`"kwargs": {"dt": 20, "timing": {"stimulus": 1000}, "sigma": 0.3}`)) {
		t.Errorf("-kwargs-file/-o json: %v %.120s", err, b)
	}
	if err := run([]string{"-n", "2", "-o", filepath.Join(dir, "t.npz")}, &out, &out); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "t.npz")); err != nil || fi.Size() == 0 {
		t.Errorf("-o npz: %v", err)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*.tmp-*")); len(m) > 0 {
		t.Errorf("temporary files left: %v", m)
	}
}

func TestTaskBadFlags(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-seed", "-1"}, "-seed"},
		{[]string{"-seed", "4294967296"}, "-seed"},
		{[]string{"-n", "-2"}, "-n"},
		{[]string{"-kwargs", `{"dt": 20`}, "kwargs: malformed JSON"},
		{[]string{"-kwargs", `{"dt": -1}`}, "dt"},
		{[]string{"-kwargs", `{"foo": 1}`}, `unknown keyword "foo"`},
		{[]string{"-task", "GoNoGo"}, `no task with id "GoNoGo"`},
		{[]string{"-describe", "Nope-v0"}, `no task with id "Nope-v0"`},
		{[]string{"-kwargs", `{"cohs": [1e70]}`}, "cohs"},
		{[]string{"-kwargs-file", filepath.Join(dir, "missing.json")}, "-kwargs-file"},
		{[]string{"-kwargs", "{}", "-kwargs-file", "x"}, "at most one"},
		{[]string{"-bogus"}, "bogus"},
		{[]string{"extra"}, "unexpected arguments"},
		{[]string{"-o", filepath.Join(dir, "no", "such", "dir", "t.npz")}, "t.npz"},
	} {
		var out, errb bytes.Buffer
		err := run(c.args, &out, &errb)
		if err == nil {
			t.Errorf("%v: no error", c.args)
			continue
		}
		if msg := err.Error() + errb.String(); !strings.Contains(msg, c.want) {
			t.Errorf("%v: error %q does not mention %q", c.args, msg, c.want)
		}
	}
}
