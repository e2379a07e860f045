package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const golden = "../../data/testdata/pdm_tutorial_seed0.json"

// keysOf returns the JSON object's keys in order.
func keysOf(t *testing.T, b []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not a JSON object: %v", err)
	}
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func TestTaskMatchesGoldenLayout(t *testing.T) {
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	// The brief's command line (compact kwargs, no name): same structure.
	var out, errb bytes.Buffer
	args := []string{"-seed", "0", "-n", "5", "-kwargs", `{"dt":20,"timing":{"stimulus":1000},"sigma":0.3}`}
	if err := run(args, &out, &errb); err != nil {
		t.Fatal(err)
	}
	gotKeys, wantKeys := keysOf(t, out.Bytes()), keysOf(t, want)
	if strings.Join(gotKeys, ",") != strings.Join(wantKeys[1:], ",") || wantKeys[0] != "name" {
		t.Errorf("top-level keys %v, want %v without name", gotKeys, wantKeys)
	}
	var g, w map[string]any
	json.Unmarshal(out.Bytes(), &g)
	json.Unmarshal(want, &w)
	delete(w, "name")
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if !bytes.Equal(gb, wb) {
		t.Error("output content differs from the golden file")
	}
	// With the golden's name, the output is the golden file byte for byte.
	out.Reset()
	args = append(args, "-name", "tutorial_seed0")
	args[5] = `{"dt": 20, "timing": {"stimulus": 1000}, "sigma": 0.3}`
	if err := run(args, &out, &errb); err != nil {
		t.Fatal(err)
	}
	if got := bytes.TrimSuffix(out.Bytes(), []byte("\n")); !bytes.Equal(got, want) {
		t.Error("output with -name tutorial_seed0 is not byte-identical to the golden file")
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
		{[]string{"-kwargs", `{"foo": 1}`}, `unknown key "foo"`},
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
