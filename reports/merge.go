package reports

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// ParseShard parses "i/n" (0 ≤ i < n).
func ParseShard(s string) (i, n int, err error) {
	a, b, ok := strings.Cut(s, "/")
	if ok {
		i, err = strconv.Atoi(a)
		if err == nil {
			n, err = strconv.Atoi(b)
		}
	}
	if !ok || err != nil || n < 1 || i < 0 || i >= n {
		return 0, 0, fmt.Errorf("shard %q: want i/n with 0 ≤ i < n", s)
	}
	return i, n, nil
}

// Merge combines the JSON reports of the shards of one run (`--shard i/n`
// for every i) into the report of the unsharded run: the claims in id
// order, the summary recomputed, durations summed. The reports must agree
// on mode, seed, checks and implementation, and no claim may appear twice.
func Merge(parts []*Report) (*Report, error) {
	if len(parts) == 0 {
		return nil, fmt.Errorf("merge: no reports")
	}
	first := parts[0]
	out := &Report{Tool: first.Tool, Mode: first.Mode, Seed: first.Seed, Checks: first.Checks, Budget: first.Budget,
		Implementation: first.Implementation, Machine: first.Machine}
	seen := map[string]bool{}
	for k, p := range parts {
		if p.Mode != first.Mode || p.Seed != first.Seed || p.Checks != first.Checks {
			return nil, fmt.Errorf("merge: report %d has mode %s seed %d checks %d, report 0 has %s %d %d",
				k, p.Mode, p.Seed, p.Checks, first.Mode, first.Seed, first.Checks)
		}
		if (p.Implementation == nil) != (first.Implementation == nil) ||
			(p.Implementation != nil && p.Implementation.Command != first.Implementation.Command) {
			return nil, fmt.Errorf("merge: report %d checked another implementation", k)
		}
		for _, c := range p.Claims {
			if seen[Label(c)] {
				return nil, fmt.Errorf("merge: claim %s appears in more than one report", Label(c))
			}
			seen[Label(c)] = true
			out.Claims = append(out.Claims, c)
		}
		out.Robustness = append(out.Robustness, p.Robustness...)
		out.RobustnessCases += p.RobustnessCases
		out.Duration += p.Duration
		if p.Implementation != nil && k > 0 {
			out.Implementation.Faults = append(out.Implementation.Faults, p.Implementation.Faults...)
		}
	}
	sort.SliceStable(out.Claims, func(i, j int) bool {
		if out.Claims[i].ID != out.Claims[j].ID {
			return out.Claims[i].ID < out.Claims[j].ID
		}
		return out.Claims[i].Size < out.Claims[j].Size
	})
	out.Summary = Summarize(out.Claims)
	return out, nil
}
