package reports

import (
	"testing"

	"github.com/otverify/otverify/theorems"
)

func TestParseShard(t *testing.T) {
	for _, s := range []string{"0/1", "2/3"} {
		if _, _, err := ParseShard(s); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	for _, s := range []string{"", "1", "3/3", "-1/2", "a/b", "0/0"} {
		if _, _, err := ParseShard(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
}

func TestMerge(t *testing.T) {
	a := &Report{Mode: "reference", Seed: 1, Checks: 10, Claims: []theorems.Result{{ID: "b.x", Status: theorems.Fail}}}
	b := &Report{Mode: "reference", Seed: 1, Checks: 10, Claims: []theorems.Result{{ID: "a.y", Status: theorems.Pass}}}
	m, err := Merge([]*Report{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if m.Claims[0].ID != "a.y" || m.Summary.Pass != 1 || m.Summary.Fail != 1 {
		t.Fatalf("merged = %+v", m)
	}
	if _, err := Merge([]*Report{a, a}); err == nil {
		t.Fatal("duplicate claim accepted")
	}
	c := *b
	c.Seed = 2
	if _, err := Merge([]*Report{a, &c}); err == nil {
		t.Fatal("different seeds accepted")
	}
}
