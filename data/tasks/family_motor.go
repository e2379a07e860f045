package tasks

// motorTasks are the go/no-go, timing and reaching tasks.
func motorTasks() []entry {
	return []entry{}
}
