package sweep

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestProgressInALog(t *testing.T) {
	var b bytes.Buffer
	p := NewProgress(&b, 3)
	p.Started("a")
	p.Started("b")
	p.Finished("a", Complete, 1500*time.Millisecond, "")
	p.Finished("b", Failed, 2*time.Second, "disk full")
	p.Done()
	want := "[1/3] complete    a (1.5 s)\n[2/3] failed      b (2.0 s): disk full\n"
	if b.String() != want {
		t.Errorf("log lines\n%q\nwant\n%q", b.String(), want)
	}
	p = NewProgress(&b, 18)
	b.Reset()
	p.Set(2, map[Status]int{Complete: 6, Failed: 1})
	p.Set(2, map[Status]int{Complete: 6, Failed: 1}) // unchanged: no new line
	if got := b.String(); strings.Count(got, "\n") != 1 || !strings.HasPrefix(got, "sweep: 7/18 ended (6 complete, 1 failed), 2 running, 9 waiting, 0:00 elapsed, about 0:00 left") {
		t.Errorf("status line %q", got)
	}
	if clock(3723*time.Second) != "1:02:03" || clock(62*time.Second) != "1:02" {
		t.Errorf("clock: %s %s", clock(3723*time.Second), clock(62*time.Second))
	}
}
