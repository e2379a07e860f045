package tasks

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
