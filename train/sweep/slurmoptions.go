package sweep

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// SlurmOptions are the resources each array task asks for, under sbatch's
// option names. Zero values are left out of the job script, so the
// cluster's defaults apply.
type SlurmOptions struct {
	Partition   string `json:"partition,omitempty"`     // sbatch --partition (a name or a comma-separated list)
	Time        string `json:"time,omitempty"`          // sbatch --time, e.g. "30", "00:30:00", "1-12:00:00"
	Mem         string `json:"mem,omitempty"`           // sbatch --mem per node, e.g. "2G", "500M", "1024" (MB)
	CPUsPerTask int    `json:"cpus_per_task,omitempty"` // sbatch --cpus-per-task; also GOMAXPROCS of the worker (default 1)
	Account     string `json:"account,omitempty"`       // sbatch --account
	// ArrayThrottle is K in --array=0-N%K: at most K tasks of the array
	// run at once (0: no limit but the cluster's).
	ArrayThrottle int `json:"array_throttle,omitempty"`
	// RunsPerTask packs this many runs, one after another, into each
	// array task (default 1), for clusters that cap array sizes or job
	// counts; Time must then cover all of them.
	RunsPerTask int `json:"runs_per_task,omitempty"`
}

var (
	slurmTimeRE = regexp.MustCompile(`^(\d+-\d+(:\d+(:\d+)?)?|\d+(:\d+(:\d+)?)?|UNLIMITED|INFINITE)$`)
	slurmMemRE  = regexp.MustCompile(`^\d+[KMGT]?$`)
	slurmNameRE = regexp.MustCompile(`^[A-Za-z0-9_.+-]+(,[A-Za-z0-9_.+-]+)*$`)
)

// Validate reports every bad field of o, each naming the field (as in the
// spec's slurm block) and the allowed forms.
func (o SlurmOptions) Validate() error {
	var errs []error
	if o.Partition != "" && !slurmNameRE.MatchString(o.Partition) {
		errs = append(errs, fmt.Errorf("partition = %q: want a partition name or a comma-separated list of names", o.Partition))
	}
	if o.Account != "" && !slurmNameRE.MatchString(o.Account) {
		errs = append(errs, fmt.Errorf("account = %q: want an account name", o.Account))
	}
	if o.Time != "" && !slurmTimeRE.MatchString(o.Time) {
		errs = append(errs, fmt.Errorf("time = %q: allowed forms (sbatch --time): minutes, minutes:seconds, hours:minutes:seconds, days-hours, days-hours:minutes, days-hours:minutes:seconds, UNLIMITED", o.Time))
	}
	if o.Mem != "" && !slurmMemRE.MatchString(o.Mem) {
		errs = append(errs, fmt.Errorf("mem = %q: want an integer with an optional unit K, M, G or T (sbatch --mem; no unit means megabytes)", o.Mem))
	}
	if o.CPUsPerTask < 0 {
		errs = append(errs, fmt.Errorf("cpus_per_task = %d: want >= 1 (0 for the default, 1)", o.CPUsPerTask))
	}
	if o.ArrayThrottle < 0 {
		errs = append(errs, fmt.Errorf("array_throttle = %d: want >= 1 (0 for no limit)", o.ArrayThrottle))
	}
	if o.RunsPerTask < 0 {
		errs = append(errs, fmt.Errorf("runs_per_task = %d: want >= 1 (0 for the default, 1)", o.RunsPerTask))
	}
	return errors.Join(errs...)
}

// Override returns o with every non-zero field of over replacing o's.
func (o SlurmOptions) Override(over SlurmOptions) SlurmOptions {
	if over.Partition != "" {
		o.Partition = over.Partition
	}
	if over.Time != "" {
		o.Time = over.Time
	}
	if over.Mem != "" {
		o.Mem = over.Mem
	}
	if over.CPUsPerTask != 0 {
		o.CPUsPerTask = over.CPUsPerTask
	}
	if over.Account != "" {
		o.Account = over.Account
	}
	if over.ArrayThrottle != 0 {
		o.ArrayThrottle = over.ArrayThrottle
	}
	if over.RunsPerTask != 0 {
		o.RunsPerTask = over.RunsPerTask
	}
	return o
}

func (o SlurmOptions) runsPerTask() int { return max(1, o.RunsPerTask) }

// decodeSlurmOptions decodes a spec's slurm block strictly.
func decodeSlurmOptions(b []byte) (*SlurmOptions, error) {
	var o SlurmOptions
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&o); err != nil {
		return nil, fmt.Errorf("%w (allowed keys: %s)", err, strings.Join(slurmKeys(), ", "))
	}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return &o, nil
}

func slurmKeys() []string {
	return []string{"partition", "time", "mem", "cpus_per_task", "account", "array_throttle", "runs_per_task"}
}
