// Package fixedpoint finds the fixed points and slow points of a trained
// network's noise-free dynamics under a constant input and linearises the
// network there (Sussillo & Barak 2013; fixed-point-finder, Golub & Sussillo
// 2018).
package fixedpoint
