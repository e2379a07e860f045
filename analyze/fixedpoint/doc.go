// Package fixedpoint finds the fixed points and slow points of a trained
// network's noise-free dynamics under a constant input, and linearises the
// network there: the analysis of Sussillo & Barak (2013, "Opening the black
// box", Neural Computation 25:626) as Golub & Sussillo's fixed-point-finder
// (2018, JOSS 3:1003, github.com/mattgolub/fixed-point-finder) implements it,
// built on model.Dynamics.
//
// For the one-step map F(h, x) = (1-α) h + α f(W_x x + W_r h + b_r) and a
// constant input x*, the speed q(h) = ½‖F(h, x*) − h‖² is zero exactly at
// the fixed points. Find samples initial states from the network's own
// trajectories plus Gaussian noise (SampleStates, value for value
// fixed-point-finder's sample_states), and FindFrom minimises q from each
// with gonum's L-BFGS and the analytic gradient (J − I)ᵀ(F − h), in float64,
// in parallel. Points with q <= tol_q are fixed points; points with
// tol_q < q <= tol_q_slow are slow points (local minima of q that are not
// zero: the network moves there, slowly); the rest are dropped. Duplicates
// and distant outliers are removed with fixed-point-finder's rules, and each
// point gets the Jacobian J = dF/dh, its eigen-decomposition (gonum's
// mat.Eigen, sorted by decreasing |λ|), stability (every |λ| < 1 for this
// discrete-time map) and the number of unstable modes. Options, the result's
// fields and fixed_points.npz use fixed-point-finder's names.
//
// Differences from fixed-point-finder: it minimises the mean q of all
// initial states jointly with Adam in float32 by default, and keeps every
// unique end point whatever its q; here each initial state is its own
// quasi-Newton problem in float64, and q decides what a point is. On the
// tutorial network the difference matters: the stable fixed point has a slow
// mode (|λ| ≈ 0.987), q is badly conditioned along it, and
// fixed-point-finder's Adam (with its learning-rate decay) stops at q of
// 1e-4 and more along that mode in 5000 iterations from every initial
// state, where L-BFGS reaches q ≈ 1e-23 (fpf_test.go,
// testdata/compare_fpf.py). For ReLU networks q is piecewise quadratic;
// optimisations that end on a kink of q with large q are dropped by
// tol_q_slow.
//
// The constant input is named in the task's terms by TaskInput: by
// default the mean observation during the stimulus of noise-free trials
// with zero evidence (data.Evidence.Zero; for PerceptualDecisionMaking
// fixation 1 and both stimulus channels 0.5), or of a forced condition over
// a period, or a given vector by channel name; Input records the values,
// the channel names and where they came from.
//
// Summary gives the counts and the line measure for metrics.json; WriteNPZ
// writes fixed_points.npz (through data/fileio); Showcase picks the point
// whose spectrum WriteEigenvalues draws with the unit circle, and
// AddToPlot overlays the points on an existing state-space figure (a PCA
// projection). Package analyze runs all of it in a run's analysis.
package fixedpoint
