// Package tasks holds NeuroGym's supervised tasks, one file per task, and
// the registry that makes them by NeuroGym's env ids (Make, IDs, Describe).
//
// Each task is a data.Rules implementation read like NeuroGym's class at
// commit ee0a140c: its keywords and defaults (declared once through
// data.Kwargs), its periods, what is shown in each, the correct output and
// the step rule. For the same id, keywords and seed, every task gives
// NeuroGym's trials bit for bit: trial variables, float32 observations and
// targets (tested against files made by the real NeuroGym in testdata).
//
// The four reinforcement-learning tasks without a ground truth (Bandit,
// DawTwoStep, EconomicDecisionMaking, Null) are out of scope.
package tasks
