package tasks

import "github.com/taskrnn/taskrnn/data"

// decisionTasks are the perceptual and context-dependent decision tasks.
func decisionTasks() []entry {
	return []entry{
		{"PerceptualDecisionMaking-v0", newPerceptualDecisionMaking},
		{"PerceptualDecisionMakingDelayResponse-v0", newPerceptualDecisionMakingDelayResponse},
		{"PulseDecisionMaking-v0", newPulseDecisionMaking},
		{"ContextDecisionMaking-v0", newContextDecisionMaking},
		{"SingleContextDecisionMaking-v0", newSingleContextDecisionMaking},
		{"MultiSensoryIntegration-v0", newMultiSensoryIntegration},
		{"PostDecisionWager-v0", newPostDecisionWager},
		{"ProbabilisticReasoning-v0", newProbabilisticReasoning},
		{"HierarchicalReasoning-v0", newHierarchicalReasoning},
	}
}

// signedCoherence is the evidence of the two-choice coherence tasks: the
// trial's coh (percent), positive when ground_truth is positiveGT (the
// answer that action 2 reports) and negative otherwise; zero evidence is
// {"coh": 0}.
func signedCoherence(label string, positiveGT int) *data.Evidence {
	return &data.Evidence{
		Label:    label,
		Positive: 2,
		Zero:     `{"coh": 0}`,
		Value: func(v *data.Vars) float64 {
			if v.Int("ground_truth") == positiveGT {
				return v.Float("coh")
			}
			return -v.Float("coh")
		},
	}
}
