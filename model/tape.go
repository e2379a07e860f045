package model

import (
	"fmt"
	"reflect"
	"unsafe"

	G "gorgonia.org/gorgonia"
)

// The graphs run on Gorgonia's TapeMachine, but not through its RunAll.
// RunAll (gorgonia v0.9.18, vm_tape.go) locks the calling goroutine to its
// OS thread, starts a new goroutine that executes the instructions, and
// waits for it on channels: on every run, a goroutine start and two
// hand-overs between OS threads (the locked thread cannot run the new
// goroutine), about a tenth of a training step at the tutorial's size. The
// same machine has an exported method Run(fragment) error that executes a
// list of instructions on the calling goroutine, then binds the results to
// their nodes (RunAll binds them as it goes); its argument type, the
// unexported gorgonia.fragment, is the type of the compiled program's
// unexported field "instructions". tapeRun passes that field to Run:
//
//   - the fragment type is inferred from the machine's Run method (Go
//     infers type arguments from the methods of an interface argument), so
//     no unexported name is written here;
//   - the field is found by name through reflection and its type checked
//     against the inferred one before it is read, so a Gorgonia version
//     that renames or retypes it fails at graph construction with an error
//     (and TestTapeRunMatchesRunAll checks the results against RunAll).
//
// What Run skips compared with RunAll: the NaN/Inf watches and the CUDA
// work queue (neither is enabled for these machines) and the closure queue
// that only Iop gradient nodes fill (the graphs have none).
//
// What remains allocates: the interpreter's per-instruction code
// (execOp.exec in gorgonia v0.9.18's vm_tape_nocuda.go) grows the argument
// slice with append (line 30), lets the result variable escape into a log
// call (line 43), captures the loop variable of every gradient source in a
// closure (line 115; a new variable per iteration since Go 1.22) and boxes
// the register of an unconditional debug-log call (line 159); adding each
// weight gradient into its dual value builds a new operation (TypeOf,
// newEBOByType). That is about 5 small allocations per instruction, 790 and
// 28.5 KB per training run at the tutorial's size (BenchmarkStepGrid), all
// inside unexported Gorgonia code that cannot be bypassed without replacing
// the TapeMachine's interpreter; the operations themselves, the optimisers
// and the noise allocate nothing after their first run. The garbage is
// short-lived: one collection per 100-150 iterations, 1-2% of the CPU time
// (GODEBUG=gctrace=1).

// fragmentRunner is a Gorgonia VM with the TapeMachine's Run method.
type fragmentRunner[Frag any] interface {
	G.VM
	Run(Frag) error
}

// tapeRun returns a function that resets vm and runs prog's instructions on
// the calling goroutine. vm must be the TapeMachine built on prog (the
// result of G.CompileFunction). Error: prog is not a compiled program of
// the expected layout.
func tapeRun[Frag any](vm fragmentRunner[Frag], prog any) (func() error, error) {
	p := reflect.ValueOf(prog)
	if p.Kind() != reflect.Pointer || p.IsNil() || p.Elem().Kind() != reflect.Struct {
		return nil, fmt.Errorf("model: tape program is a %T, want a pointer to Gorgonia's program", prog)
	}
	f := p.Elem().FieldByName("instructions")
	if !f.IsValid() || f.Type() != reflect.TypeFor[Frag]() {
		return nil, fmt.Errorf("model: Gorgonia's program (%T) has no field instructions of type %v: unsupported Gorgonia version", prog, reflect.TypeFor[Frag]())
	}
	frag := *(*Frag)(unsafe.Pointer(f.UnsafeAddr()))
	return func() error {
		vm.Reset()
		return vm.Run(frag)
	}, nil
}
