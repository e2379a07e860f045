package rundir

import "strings"

// Allowed spellings (canonical forms) of the configuration's names,
// matched case-insensitively. Functions, not variables, so that no caller
// can change them.

// ActivationNames returns the allowed activation_fun values.
func ActivationNames() []string { return []string{"relu", "sigmoid", "softplus"} }

// OptimizerNames returns the allowed optimizer values.
func OptimizerNames() []string { return []string{"Adam", "RMSprop", "SGD"} }

// LossNames returns the allowed loss values.
func LossNames() []string { return []string{"CrossEntropy", "L1", "L2"} }

// GraphNames returns the allowed graph values.
func GraphNames() []string { return []string{"fast", "reference"} }

// Canonical returns the allowed spelling equal to name ignoring case and
// surrounding space, or "" if there is none.
func Canonical(name string, allowed []string) string {
	for _, a := range allowed {
		if strings.EqualFold(strings.TrimSpace(name), a) {
			return a
		}
	}
	return ""
}
