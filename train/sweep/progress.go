package sweep

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// Progress reports a running sweep. On a terminal it keeps one status line
// for the whole sweep, rewritten in place; otherwise (a log file, Slurm's
// output) it prints one line per finished run. It is safe for concurrent
// use.
type Progress struct {
	mu       sync.Mutex
	w        io.Writer
	tty      bool
	total    int
	start    time.Time
	ended    map[Status]int
	running  int
	lastLine string
}

// NewProgress reports on total runs to w.
func NewProgress(w io.Writer, total int) *Progress {
	tty := false
	if f, ok := w.(*os.File); ok {
		tty = term.IsTerminal(int(f.Fd()))
	}
	return &Progress{w: w, tty: tty, total: total, start: time.Now(), ended: map[Status]int{}}
}

// Started records that a run started.
func (p *Progress) Started(name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.running++
	p.draw()
}

// Finished records that the run name ended with status st after d; msg,
// if not empty, is printed with it (an error).
func (p *Progress) Finished(name string, st Status, d time.Duration, msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.running--
	p.ended[st]++
	n := p.nEnded()
	line := fmt.Sprintf("[%d/%d] %-11s %s (%.1f s)%s", n, p.total, st, name, d.Seconds(), ifNotEmpty(": ", msg))
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K")
		if st != Complete {
			fmt.Fprintln(p.w, line) // keep what needs attention on screen
		}
		p.draw()
		return
	}
	fmt.Fprintln(p.w, line)
}

// Set replaces the counts, for backends that learn them by polling: running
// runs, and ended runs by status.
func (p *Progress) Set(running int, ended map[Status]int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.running = running
	p.ended = map[Status]int{}
	for k, v := range ended {
		p.ended[k] = v
	}
	if p.tty {
		p.draw()
		return
	}
	if l := p.line(); l != p.lastLine {
		fmt.Fprintln(p.w, l)
		p.lastLine = l
	}
}

// Done ends the status line.
func (p *Progress) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K%s\n", p.line())
	}
}

func (p *Progress) nEnded() int {
	n := 0
	for _, v := range p.ended {
		n += v
	}
	return n
}

func (p *Progress) draw() {
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K%s", p.line())
	}
}

// line is the status line: "sweep: 7/18 ended (6 complete, 1 failed), 2
// running, 9 waiting, 0:42 elapsed, about 0:51 left".
func (p *Progress) line() string {
	n := p.nEnded()
	var parts []string
	for _, s := range Statuses() {
		if c := p.ended[s]; c > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c, s))
		}
	}
	el := time.Since(p.start)
	s := fmt.Sprintf("sweep: %d/%d ended", n, p.total)
	if len(parts) > 0 {
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	s += fmt.Sprintf(", %d running, %d waiting, %s elapsed", p.running, max(0, p.total-n-p.running), clock(el))
	if n > 0 && n < p.total {
		left := time.Duration(float64(el) / float64(n) * float64(p.total-n))
		s += ", about " + clock(left) + " left"
	}
	return s
}

// clock formats d as h:mm:ss or m:ss.
func clock(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
