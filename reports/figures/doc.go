// Package figures draws the figures of the source documents — [C] the
// chapter "Generative Models via Transportation" and [P] the post
// "Autoregression vs Diffusion" (shared/seeds/000_… and 004_…) — from the
// reference implementations, for the HTML report of `verify report`.
//
// Every picture is a computation: the couplings come from reference/discrete
// and reference/entropic, the paths from reference/interp, the Gaussian maps
// from reference/gaussian, the particles from reference/drift, the samplers
// from reference/ot1d and reference/autoreg. Nothing is drawn from
// hand-entered coordinates except the instances themselves (a few atoms and
// covariances, or seeded samples), and the numbers quoted in the captions
// (crossing counts, costs, entropies, landing frequencies) are measured on
// the instance drawn. Each figure names the catalog claims it illustrates;
// the report shows their status in the same run.
//
// Plots are made with gonum.org/v1/plot and written by its SVG backend
// (vg/vgsvg). Randomness comes only from math/rand/v2 PCG generators with
// fixed seeds, so the figures are the same on every run.
//
// Map of the package: All builds every figure (Figure, Builders); one file
// per figure (interpolants.go, bridge1d.go, noising2d.go, drifting.go,
// closures.go, krbrenier.go, sinkhorn.go, sampling.go); plot.go holds the
// drawing helpers (custom plotters for segments, arrows, ellipses and the
// SVG rendering of a grid of panels).
package figures
