package model

import G "gorgonia.org/gorgonia"

// TODO(model): fused graph; until then Fast builds the Reference graph.
func newFastTrain(g *G.ExprGraph, cfg Config, w *Weights, T, B int, loss Loss) (trainNet, error) {
	return newRefTrain(g, cfg, w, T, B, loss)
}

func newFastForward(g *G.ExprGraph, cfg Config, w *Weights, T, B int) (forwardNet, error) {
	return newRefForward(g, cfg, w, T, B)
}
