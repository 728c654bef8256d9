package theorems

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"pgregory.net/rapid"
)

// Kind says how a claim's check is read.
type Kind int

const (
	// Property claims hold on every generated instance; a failing instance
	// is a counterexample.
	Property Kind = iota
	// Existence claims say that something is not true in general; they pass
	// when the generator finds a witness (reported, shrunk) within the budget.
	Existence
)

// Check is a claim's property: it draws an instance with rapid, calls the
// operations through env, and asserts through env's Expect* methods (or
// env.Witness for existence claims).
type Check func(t *rapid.T, env *Env)

// Claim is one entry of the catalog (../shared/claims.md): a statement of the
// source documents checked numerically on random instances.
type Claim struct {
	ID        string   // exactly as in claims.md, e.g. "entropic.gibbs-form"
	Title     string   // a short name
	Source    string   // document and section, e.g. "[P] § Entropic OT"
	Statement string   // the statement being checked
	Tolerance string   // the tolerance used and why it is right
	Ops       []string // the protocol operations the check exercises
	// Local names the Go-only hook groups (LocalOps) the check calls, for
	// claims of reference-only constructions; they run under props.Check
	// when the implementation sets one of the group's hooks.
	Local []string
	Kind  Kind
	Check Check
}

// Family is the part of the id before the first dot.
func (c *Claim) Family() string {
	f, _, _ := strings.Cut(c.ID, ".")
	return f
}

var (
	regMu    sync.Mutex
	registry = map[string]*Claim{}
)

// Register adds claims to the catalog. It panics on a duplicate or malformed
// id: registration happens in package init, so that is a programmer error.
func Register(cs ...*Claim) {
	regMu.Lock()
	defer regMu.Unlock()
	for _, c := range cs {
		if c.ID == "" || !strings.Contains(c.ID, ".") || c.Check == nil || c.Statement == "" || c.Source == "" || c.Tolerance == "" {
			panic(fmt.Sprintf("theorems: claim %q is incomplete (id, source, statement, tolerance and check are required)", c.ID))
		}
		if _, dup := registry[c.ID]; dup {
			panic("theorems: duplicate claim " + c.ID)
		}
		for _, op := range c.Ops {
			if _, ok := LookupOp(op); !ok {
				panic(fmt.Sprintf("theorems: claim %s names unknown op %q", c.ID, op))
			}
		}
		registry[c.ID] = c
	}
}

// All returns every registered claim sorted by id.
func All() []*Claim {
	regMu.Lock()
	defer regMu.Unlock()
	out := make([]*Claim, 0, len(registry))
	for _, c := range registry {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Lookup returns the claim with the given id.
func Lookup(id string) (*Claim, bool) {
	regMu.Lock()
	defer regMu.Unlock()
	c, ok := registry[id]
	return c, ok
}

// Families returns the sorted family names of the catalog.
func Families() []string {
	seen := map[string]bool{}
	var fs []string
	for _, c := range All() {
		if f := c.Family(); !seen[f] {
			seen[f] = true
			fs = append(fs, f)
		}
	}
	return fs
}

// Select filters the catalog: by family names, claim ids (exact, or a
// prefix ending in '*') and ops (claims that exercise at least one of them).
// Empty filters select everything. Unknown names are an error.
func Select(families, ids, ops []string) ([]*Claim, error) {
	all := All()
	fam := map[string]bool{}
	for _, f := range families {
		found := false
		for _, c := range all {
			if c.Family() == f {
				found = true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown family %q (families: %s)", f, strings.Join(Families(), ", "))
		}
		fam[f] = true
	}
	for _, id := range ids {
		found := false
		for _, c := range all {
			if matchID(id, c.ID) {
				found = true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown claim %q (see `verify list`)", id)
		}
	}
	for _, op := range ops {
		if _, ok := LookupOp(op); !ok {
			return nil, fmt.Errorf("unknown op %q", op)
		}
	}
	var out []*Claim
	for _, c := range all {
		if len(fam) > 0 && !fam[c.Family()] {
			continue
		}
		if len(ids) > 0 {
			ok := false
			for _, id := range ids {
				ok = ok || matchID(id, c.ID)
			}
			if !ok {
				continue
			}
		}
		if len(ops) > 0 {
			ok := false
			for _, op := range ops {
				for _, cop := range c.Ops {
					ok = ok || op == cop
				}
			}
			if !ok {
				continue
			}
		}
		out = append(out, c)
	}
	return out, nil
}

func matchID(pattern, id string) bool {
	if p, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(id, p)
	}
	return pattern == id
}
