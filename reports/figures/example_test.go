package figures_test

import (
	"fmt"

	"github.com/otverify/otverify/reports/figures"
)

// Build computes one figure; its caption quotes numbers measured on the
// drawn instance and its Claims name the catalog entries it illustrates.
func ExampleBuild() {
	f, err := figures.Build("fig-sinkhorn-eps")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Title)
	fmt.Println(f.Claims[:2])
	fmt.Println(len(f.SVG) > 0, f.Err == "")
	// Output:
	// Sinkhorn plans at increasing ε
	// [entropic.marginals entropic.more-diffuse-with-eps]
	// true true
}

// Builders lists the figures of the report in page order.
func ExampleBuilders() {
	for _, b := range figures.Builders() {
		fmt.Println(b.ID)
	}
	// Output:
	// fig-interpolants
	// fig-bridge-1d
	// fig-noising-2d
	// fig-reverse-2d
	// fig-drifting
	// fig-closures
	// fig-kr-brenier
	// fig-sinkhorn-eps
	// fig-sampling
}
