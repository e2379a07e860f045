package tasks

// yang19Tasks are the 20 tasks of NeuroGym's yang19 collection and their
// schedule, yang19.multitask-v0.
func yang19Tasks() []entry {
	return append(yang19Collection(), entry{yang19MultitaskID, newYang19Multitask})
}

// yang19Collection lists the 20 tasks in the order of NeuroGym's
// get_collection('yang19') (neurogym/envs/collections/__init__.py), which
// is also the order of the tasks in yang19.multitask-v0: the _Reach tasks,
// the _DMFamily tasks, then the _DelayMatch1DResponse tasks.
func yang19Collection() []entry {
	var out []entry
	for _, v := range reachVariants() {
		out = append(out, entry{v.id, v.make})
	}
	for _, v := range dmVariants() {
		out = append(out, entry{v.id, v.make})
	}
	for _, v := range delayMatchVariants() {
		out = append(out, entry{v.id, v.make})
	}
	return out
}
