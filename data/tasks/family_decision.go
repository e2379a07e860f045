package tasks

// decisionTasks are the perceptual and context-dependent decision tasks.
func decisionTasks() []entry {
	return []entry{
		{"PerceptualDecisionMaking-v0", newPerceptualDecisionMaking},
	}
}
